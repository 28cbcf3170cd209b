use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::notify::AlertRule;
use vigil_domain::ports::StoreError;

/// List a tenant's alert rules.
#[derive(Clone, Copy, Debug)]
pub struct ListRules {
    /// Owner.
    pub tenant_id: TenantId,
}

/// Why rules could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListRulesError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists every rule, oldest first.
#[tracing::instrument(name = "list_rules", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_rules(deps: &Deps, cmd: ListRules, _now: Timestamp) -> Result<Vec<AlertRule>, ListRulesError> {
    Ok(deps.stores.alert_rules.all(cmd.tenant_id).await?)
}
