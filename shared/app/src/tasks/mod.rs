//! Managing heartbeat tasks and reading their history.

mod create;
mod delete;
mod get;
mod history;
mod list;
mod pause;
mod update;

pub use create::{CreateTask, CreateTaskError, create_task};
pub use delete::{DeleteTask, DeleteTaskError, delete_task};
pub use get::{GetTask, GetTaskError, TaskView, get_task};
pub use history::{ListHistoryError, ListPings, ListRuns, PingView, RunView, list_pings, list_runs};
pub use list::{ListTasks, ListTasksError, list_tasks};
pub use pause::{ChangeTaskError, PauseTask, ResumeTask, pause_task, resume_task};
pub use update::{UpdateTask, UpdateTaskError, update_task};

use crate::Deps;
use std::sync::Arc;
use vigil_domain::events::{DomainEvent, TaskStatusChanged};
use vigil_domain::heartbeat::TaskRecord;
use vigil_domain::heartbeat::step::Step;
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{Applied, StoreError, TaskChange, TaskLocator};

/// The write a step makes, without a ping.
pub(crate) fn change_of(step: Step) -> TaskChange {
    TaskChange { state: step.state, next_deadline: step.next_deadline, runs: step.runs, ping: None, keep_pings: None }
}

/// The status change an applied change announces, if its status changed.
pub(crate) fn announced(applied: &Applied) -> Option<TaskStatusChanged> {
    let change = applied.change.as_ref()?;
    let (before, after) = (&applied.before.state.reported, &change.state.reported);
    (before != after && before.status != after.status).then(|| TaskStatusChanged {
        tenant_id: applied.before.task.tenant_id,
        task_id: applied.before.task.id,
        task_name: applied.before.task.spec.name.clone(),
        from: before.status,
        to: after.status,
        at: after.since,
        reason: after.reason.clone(),
    })
}

/// Publishes the status change of `applied`, if any. The change is stored already; a lost
/// event is logged rather than undoing it.
pub(crate) async fn publish(deps: &Deps, applied: &Applied) {
    if applied.change.is_some() {
        deps.notify(applied.before.task.tenant_id, LiveNotice::Task(applied.before.task.id));
    }
    if let Some(event) = announced(applied) {
        let task = event.task_id;
        if let Err(error) = deps.events.publish(&[DomainEvent::TaskStatusChanged(event)]).await {
            tracing::error!(%error, %task, "publishing a task status change failed");
        }
    }
}

/// Applies `step` to the task atomically and publishes what it announces; the record after, or
/// `None` if the task does not exist.
pub(crate) async fn apply_step(
    deps: &Deps,
    tenant: TenantId,
    task: TaskId,
    step: impl Fn(&TaskRecord) -> Option<Step> + Send + Sync + 'static,
) -> Result<Option<TaskRecord>, StoreError> {
    let locator = TaskLocator::Id { tenant, task };
    let Some(applied) = deps.stores.task_state.apply(&locator, Arc::new(move |record| step(record).map(change_of))).await? else {
        return Ok(None);
    };
    publish(deps, &applied).await;
    let mut record = applied.before.clone();
    if let Some(change) = applied.change {
        record.state = change.state;
        record.next_deadline = change.next_deadline;
    }
    Ok(Some(record))
}
