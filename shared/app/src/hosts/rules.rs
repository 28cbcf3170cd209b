//! Rules on hosts: made, listed with their state on each host they watch, deleted.

use super::HostError;
use super::alerts::alert_event;
use crate::Deps;
use crate::accounts::audit_trail::{self, Change, snapshot};
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::rule::{RuleState, RuleStatus};
use vigil_domain::events::HostAlertChange;
use vigil_domain::host::{HostRule, HostRuleDraft};
use vigil_domain::ids::{AgentId, HostRuleId};

/// A rule with its state on each host it watches.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleView {
    /// The rule.
    pub rule: HostRule,
    /// Its state on each host it watches: (host, name, state).
    pub hosts: Vec<(AgentId, String, RuleState)>,
}

/// Makes a rule (admins).
#[tracing::instrument(name = "create_host_rule", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn create_host_rule(deps: &Deps, actor: &Actor, draft: HostRuleDraft, now: Timestamp) -> Result<HostRule, HostError> {
    actor.require(Action::EditHostRules)?;
    let valid = draft.validate()?;
    if let Some(host) = valid.host
        && deps.stores.hosts.host(actor.tenant_id, host).await?.is_none()
    {
        return Err(HostError::invalid("host", format!("there is no host {host} here")));
    }
    let rule = HostRule {
        id: HostRuleId::from_uuid(deps.random.new_id(now)),
        tenant_id: actor.tenant_id,
        name: valid.name,
        host: valid.host,
        condition: valid.condition,
        created_at: now,
        created_by: actor.label.clone(),
    };
    deps.stores.host_rules.put_rule(&rule).await?;
    let change = Change {
        action: "host_rule.create",
        kind: "host_rule",
        id: rule.id.to_string(),
        name: Some(rule.name.clone()),
        before: serde_json::Value::Null,
        after: snapshot(&rule),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(rule)
}

/// Every rule, with its state on each host it watches.
#[tracing::instrument(name = "list_host_rules", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_host_rules(deps: &Deps, actor: &Actor) -> Result<Vec<RuleView>, HostError> {
    actor.require(Action::Read)?;
    let rules = deps.stores.host_rules.rules(actor.tenant_id).await?;
    let hosts = deps.stores.hosts.hosts(actor.tenant_id).await?;
    let watches = deps.stores.host_rules.watches(actor.tenant_id).await?;
    Ok(rules
        .into_iter()
        .map(|rule| {
            let states = hosts
                .iter()
                .filter(|h| h.revoked_at.is_none() && rule.watches(h))
                .map(|h| {
                    let stored = watches.iter().find(|w| w.rule_id == rule.id && w.agent_id == h.id).map(|w| w.state);
                    (h.id, h.name.clone(), stored.unwrap_or_else(|| rule.initial_state(h)))
                })
                .collect();
            RuleView { rule, hosts: states }
        })
        .collect())
}

/// Deletes a rule (admins); the incidents it has open resolve, since nothing watches any more.
#[tracing::instrument(name = "delete_host_rule", skip_all, fields(tenant = %actor.tenant_id, rule = %id))]
pub async fn delete_host_rule(deps: &Deps, actor: &Actor, id: HostRuleId, now: Timestamp) -> Result<(), HostError> {
    actor.require(Action::EditHostRules)?;
    let rule = deps.stores.host_rules.rule(actor.tenant_id, id).await?.ok_or(HostError::NotFound("host rule"))?;
    let firing: Vec<AgentId> = deps
        .stores
        .host_rules
        .watches(actor.tenant_id)
        .await?
        .into_iter()
        .filter(|w| w.rule_id == id && w.state.status == RuleStatus::Firing)
        .map(|w| w.agent_id)
        .collect();
    let mut events = Vec::new();
    for agent in firing {
        if let Some(host) = deps.stores.hosts.host(actor.tenant_id, agent).await? {
            events.push(alert_event(&host, &rule, HostAlertChange::Withdrawn, now, format!("the rule was deleted by {}", actor.label)));
        }
    }
    if !events.is_empty() {
        deps.events.publish(&events).await?;
    }
    deps.stores.host_rules.delete_rule(actor.tenant_id, id).await?;
    let change = Change {
        action: "host_rule.delete",
        kind: "host_rule",
        id: id.to_string(),
        name: Some(rule.name.clone()),
        before: snapshot(&rule),
        after: serde_json::Value::Null,
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(())
}
