use super::create::slug_taken_error;
use super::{TaskView, apply_step};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::step::on_tick;
use vigil_domain::heartbeat::{Task, TaskDraft, TaskSpec};
use vigil_domain::ids::TaskId;
use vigil_domain::monitor::SpecErrors;
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{StoreError, TaskWrite};

/// Change some fields of a task.
#[derive(Clone, Debug)]
pub struct UpdateTask {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
    /// Fields to replace; absent fields keep their value, `null` clears optional ones.
    pub patch: TaskDraft,
}

/// Why a task could not be updated.
#[derive(Debug, thiserror::Error)]
pub enum UpdateTaskError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such task for this tenant.
    #[error("task not found")]
    NotFound,
    /// The result broke validation rules (a taken slug included).
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies a partial update, then re-evaluates the task under its new schedule (which may move
/// its deadline and change its status).
#[tracing::instrument(name = "update_task", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn update_task(deps: &Deps, cmd: UpdateTask, now: Timestamp) -> Result<TaskView, UpdateTaskError> {
    cmd.actor.require(Action::EditTasks)?;
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let record = deps.stores.tasks.get(cmd.actor.tenant_id, cmd.task_id).await?.ok_or(UpdateTaskError::NotFound)?;
        let spec = TaskSpec::from_draft(&record.task.spec.to_draft().overlaid_with(cmd.patch.clone()))?;
        let current = record.task.revision;
        let task = Task { spec, revision: current + 1, updated_at: now, ..record.task.clone() };
        match deps.stores.tasks.update_spec(&task, current).await? {
            TaskWrite::Done => {
                deps.notify(cmd.actor.tenant_id, LiveNotice::Task(cmd.task_id));
                let (before, after) = (
                    crate::accounts::audit_trail::snapshot(&record.task.spec.to_draft()),
                    crate::accounts::audit_trail::snapshot(&task.spec.to_draft()),
                );
                crate::accounts::audit_trail::changed(
                    deps,
                    &cmd.actor,
                    "task.update",
                    "task",
                    cmd.task_id,
                    Some(&task.spec.name),
                    before,
                    after,
                    now,
                )
                .await?;
                let record = apply_step(deps, cmd.actor.tenant_id, cmd.task_id, move |record| on_tick(record, now)).await?;
                let record = record.ok_or(UpdateTaskError::NotFound)?;
                let key = deps.stores.ping_keys.get(cmd.actor.tenant_id).await?;
                return Ok(TaskView::new(record, key, now));
            }
            TaskWrite::RevisionConflict => continue,
            TaskWrite::Missing => return Err(UpdateTaskError::NotFound),
            TaskWrite::SlugTaken => return Err(slug_taken_error(task.spec.slug.as_ref().map(|s| s.as_str()).unwrap_or_default()).into()),
        }
    }
    Err(StoreError::Conflict.into())
}
