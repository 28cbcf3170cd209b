//! Task status as one pure function of the task, its state and the time.

use super::TaskStatus;
use super::run::human;
use super::task::{Task, TaskState};
use jiff::Timestamp;

/// What a task is at some instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Status.
    pub status: TaskStatus,
    /// Why, for a person.
    pub reason: String,
    /// When the next run is expected, if one is.
    pub expected_at: Option<Timestamp>,
    /// The next instant at which the status changes unless a ping comes first.
    pub next_deadline: Option<Timestamp>,
}

fn at(status: TaskStatus, reason: String, expected_at: Option<Timestamp>, next_deadline: Option<Timestamp>) -> Assessment {
    Assessment { status, reason, expected_at, next_deadline }
}

/// The status of `task` in `state` at `now`.
///
/// In order: Paused; Down after a failed run (until the next success); Down once the expected
/// run is later than the grace time; Running while a run is open; New before any run; Late
/// within the grace time; Up. Open runs past their time limit are closed by
/// [`super::step::on_tick`] before this is asked; their deadlines are part of `next_deadline`.
pub fn assess(task: &Task, state: &TaskState, now: Timestamp) -> Assessment {
    let spec = &task.spec;
    let run_deadline = state.open_runs.iter().map(|run| run.deadline(spec.max_run())).min();
    let sooner = |deadline: Option<Timestamp>| match (deadline, run_deadline) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if state.paused {
        return at(TaskStatus::Paused, "paused".into(), None, run_deadline);
    }
    if let Some(failure) = state.last_finish.as_ref().and_then(|f| f.failure.as_ref()) {
        return at(TaskStatus::Down, failure.clone(), None, run_deadline);
    }
    let last_success = state.last_finish.as_ref().map(|f| f.at);
    let expected_at = match (last_success, spec.one_shot) {
        (Some(_), true) => None,
        (Some(last), false) => spec.schedule.next_after(last),
        (None, true) => spec.schedule.next_after(task.created_at),
        (None, false) => None,
    };
    let grace_end = expected_at.and_then(|e| e.checked_add(spec.grace()).ok());
    if let (Some(expected), Some(end)) = (expected_at, grace_end)
        && now >= end
    {
        let since = last_success.map_or_else(|| format!("since the task was created at {}", task.created_at), |l| format!("since {l}"));
        let reason = format!("no ping {since}; one was expected by {expected} (grace {})", human(spec.grace()));
        return at(TaskStatus::Down, reason, expected_at, run_deadline);
    }
    if let Some(oldest) = state.open_runs.first() {
        return at(TaskStatus::Running, format!("running since {}", oldest.state().started_at), expected_at, sooner(grace_end));
    }
    match expected_at {
        Some(expected) if now >= expected => {
            at(TaskStatus::Late, format!("a ping was expected at {expected}; within the grace time"), expected_at, grace_end)
        }
        _ if last_success.is_none() => at(TaskStatus::New, "no ping yet".into(), expected_at, expected_at),
        Some(expected) => at(TaskStatus::Up, "the last run succeeded".into(), expected_at, Some(expected)),
        None => at(TaskStatus::Up, "the one run succeeded; nothing more is expected".into(), None, None),
    }
}
