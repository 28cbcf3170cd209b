use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::AlertRuleId;
use vigil_domain::monitor::FieldError;
use vigil_domain::notify::{AlertRule, AlertRuleDraft, InvalidInput};
use vigil_domain::ports::StoreError;

/// Create an alert rule, or replace one (`replaces`).
#[derive(Clone, Debug)]
pub struct CreateRule {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The rule to replace, keeping its id; `None` to create one.
    pub replaces: Option<AlertRuleId>,
    /// What the client sent.
    pub draft: AlertRuleDraft,
}

/// Why a rule could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateRuleError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The rule to replace does not exist.
    #[error("alert rule not found")]
    NotFound,
    /// The draft broke validation rules or names unknown channels.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates a rule, checks that every channel it names exists, and stores it. A replaced
/// rule applies to incidents from then on; timers already running keep their schedule.
#[tracing::instrument(name = "create_rule", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_rule(deps: &Deps, cmd: CreateRule, now: Timestamp) -> Result<AlertRule, CreateRuleError> {
    cmd.actor.require(Action::EditAlerting)?;
    let replaced = match cmd.replaces {
        Some(id) => Some(deps.stores.alert_rules.get(cmd.actor.tenant_id, id).await?.ok_or(CreateRuleError::NotFound)?),
        None => None,
    };
    let managed = cmd.draft.managed.clone();
    let (name, select, channels, notify_on, escalation, repeat_every_seconds) = cmd.draft.validate()?;
    let mut unknown = Vec::new();
    let mut named: Vec<(String, _)> = channels.iter().enumerate().map(|(i, c)| (format!("channels[{i}]"), *c)).collect();
    for (s, step) in escalation.iter().enumerate() {
        named.extend(step.channels.iter().enumerate().map(|(i, c)| (format!("escalation[{s}].channels[{i}]"), *c)));
    }
    for (field, channel) in named {
        if deps.stores.channels.get(cmd.actor.tenant_id, channel).await?.is_none() {
            unknown.push(FieldError { field, message: format!("no channel with id {channel}") });
        }
    }
    if !unknown.is_empty() {
        return Err(InvalidInput(unknown).into());
    }
    let (id, created_at) = match &replaced {
        Some(rule) => (rule.id, rule.created_at),
        None => (AlertRuleId::from_uuid(deps.random.new_id(now)), now),
    };
    let rule = AlertRule {
        id,
        tenant_id: cmd.actor.tenant_id,
        name,
        select,
        channels,
        notify_on,
        escalation,
        repeat_every_seconds,
        created_at,
        managed,
    };
    let before = replaced.as_ref().map(crate::accounts::audit_trail::snapshot).unwrap_or_default();
    deps.stores.alert_rules.put(&rule).await?;
    let action = if cmd.replaces.is_some() { "alert_rule.update" } else { "alert_rule.create" };
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        action,
        "alert_rule",
        rule.id,
        Some(&rule.name),
        before,
        crate::accounts::audit_trail::snapshot(&rule),
        now,
    )
    .await?;
    Ok(rule)
}
