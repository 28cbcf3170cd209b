//! Hosts: listed and read with their status and firing rules, renamed, revoked.

use super::HostError;
use super::alerts::alert_event;
use crate::Deps;
use crate::accounts::audit_trail::{self, Change};
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::protocol::DisconnectReason;
use vigil_domain::agent::rule::RuleStatus;
use vigil_domain::events::HostAlertChange;
use vigil_domain::host::{Host, HostRule, HostStatus, RuleWatch};
use vigil_domain::ids::AgentId;
use vigil_domain::ports::AgentLink;

/// A host as the API shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct HostView {
    /// The host.
    pub host: Host,
    /// Its status.
    pub status: HostStatus,
    /// The rules firing on it, with since when.
    pub firing: Vec<(HostRule, Timestamp)>,
}

fn view(host: Host, rules: &[HostRule], watches: &[RuleWatch]) -> HostView {
    let mut firing = Vec::new();
    let mut states = Vec::new();
    for rule in rules.iter().filter(|r| r.watches(&host)) {
        if let Some(watch) = watches.iter().find(|w| w.rule_id == rule.id && w.agent_id == host.id) {
            states.push((rule.is_silence(), watch.state.status));
            if watch.state.status == RuleStatus::Firing {
                firing.push((rule.clone(), watch.state.since));
            }
        }
    }
    HostView { status: host.status(states), host, firing }
}

/// Every host, oldest first.
#[tracing::instrument(name = "list_hosts", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_hosts(deps: &Deps, actor: &Actor) -> Result<Vec<HostView>, HostError> {
    actor.require(Action::Read)?;
    let rules = deps.stores.host_rules.rules(actor.tenant_id).await?;
    let watches = deps.stores.host_rules.watches(actor.tenant_id).await?;
    Ok(deps.stores.hosts.hosts(actor.tenant_id).await?.into_iter().map(|h| view(h, &rules, &watches)).collect())
}

/// One host.
#[tracing::instrument(name = "get_host", skip_all, fields(tenant = %actor.tenant_id, agent = %id))]
pub async fn get_host(deps: &Deps, actor: &Actor, id: AgentId) -> Result<HostView, HostError> {
    actor.require(Action::Read)?;
    let host = deps.stores.hosts.host(actor.tenant_id, id).await?.ok_or(HostError::NotFound("host"))?;
    let rules = deps.stores.host_rules.rules(actor.tenant_id).await?;
    let watches = deps.stores.host_rules.watches_of(actor.tenant_id, id).await?;
    Ok(view(host, &rules, &watches))
}

/// Revokes a host's credential (admins): its agent is disconnected and can no longer connect,
/// and the incidents its rules have open resolve, since nobody watches it any more. Its
/// history stays.
#[tracing::instrument(name = "revoke_host", skip_all, fields(tenant = %actor.tenant_id, agent = %id))]
pub async fn revoke_host(deps: &Deps, link: &dyn AgentLink, actor: &Actor, id: AgentId, now: Timestamp) -> Result<HostView, HostError> {
    actor.require(Action::ManageHosts)?;
    let mut host = deps.stores.hosts.host(actor.tenant_id, id).await?.ok_or(HostError::NotFound("host"))?;
    if host.revoked_at.is_none() {
        host.revoked_at = Some(now);
        deps.stores.hosts.update_host(&host).await?;
        let change = Change {
            action: "host.revoke",
            kind: "host",
            id: id.to_string(),
            name: Some(host.name.clone()),
            before: json!({"revoked": false}),
            after: json!({"revoked": true}),
        };
        audit_trail::record(deps, actor, change, now).await?;
    }
    link.disconnect(id, DisconnectReason::CredentialRevoked).await?;
    let rules = deps.stores.host_rules.rules(actor.tenant_id).await?;
    let watches = deps.stores.host_rules.watches_of(actor.tenant_id, id).await?;
    let events: Vec<_> = watches
        .iter()
        .filter(|w| w.state.status == RuleStatus::Firing)
        .filter_map(|w| rules.iter().find(|r| r.id == w.rule_id))
        .map(|rule| alert_event(&host, rule, HostAlertChange::Withdrawn, now, format!("the host was revoked by {}", actor.label)))
        .collect();
    if !events.is_empty() {
        deps.events.publish(&events).await?;
    }
    Ok(view(host, &rules, &watches))
}
