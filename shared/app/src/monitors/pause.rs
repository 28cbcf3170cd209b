use super::change_health_manually;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{MonitorRecord, TransitionCause};
use vigil_domain::ports::StoreError;

/// Stop checking a monitor.
#[derive(Clone, Copy, Debug)]
pub struct PauseMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be paused.
#[derive(Debug, thiserror::Error)]
pub enum PauseMonitorError {
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Pauses a monitor: no more scheduled checks, status Paused. Pausing a paused monitor is a
/// no-op.
#[tracing::instrument(name = "pause_monitor", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn pause_monitor(deps: &Deps, cmd: PauseMonitor, now: Timestamp) -> Result<MonitorRecord, PauseMonitorError> {
    change_health_manually(deps, cmd.tenant_id, cmd.monitor_id, now, TransitionCause::Paused, |record| (record.health.paused(now), None))
        .await?
        .ok_or(PauseMonitorError::NotFound)
}
