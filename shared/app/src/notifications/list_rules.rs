use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::notify::AlertRule;
use vigil_domain::ports::StoreError;

/// List a tenant's alert rules.
#[derive(Clone, Debug)]
pub struct ListRules {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// Why rules could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListRulesError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists every rule, oldest first.
#[tracing::instrument(name = "list_rules", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_rules(deps: &Deps, cmd: ListRules, _now: Timestamp) -> Result<Vec<AlertRule>, ListRulesError> {
    cmd.actor.require(Action::Read)?;
    Ok(deps.stores.alert_rules.all(cmd.actor.tenant_id).await?)
}
