use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::StoreError;

/// Delete a task and its history.
#[derive(Clone, Copy, Debug)]
pub struct DeleteTask {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
}

/// Why a task could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteTaskError {
    /// No such task for this tenant.
    #[error("task not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a task, its runs, pings and ping bodies; its ping URLs stop working at once.
#[tracing::instrument(name = "delete_task", skip_all, fields(tenant = %cmd.tenant_id, task = %cmd.task_id))]
pub async fn delete_task(deps: &Deps, cmd: DeleteTask, _now: Timestamp) -> Result<(), DeleteTaskError> {
    if !deps.stores.tasks.delete(cmd.tenant_id, cmd.task_id).await? {
        return Err(DeleteTaskError::NotFound);
    }
    deps.stores.ping_bodies.delete_task(cmd.tenant_id, cmd.task_id).await?;
    Ok(())
}
