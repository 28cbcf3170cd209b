use crate::Deps;
use crate::tasks::{change_of, publish};
use jiff::Timestamp;
use std::sync::Arc;
use vigil_domain::heartbeat::step::on_tick;
use vigil_domain::ports::{StoreError, TaskLocator};

/// Look at the tasks whose deadline has passed.
#[derive(Clone, Copy, Debug)]
pub struct SweepDueTasks {
    /// At most this many tasks.
    pub limit: usize,
}

/// What a sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Tasks looked at.
    pub due: usize,
    /// Status changes announced.
    pub changed: usize,
}

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepDueTasksError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads the due-index (so the cost grows with the tasks due, not with all tasks) and moves each
/// due task with time: closes runs past their limit, marks tasks Late or Down, announces each
/// change and moves the task's deadline on. Safe to run concurrently or twice: each task's
/// change is atomic and computed from its stored state.
pub async fn sweep_due_tasks(deps: &Deps, cmd: SweepDueTasks, now: Timestamp) -> Result<Swept, SweepDueTasksError> {
    let due = deps.task_due.due(now, cmd.limit).await?;
    let mut swept = Swept { due: due.len(), changed: 0 };
    for (tenant, task) in due {
        let decide = Arc::new(move |record: &vigil_domain::heartbeat::TaskRecord| on_tick(record, now).map(change_of));
        if let Some(applied) = deps.task_state.apply(&TaskLocator::Id { tenant, task }, decide).await? {
            if crate::tasks::announced(&applied).is_some() {
                swept.changed += 1;
            }
            publish(deps, &applied).await;
        }
    }
    Ok(swept)
}
