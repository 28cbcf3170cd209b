use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::Mute;
use vigil_domain::ports::StoreError;

/// Mute a monitor: its incidents still open, nobody is notified.
#[derive(Clone, Copy, Debug)]
pub struct MuteMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Until when; `None` until unmuted.
    pub until: Option<Timestamp>,
}

/// Unmute a monitor.
#[derive(Clone, Copy, Debug)]
pub struct UnmuteMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be muted or unmuted.
#[derive(Debug, thiserror::Error)]
pub enum MuteMonitorError {
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Mutes a monitor, replacing an earlier mute.
#[tracing::instrument(name = "mute_monitor", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn mute_monitor(deps: &Deps, cmd: MuteMonitor, now: Timestamp) -> Result<Mute, MuteMonitorError> {
    deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await?.ok_or(MuteMonitorError::NotFound)?;
    let mute = Mute { tenant_id: cmd.tenant_id, subject: IncidentSubject::Monitor(cmd.monitor_id), until: cmd.until, created_at: now };
    deps.stores.silences.put_mute(&mute).await?;
    Ok(mute)
}

/// Unmutes a monitor; unmuting a monitor that is not muted is a no-op.
#[tracing::instrument(name = "unmute_monitor", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn unmute_monitor(deps: &Deps, cmd: UnmuteMonitor, _now: Timestamp) -> Result<(), MuteMonitorError> {
    deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await?.ok_or(MuteMonitorError::NotFound)?;
    deps.stores.silences.delete_mute(cmd.tenant_id, IncidentSubject::Monitor(cmd.monitor_id)).await?;
    Ok(())
}
