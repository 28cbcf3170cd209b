use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::MonitorRecord;
use vigil_domain::page::Page;
use vigil_domain::ports::{MonitorQuery, StoreError};

/// List a tenant's monitors.
#[derive(Clone, Debug)]
pub struct ListMonitors {
    /// Owner.
    pub tenant_id: TenantId,
    /// Filters and page.
    pub query: MonitorQuery,
}

/// Why monitors could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListMonitorsError {
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists monitors, oldest first.
#[tracing::instrument(name = "list_monitors", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_monitors(deps: &Deps, cmd: ListMonitors, _now: Timestamp) -> Result<Page<MonitorRecord>, ListMonitorsError> {
    Ok(deps.stores.monitors.list(cmd.tenant_id, &cmd.query).await?)
}
