use crate::Deps;
use jiff::Timestamp;
use vigil_domain::check::CheckResult;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a monitor's checks, newest first.
#[derive(Clone, Debug)]
pub struct ListChecks {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Which page.
    pub page: PageRequest,
}

/// Why checks could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListChecksError {
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists a monitor's check history, newest first.
#[tracing::instrument(name = "list_checks", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn list_checks(deps: &Deps, cmd: ListChecks, _now: Timestamp) -> Result<Page<CheckResult>, ListChecksError> {
    if deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await?.is_none() {
        return Err(ListChecksError::NotFound);
    }
    Ok(deps.stores.checks.list(cmd.tenant_id, cmd.monitor_id, &cmd.page).await?)
}
