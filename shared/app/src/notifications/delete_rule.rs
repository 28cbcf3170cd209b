use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{AlertRuleId, TenantId};
use vigil_domain::ports::StoreError;

/// Delete an alert rule.
#[derive(Clone, Copy, Debug)]
pub struct DeleteRule {
    /// Owner.
    pub tenant_id: TenantId,
    /// Rule.
    pub rule_id: AlertRuleId,
}

/// Why a rule could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteRuleError {
    /// No such rule for this tenant.
    #[error("alert rule not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a rule; its running timers end when they are next due.
#[tracing::instrument(name = "delete_rule", skip_all, fields(tenant = %cmd.tenant_id, rule = %cmd.rule_id))]
pub async fn delete_rule(deps: &Deps, cmd: DeleteRule, _now: Timestamp) -> Result<(), DeleteRuleError> {
    if deps.stores.alert_rules.delete(cmd.tenant_id, cmd.rule_id).await? { Ok(()) } else { Err(DeleteRuleError::NotFound) }
}
