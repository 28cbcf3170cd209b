use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{AlertRuleId, TenantId};
use vigil_domain::notify::AlertRule;
use vigil_domain::ports::StoreError;

/// Read one alert rule.
#[derive(Clone, Copy, Debug)]
pub struct GetRule {
    /// Owner.
    pub tenant_id: TenantId,
    /// Rule.
    pub rule_id: AlertRuleId,
}

/// Why a rule could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetRuleError {
    /// No such rule for this tenant.
    #[error("alert rule not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a rule.
#[tracing::instrument(name = "get_rule", skip_all, fields(tenant = %cmd.tenant_id, rule = %cmd.rule_id))]
pub async fn get_rule(deps: &Deps, cmd: GetRule, _now: Timestamp) -> Result<AlertRule, GetRuleError> {
    deps.stores.alert_rules.get(cmd.tenant_id, cmd.rule_id).await?.ok_or(GetRuleError::NotFound)
}
