use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::TaskId;
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Delete a task and its history.
#[derive(Clone, Debug)]
pub struct DeleteTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
}

/// Why a task could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteTaskError {
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

/// Deletes a task, its runs, pings and ping bodies; its ping URLs stop working at once.
#[tracing::instrument(name = "delete_task", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn delete_task(deps: &Deps, cmd: DeleteTask, now: Timestamp) -> Result<(), DeleteTaskError> {
    cmd.actor.require(Action::EditTasks)?;
    let before = deps.stores.tasks.get(cmd.actor.tenant_id, cmd.task_id).await?.ok_or(DeleteTaskError::NotFound)?;
    if !deps.stores.tasks.delete(cmd.actor.tenant_id, cmd.task_id).await? {
        return Err(DeleteTaskError::NotFound);
    }
    deps.notify(cmd.actor.tenant_id, LiveNotice::Task(cmd.task_id));
    let spec = &before.task.spec;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "task.delete",
        "task",
        cmd.task_id,
        Some(&spec.name),
        crate::accounts::audit_trail::snapshot(&spec.to_draft()),
        serde_json::Value::Null,
        now,
    )
    .await?;
    deps.stores.ping_bodies.delete_task(cmd.actor.tenant_id, cmd.task_id).await?;
    Ok(())
}
