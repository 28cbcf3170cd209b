use super::change_health_manually;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{MonitorRecord, TransitionCause};
use vigil_domain::ports::StoreError;

/// Start checking a paused monitor again.
#[derive(Clone, Debug)]
pub struct ResumeMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeMonitorError {
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

/// Resumes a paused monitor: Pending, with a check due at once. Resuming a running monitor is
/// a no-op.
#[tracing::instrument(name = "resume_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn resume_monitor(deps: &Deps, cmd: ResumeMonitor, now: Timestamp) -> Result<MonitorRecord, ResumeMonitorError> {
    cmd.actor.require(Action::EditMonitors)?;
    let record = change_health_manually(deps, cmd.actor.tenant_id, cmd.monitor_id, now, TransitionCause::Resumed, |record| {
        (record.health.resumed(now), Some(now))
    })
    .await?
    .ok_or(ResumeMonitorError::NotFound)?;
    let after = serde_json::json!({"status": record.health.status.as_str()});
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.resume",
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
