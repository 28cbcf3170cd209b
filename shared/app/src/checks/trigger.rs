use super::run::{CheckRun, RunCheck, RunCheckError, RunCheckOutcome, run_check};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::ports::StoreError;

/// Check a monitor now, on request.
#[derive(Clone, Debug)]
pub struct TriggerCheck {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a check could not be triggered.
#[derive(Debug, thiserror::Error)]
pub enum TriggerCheckError {
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

/// Runs a check at once and returns its result. A paused monitor is checked but stays paused.
/// The regular schedule is not moved.
#[tracing::instrument(name = "trigger_check", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn trigger_check(deps: &Deps, cmd: TriggerCheck, now: Timestamp) -> Result<CheckRun, TriggerCheckError> {
    cmd.actor.require(Action::EditMonitors)?;
    let run = RunCheck { tenant_id: cmd.actor.tenant_id, monitor_id: cmd.monitor_id, planned_at: now, manual: true };
    match run_check(deps, run, now).await {
        Ok(RunCheckOutcome::Ran(run)) => Ok(*run),
        Ok(RunCheckOutcome::MonitorGone | RunCheckOutcome::MonitorPaused) => Err(TriggerCheckError::NotFound),
        Err(RunCheckError::Store(error)) => Err(error.into()),
    }
}
