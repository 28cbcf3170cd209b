use super::change_health_manually;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{MonitorRecord, TransitionCause};
use vigil_domain::ports::StoreError;

/// Stop checking a monitor.
#[derive(Clone, Debug)]
pub struct PauseMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be paused.
#[derive(Debug, thiserror::Error)]
pub enum PauseMonitorError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Pauses a monitor: no more scheduled checks, status Paused. Pausing a paused monitor is a
/// no-op.
#[tracing::instrument(name = "pause_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn pause_monitor(deps: &Deps, cmd: PauseMonitor, now: Timestamp) -> Result<MonitorRecord, PauseMonitorError> {
    cmd.actor.require(Action::EditMonitors)?;
    let record = change_health_manually(deps, cmd.actor.tenant_id, cmd.monitor_id, now, TransitionCause::Paused, |record| {
        (record.health.paused(now), None)
    })
    .await?
    .ok_or(PauseMonitorError::NotFound)?;
    let after = serde_json::json!({"status": record.health.status.as_str()});
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.pause",
        "monitor",
        cmd.monitor_id,
        Some(&record.monitor.spec.name),
        serde_json::Value::Null,
        after,
        now,
    )
    .await?;
    Ok(record)
}
