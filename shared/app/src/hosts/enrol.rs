//! An agent's first connection: its one-time token becomes its own credential.

use super::connections::log_connection;
use super::enrolments::host_name;
use super::{AgentRefused, agent_actor};
use crate::Deps;
use crate::accounts::audit_trail::{self, Change};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use vigil_domain::access::{Actor, Origin};
use vigil_domain::agent::protocol::{DisconnectReason, HostInfo};
use vigil_domain::agent::rule::RuleCondition;
use vigil_domain::agent::{AgentSecret, EnrolmentToken};
use vigil_domain::host::rule::describe;
use vigil_domain::host::{ConnectionKind, Host, HostCredential, HostProgress, HostRule};
use vigil_domain::ids::{AgentId, HostRuleId};

/// An agent presents its enrolment token.
#[derive(Clone, Debug)]
pub struct EnrolAgent {
    /// The token.
    pub token: EnrolmentToken,
    /// What the agent says about its host.
    pub host: HostInfo,
    /// Where the connection came from.
    pub origin: Origin,
}

/// The enrolled agent: its actor, its host, and the secret to hand it (this once).
#[derive(Clone, Debug)]
pub struct Enrolled {
    /// The agent, acting for itself from now on.
    pub actor: Actor,
    /// Its host.
    pub host: Host,
    /// Its secret: sent in `enrolled` and kept by nobody else.
    pub secret: AgentSecret,
}

/// Spends the token (once, however many agents race with it) and enrols the agent: a new
/// host with a fresh credential, the silence rule its enrolment asked for, a connection event
/// and an audit entry.
#[tracing::instrument(name = "enrol_agent", skip_all)]
pub async fn enrol_agent(deps: &Deps, cmd: EnrolAgent, now: Timestamp) -> Result<Enrolled, AgentRefused> {
    let refused = || AgentRefused::new(DisconnectReason::EnrolmentRefused, "the enrolment token is unknown, spent or withdrawn");
    let enrolment = deps.stores.hosts.take_enrolment(&cmd.token.digest()).await?.filter(|e| e.is_for(&cmd.token)).ok_or_else(refused)?;
    if enrolment.expires_at <= now {
        return Err(AgentRefused::new(DisconnectReason::EnrolmentRefused, "the enrolment token has expired: ask for a new one"));
    }
    let secret = AgentSecret::from_random(deps.random.secret_bytes());
    let id = AgentId::from_uuid(deps.random.new_id(now));
    let name =
        enrolment.name.clone().or_else(|| host_name(&cmd.host.hostname).ok()).unwrap_or_else(|| format!("host-{}", &id.to_string()[..8]));
    let host = Host {
        id,
        tenant_id: enrolment.tenant_id,
        name,
        tags: enrolment.tags.clone(),
        info: cmd.host,
        credential: HostCredential::of(&secret),
        enrolled_at: now,
        revoked_at: None,
        progress: HostProgress::default(),
    };
    deps.stores.hosts.insert_host(&host).await?;
    let actor = agent_actor(&host, cmd.origin.clone());
    if let Some(seconds) = enrolment.silent_after_seconds {
        let condition = RuleCondition::silent(SignedDuration::from_secs(i64::from(seconds)))
            .map_err(|e| AgentRefused::new(DisconnectReason::EnrolmentRefused, &e.to_string()))?;
        let rule = HostRule {
            id: HostRuleId::from_uuid(deps.random.new_id(now)),
            tenant_id: host.tenant_id,
            name: describe(&condition),
            host: Some(host.id),
            condition,
            created_at: now,
            created_by: enrolment.created_by.clone(),
        };
        deps.stores.host_rules.put_rule(&rule).await?;
    }
    log_connection(
        deps,
        &host,
        ConnectionKind::Connected { address: cmd.origin.ip.clone(), agent_version: host.info.agent_version.clone() },
        now,
    )
    .await?;
    let after = json!({"name": host.name, "tags": host.tags, "hostname": host.info.hostname, "enrolment": enrolment.id});
    let change = Change {
        action: "host.enrol",
        kind: "host",
        id: host.id.to_string(),
        name: Some(host.name.clone()),
        before: serde_json::Value::Null,
        after,
    };
    audit_trail::record(deps, &actor, change, now).await?;
    tracing::info!(agent = %host.id, host = %host.name, "an agent enrolled");
    Ok(Enrolled { actor, host, secret })
}
