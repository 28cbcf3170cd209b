//! The scheduler function: an EventBridge schedule fires it once a minute; it claims every check
//! due within the horizon from the due-index and enqueues them as delayed probe jobs.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde::Serialize;
use vigil_app::SystemClock;
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks, DispatchDueChecksError, dispatch_due_checks};

/// What a run did, as the invocation's result (visible in logs and `cargo lambda invoke`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Checks enqueued.
    pub checks: usize,
    /// Job messages enqueued.
    pub jobs: usize,
    /// Whether the per-run cap left checks due for the next run.
    pub capped: bool,
}

/// Why a run failed, as Lambda reports it (`errorType`, `errorMessage`). EventBridge retries
/// a failed invocation; whatever the failed run had already claimed is not claimed again.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct RunFailed(#[from] pub DispatchDueChecksError);

impl From<RunFailed> for Diagnostic {
    fn from(failure: RunFailed) -> Self {
        let error_type = match failure.0 {
            DispatchDueChecksError::Window { .. } => "Vigil.Configuration",
            DispatchDueChecksError::Store { .. } => "Vigil.Dispatch",
        };
        Diagnostic { error_type: error_type.into(), error_message: failure.to_string() }
    }
}

/// Handles one scheduled event. The event's own time is not used: the claim starts from the
/// clock, so a late or retried delivery claims from when it actually runs.
pub async fn handle(deps: &DispatchDeps, cmd: DispatchDueChecks, event: LambdaEvent<EventBridgeEvent>) -> Result<RunSummary, RunFailed> {
    let now = SystemClock::now();
    match dispatch_due_checks(deps, cmd, now).await {
        Ok(done) => {
            tracing::info!(checks = done.checks, jobs = done.jobs, capped = done.capped, request_id = %event.context.request_id, "dispatched due checks");
            Ok(RunSummary { checks: done.checks, jobs: done.jobs, capped: done.capped })
        }
        Err(error) => {
            tracing::error!(%error, request_id = %event.context.request_id, "dispatching due checks failed");
            Err(error.into())
        }
    }
}
