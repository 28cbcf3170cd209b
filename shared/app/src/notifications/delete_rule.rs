use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::AlertRuleId;
use vigil_domain::ports::StoreError;

/// Delete an alert rule.
#[derive(Clone, Debug)]
pub struct DeleteRule {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Rule.
    pub rule_id: AlertRuleId,
}

/// Why a rule could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteRuleError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such rule for this tenant.
    #[error("alert rule not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a rule; its running timers end when they are next due.
#[tracing::instrument(name = "delete_rule", skip_all, fields(tenant = %cmd.actor.tenant_id, rule = %cmd.rule_id))]
pub async fn delete_rule(deps: &Deps, cmd: DeleteRule, now: Timestamp) -> Result<(), DeleteRuleError> {
    cmd.actor.require(Action::EditAlerting)?;
    let before = deps.stores.alert_rules.get(cmd.actor.tenant_id, cmd.rule_id).await?;
    if !deps.stores.alert_rules.delete(cmd.actor.tenant_id, cmd.rule_id).await? {
        return Err(DeleteRuleError::NotFound);
    }
    let name = before.as_ref().map(|r| r.name.clone());
    let before = before.map(|r| crate::accounts::audit_trail::snapshot(&r)).unwrap_or_default();
    Ok(crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "alert_rule.delete",
        "alert_rule",
        cmd.rule_id,
        name.as_deref(),
        before,
        serde_json::Value::Null,
        now,
    )
    .await?)
}
