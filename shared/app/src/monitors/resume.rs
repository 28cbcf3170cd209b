use super::change_health_manually;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{MonitorRecord, TransitionCause};
use vigil_domain::ports::StoreError;

/// Start checking a paused monitor again.
#[derive(Clone, Copy, Debug)]
pub struct ResumeMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeMonitorError {
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resumes a paused monitor: Pending, with a check due at once. Resuming a running monitor is
/// a no-op.
#[tracing::instrument(name = "resume_monitor", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn resume_monitor(deps: &Deps, cmd: ResumeMonitor, now: Timestamp) -> Result<MonitorRecord, ResumeMonitorError> {
    change_health_manually(deps, cmd.tenant_id, cmd.monitor_id, now, TransitionCause::Resumed, |record| {
        (record.health.resumed(now), Some(now))
    })
    .await?
    .ok_or(ResumeMonitorError::NotFound)
}
