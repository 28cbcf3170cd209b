use crate::Deps;
use crate::incidents::{HandleEventError, resolve_ongoing};
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::incident::{IncidentSubject, ResolvedBy};
use vigil_domain::ports::StoreError;

/// Delete a monitor and its history.
#[derive(Clone, Copy, Debug)]
pub struct DeleteMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteMonitorError {
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a monitor, its check history, transitions and artefacts, and resolves its ongoing
/// incident (which no check would ever resolve otherwise; its reminders would go on forever).
#[tracing::instrument(name = "delete_monitor", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn delete_monitor(deps: &Deps, cmd: DeleteMonitor, now: Timestamp) -> Result<(), DeleteMonitorError> {
    if !deps.stores.monitors.delete(cmd.tenant_id, cmd.monitor_id).await? {
        return Err(DeleteMonitorError::NotFound);
    }
    deps.stores.artefacts.delete_monitor(cmd.tenant_id, cmd.monitor_id).await?;
    let subject = IncidentSubject::Monitor(cmd.monitor_id);
    resolve_ongoing(deps, cmd.tenant_id, subject, now, ResolvedBy::SubjectDeleted, now).await.map_err(|HandleEventError::Store(e)| e)?;
    Ok(())
}
