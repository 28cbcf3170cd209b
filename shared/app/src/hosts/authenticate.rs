//! An enrolled agent's connection: its credential checked, its host's information refreshed.

use super::connections::log_connection;
use super::{AgentRefused, agent_actor};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Actor, Origin};
use vigil_domain::agent::AgentSecret;
use vigil_domain::agent::protocol::{DisconnectNote, DisconnectReason, HostInfo};
use vigil_domain::host::{ConnectionKind, Host, Side};
use vigil_domain::ids::AgentId;

/// An agent says `hello`.
#[derive(Clone, Debug)]
pub struct AuthenticateAgent {
    /// The agent it says it is.
    pub agent_id: AgentId,
    /// Its secret.
    pub secret: AgentSecret,
    /// What it says about its host now.
    pub host: HostInfo,
    /// How its previous connection ended, as it saw it.
    pub previous_disconnect: Option<DisconnectNote>,
    /// Where the connection came from.
    pub origin: Origin,
}

/// Checks the agent's credential (unknown and wrong are refused alike; a revoked one is told
/// so), records the end of its previous connection as it saw it and this connection, and
/// keeps the host's information current.
#[tracing::instrument(name = "authenticate_agent", skip_all, fields(agent = %cmd.agent_id))]
pub async fn authenticate_agent(deps: &Deps, cmd: AuthenticateAgent, now: Timestamp) -> Result<(Actor, Host), AgentRefused> {
    let refused = || AgentRefused::new(DisconnectReason::AuthenticationFailed, "unknown agent or wrong secret");
    let mut host = deps.stores.hosts.host_by_agent(cmd.agent_id).await?.ok_or_else(refused)?;
    if !host.credential.accepts(&cmd.secret) {
        return Err(refused());
    }
    if host.revoked_at.is_some() {
        return Err(AgentRefused::new(DisconnectReason::CredentialRevoked, "an admin revoked this agent's credential: enrol it again"));
    }
    if host.info != cmd.host {
        host.info = cmd.host;
        deps.stores.hosts.update_host(&host).await?;
    }
    if let Some(note) = cmd.previous_disconnect {
        let kind = ConnectionKind::Disconnected { reason: note.reason, detail: note.detail, seen_by: Side::Agent };
        log_connection(deps, &host, kind, note.at.min(now)).await?;
    }
    log_connection(
        deps,
        &host,
        ConnectionKind::Connected { address: cmd.origin.ip.clone(), agent_version: host.info.agent_version.clone() },
        now,
    )
    .await?;
    Ok((agent_actor(&host, cmd.origin), host))
}
