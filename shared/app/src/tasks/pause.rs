use super::{TaskView, apply_step};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::step::{pause, resume};
use vigil_domain::ids::TaskId;
use vigil_domain::ports::StoreError;

/// Stop watching a task.
#[derive(Clone, Debug)]
pub struct PauseTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
}

/// Watch a paused task again.
#[derive(Clone, Debug)]
pub struct ResumeTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
}

/// Why a task could not be paused or resumed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeTaskError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such task for this tenant.
    #[error("task not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Pauses a task: status Paused, no alerts, until resumed or a finishing ping arrives.
#[tracing::instrument(name = "pause_task", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn pause_task(deps: &Deps, cmd: PauseTask, now: Timestamp) -> Result<TaskView, ChangeTaskError> {
    cmd.actor.require(Action::EditTasks)?;
    let record = apply_step(deps, cmd.actor.tenant_id, cmd.task_id, move |record| Some(pause(record, now))).await?;
    let record = record.ok_or(ChangeTaskError::NotFound)?;
    let name = record.task.spec.name.clone();
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "task.pause",
        "task",
        cmd.task_id,
        Some(&name),
        serde_json::Value::Null,
        serde_json::json!({"paused": true}),
        now,
    )
    .await?;
    let key = deps.stores.ping_keys.get(cmd.actor.tenant_id).await?;
    Ok(TaskView::new(record, key, now))
}

/// Resumes a task: New until its next ping.
#[tracing::instrument(name = "resume_task", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn resume_task(deps: &Deps, cmd: ResumeTask, now: Timestamp) -> Result<TaskView, ChangeTaskError> {
    cmd.actor.require(Action::EditTasks)?;
    let record = apply_step(deps, cmd.actor.tenant_id, cmd.task_id, move |record| Some(resume(record, now))).await?;
    let record = record.ok_or(ChangeTaskError::NotFound)?;
    let name = record.task.spec.name.clone();
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "task.resume",
        "task",
        cmd.task_id,
        Some(&name),
        serde_json::Value::Null,
        serde_json::json!({"paused": false}),
        now,
    )
    .await?;
    let key = deps.stores.ping_keys.get(cmd.actor.tenant_id).await?;
    Ok(TaskView::new(record, key, now))
}
