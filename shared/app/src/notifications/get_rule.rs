use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::AlertRuleId;
use vigil_domain::notify::AlertRule;
use vigil_domain::ports::StoreError;

/// Read one alert rule.
#[derive(Clone, Debug)]
pub struct GetRule {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Rule.
    pub rule_id: AlertRuleId,
}

/// Why a rule could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetRuleError {
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

/// Reads a rule.
#[tracing::instrument(name = "get_rule", skip_all, fields(tenant = %cmd.actor.tenant_id, rule = %cmd.rule_id))]
pub async fn get_rule(deps: &Deps, cmd: GetRule, _now: Timestamp) -> Result<AlertRule, GetRuleError> {
    cmd.actor.require(Action::Read)?;
    deps.stores.alert_rules.get(cmd.actor.tenant_id, cmd.rule_id).await?.ok_or(GetRuleError::NotFound)
}
