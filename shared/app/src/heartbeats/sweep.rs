use crate::Deps;
use crate::tasks::{change_of, publish};
use jiff::Timestamp;
use std::sync::Arc;
use vigil_domain::heartbeat::step::on_tick;
use vigil_domain::ports::{StoreError, TaskLocator};

/// Look at the tasks whose deadline has passed.
#[derive(Clone, Copy, Debug)]
pub struct SweepDueTasks {
    /// Tasks read from the due-index at a time; reads repeat while they come back full.
    pub batch: usize,
    /// The most tasks one sweep looks at, so that a task that cannot be moved on (a store that
    /// keeps failing its write) cannot keep a sweep going; the rest waits for the next sweep.
    pub max: usize,
}

impl Default for SweepDueTasks {
    fn default() -> Self {
        Self { batch: 500, max: 10_000 }
    }
}

/// What a sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Tasks looked at.
    pub due: usize,
    /// Status changes announced.
    pub changed: usize,
    /// Whether `max` stopped the sweep while tasks were still due.
    pub capped: bool,
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
#[tracing::instrument(name = "sweep_due_tasks", skip_all)]
pub async fn sweep_due_tasks(deps: &Deps, cmd: SweepDueTasks, now: Timestamp) -> Result<Swept, SweepDueTasksError> {
    let mut swept = Swept::default();
    loop {
        let want = cmd.batch.max(1).min(cmd.max - swept.due);
        if want == 0 {
            swept.capped = true;
            return Ok(swept);
        }
        let due = deps.stores.task_due.due(now, want).await?;
        swept.due += due.len();
        for &(tenant, task) in &due {
            let decide = Arc::new(move |record: &vigil_domain::heartbeat::TaskRecord| on_tick(record, now).map(change_of));
            if let Some(applied) = deps.stores.task_state.apply(&TaskLocator::Id { tenant, task }, decide).await? {
                if crate::tasks::announced(&applied).is_some() {
                    swept.changed += 1;
                }
                publish(deps, &applied).await;
            }
        }
        if due.len() < want {
            return Ok(swept);
        }
    }
}
