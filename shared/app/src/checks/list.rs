use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::check::CheckResult;
use vigil_domain::ids::MonitorId;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a monitor's checks, newest first.
#[derive(Clone, Debug)]
pub struct ListChecks {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Which page.
    pub page: PageRequest,
}

/// Why checks could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListChecksError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists a monitor's check history, newest first.
#[tracing::instrument(name = "list_checks", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn list_checks(deps: &Deps, cmd: ListChecks, _now: Timestamp) -> Result<Page<CheckResult>, ListChecksError> {
    cmd.actor.require(Action::Read)?;
    if deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.is_none() {
        return Err(ListChecksError::NotFound);
    }
    Ok(deps.stores.checks.list(cmd.actor.tenant_id, cmd.monitor_id, &cmd.page).await?)
}
