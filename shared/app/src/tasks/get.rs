use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::{Assessment, PingKey, TaskRecord, assess};
use vigil_domain::ids::TaskId;
use vigil_domain::ports::StoreError;

/// Read one task.
#[derive(Clone, Debug)]
pub struct GetTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
}

/// A task with its status now and what its ping URLs need.
#[derive(Clone, Debug)]
pub struct TaskView {
    /// The stored task.
    pub record: TaskRecord,
    /// Its status at the time of reading.
    pub assessment: Assessment,
    /// The tenant's ping key, for slug URLs.
    pub ping_key: Option<PingKey>,
}

impl TaskView {
    /// The view of `record` at `now`.
    pub fn new(record: TaskRecord, ping_key: Option<PingKey>, now: Timestamp) -> Self {
        let assessment = assess(&record.task, &record.state, now);
        Self { record, assessment, ping_key }
    }
}

/// Why a task could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetTaskError {
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

/// Reads a task and its status now.
#[tracing::instrument(name = "get_task", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn get_task(deps: &Deps, cmd: GetTask, now: Timestamp) -> Result<TaskView, GetTaskError> {
    cmd.actor.require(Action::ReadTasks)?;
    let record = deps.stores.tasks.get(cmd.actor.tenant_id, cmd.task_id).await?.ok_or(GetTaskError::NotFound)?;
    let key = deps.stores.ping_keys.get(cmd.actor.tenant_id).await?;
    Ok(TaskView::new(record, key, now))
}
