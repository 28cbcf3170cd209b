use super::{TaskView, apply_step};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::heartbeat::step::{pause, resume};
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::StoreError;

/// Stop watching a task.
#[derive(Clone, Copy, Debug)]
pub struct PauseTask {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
}

/// Watch a paused task again.
#[derive(Clone, Copy, Debug)]
pub struct ResumeTask {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
}

/// Why a task could not be paused or resumed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeTaskError {
    /// No such task for this tenant.
    #[error("task not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Pauses a task: status Paused, no alerts, until resumed or a finishing ping arrives.
#[tracing::instrument(name = "pause_task", skip_all, fields(tenant = %cmd.tenant_id, task = %cmd.task_id))]
pub async fn pause_task(deps: &Deps, cmd: PauseTask, now: Timestamp) -> Result<TaskView, ChangeTaskError> {
    let record = apply_step(deps, cmd.tenant_id, cmd.task_id, move |record| Some(pause(record, now))).await?;
    let key = deps.stores.ping_keys.get(cmd.tenant_id).await?;
    Ok(TaskView::new(record.ok_or(ChangeTaskError::NotFound)?, key, now))
}

/// Resumes a task: New until its next ping.
#[tracing::instrument(name = "resume_task", skip_all, fields(tenant = %cmd.tenant_id, task = %cmd.task_id))]
pub async fn resume_task(deps: &Deps, cmd: ResumeTask, now: Timestamp) -> Result<TaskView, ChangeTaskError> {
    let record = apply_step(deps, cmd.tenant_id, cmd.task_id, move |record| Some(resume(record, now))).await?;
    let key = deps.stores.ping_keys.get(cmd.tenant_id).await?;
    Ok(TaskView::new(record.ok_or(ChangeTaskError::NotFound)?, key, now))
}
