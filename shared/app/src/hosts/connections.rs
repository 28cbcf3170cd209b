//! Connection events: recorded as agents connect and disconnect, listed per host.

use super::HostError;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::protocol::DisconnectReason;
use vigil_domain::host::{ConnectionEvent, ConnectionKind, Host, Side};
use vigil_domain::ids::{AgentId, ConnectionEventId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Appends a connection event of `host`.
pub(crate) async fn log_connection(deps: &Deps, host: &Host, kind: ConnectionKind, at: Timestamp) -> Result<(), StoreError> {
    let event = ConnectionEvent {
        id: ConnectionEventId::from_uuid(deps.random.new_id(at)),
        tenant_id: host.tenant_id,
        agent_id: host.id,
        at,
        kind,
    };
    deps.stores.connections.append_connection(&event).await
}

/// An agent's connection ended.
#[derive(Clone, Debug)]
pub struct RecordDisconnect {
    /// Why.
    pub reason: DisconnectReason,
    /// Detail for people.
    pub detail: Option<String>,
    /// Who says so: the server as its connection ended, or the agent in its goodbye.
    pub seen_by: Side,
}

/// Records the end of the actor's (an agent's) connection.
#[tracing::instrument(name = "record_disconnect", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn record_disconnect(deps: &Deps, actor: &Actor, cmd: RecordDisconnect, now: Timestamp) -> Result<(), HostError> {
    let agent = actor.as_agent().ok_or_else(|| HostError::Conflict("only an agent's connection ends".into()))?;
    let kind = ConnectionKind::Disconnected { reason: cmd.reason, detail: cmd.detail, seen_by: cmd.seen_by };
    let event = ConnectionEvent {
        id: ConnectionEventId::from_uuid(deps.random.new_id(now)),
        tenant_id: actor.tenant_id,
        agent_id: agent,
        at: now,
        kind,
    };
    deps.stores.connections.append_connection(&event).await?;
    deps.notify(actor.tenant_id, LiveNotice::Host(agent));
    Ok(())
}

/// A page of a host's connection events, newest first.
#[tracing::instrument(name = "list_connections", skip_all, fields(tenant = %actor.tenant_id, agent = %agent))]
pub async fn list_connections(deps: &Deps, actor: &Actor, agent: AgentId, page: PageRequest) -> Result<Page<ConnectionEvent>, HostError> {
    actor.require(Action::Read)?;
    deps.stores.hosts.host(actor.tenant_id, agent).await?.ok_or(HostError::NotFound("host"))?;
    Ok(deps.stores.connections.connections(actor.tenant_id, agent, &page).await?)
}
