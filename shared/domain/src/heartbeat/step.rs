//! How a task's state moves: on a ping, on the passing of time, on pause and resume. Each is a
//! pure function from the stored record to the next state, the runs to write and the status
//! change to announce.

use super::assess::{Assessment, assess};
use super::ping::PingKind;
use super::run::{Run, StoredRun, human};
use super::task::{Finish, MAX_OPEN_RUNS, Reported, Task, TaskRecord, TaskState};
use crate::events::TaskStatusChanged;
use crate::ids::{PingId, RunId};
use jiff::Timestamp;
use uuid::Uuid;

/// The facts of a received ping that move state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingFacts {
    /// Identity.
    pub id: PingId,
    /// What it signals.
    pub kind: PingKind,
    /// The client's run id.
    pub rid: Option<Uuid>,
}

/// The outcome of a step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The next state (its version one higher).
    pub state: TaskState,
    /// When the task next needs a look without a ping.
    pub next_deadline: Option<Timestamp>,
    /// Runs created or changed.
    pub runs: Vec<StoredRun>,
    /// The status change to announce, if the status changed.
    pub event: Option<TaskStatusChanged>,
    /// The status now.
    pub assessment: Assessment,
}

/// Closes the open runs that outlived the task's run time limit at `now`.
fn expire_runs(task: &Task, state: &mut TaskState, runs: &mut Vec<StoredRun>, now: Timestamp) {
    let limit = task.spec.max_run();
    let (expired, open): (Vec<_>, Vec<_>) = std::mem::take(&mut state.open_runs).into_iter().partition(|run| run.deadline(limit) <= now);
    state.open_runs = open;
    for run in expired {
        let failed = run.time_out(limit);
        state.last_finish = Some(Finish { at: failed.state().finished_at, run: failed.id(), failure: Some(failed.state().reason.clone()) });
        runs.push(StoredRun::failed(task.tenant_id, task.id, failed, None));
    }
}

/// Assesses the next state and announces a status change.
fn settle(task: &Task, mut state: TaskState, runs: Vec<StoredRun>, now: Timestamp) -> Step {
    let assessment = assess(task, &state, now);
    let event = (assessment.status != state.reported.status).then(|| TaskStatusChanged {
        tenant_id: task.tenant_id,
        task_id: task.id,
        task_name: task.spec.name.clone(),
        from: state.reported.status,
        to: assessment.status,
        at: now,
        reason: assessment.reason.clone(),
    });
    if event.is_some() {
        state.reported = Reported { status: assessment.status, since: now, reason: assessment.reason.clone() };
    }
    state.version += 1;
    Step { state, next_deadline: assessment.next_deadline, runs, event, assessment }
}

/// A ping arrived at `now`. `new_run` is the id a run created by this ping takes. Returns the
/// step and the run the ping belongs to.
pub fn on_ping(record: &TaskRecord, ping: &PingFacts, new_run: RunId, now: Timestamp) -> (Step, Option<RunId>) {
    let task = &record.task;
    let mut state = record.state.clone();
    let mut runs = Vec::new();
    expire_runs(task, &mut state, &mut runs, now);
    state.pings += 1;
    let (tenant, id) = (task.tenant_id, task.id);
    // A rid pairs with its own start. Without one, a ping pairs with the latest start that had
    // none, else with the latest start at all: a finish without a rid ends the running state,
    // as in Healthchecks.
    let matching = |state: &TaskState| match ping.rid {
        Some(rid) => state.open_runs.iter().position(|run| run.rid() == Some(rid)),
        None => state.open_runs.iter().rposition(|run| run.rid().is_none()).or(state.open_runs.len().checked_sub(1)),
    };

    let run_of_ping = match ping.kind.verdict() {
        None if ping.kind == PingKind::Start => {
            if state.open_runs.len() >= MAX_OPEN_RUNS {
                let oldest = state.open_runs.remove(0);
                let reason = format!("more than {MAX_OPEN_RUNS} runs were open at once; the oldest was closed");
                runs.push(StoredRun::failed(tenant, id, oldest.fail(now, None, reason), None));
            }
            let run = Run::new(new_run, ping.rid).start(now, ping.id);
            runs.push(StoredRun::running(tenant, id, run.clone()));
            state.open_runs.push(run);
            Some(new_run)
        }
        None => matching(&state).map(|i| state.open_runs[i].id()),
        Some(verdict) => {
            let open = matching(&state).map(|i| state.open_runs.remove(i));
            let run_id = open.as_ref().map_or(new_run, |run| run.id());
            let (failure, stored) = match (verdict, open) {
                (Ok(exit), Some(run)) => {
                    let ran = now.duration_since(run.state().started_at);
                    match task.spec.min_run() {
                        Some(min) if ran < min => {
                            let reason = format!("finished after {}, sooner than the minimum run time {}", human(ran), human(min));
                            (Some(reason.clone()), StoredRun::failed(tenant, id, run.fail(now, exit, reason), Some(ping.id)))
                        }
                        _ => (None, StoredRun::completed(tenant, id, run.complete(now, exit), Some(ping.id))),
                    }
                }
                (Ok(exit), None) => {
                    (None, StoredRun::completed(tenant, id, Run::new(new_run, ping.rid).complete(now, exit), Some(ping.id)))
                }
                (Err(exit), open) => {
                    let reason = match exit {
                        Some(code) => format!("the job exited with status {code}"),
                        None => "the job reported a failure".to_owned(),
                    };
                    let run = match open {
                        Some(run) => run.fail(now, exit, reason.clone()),
                        None => Run::new(new_run, ping.rid).fail(now, exit, reason.clone()),
                    };
                    (Some(reason), StoredRun::failed(tenant, id, run, Some(ping.id)))
                }
            };
            runs.push(stored);
            state.last_finish = Some(Finish { at: now, run: run_id, failure });
            // A finishing ping resumes a paused task, as in Healthchecks.
            state.paused = false;
            Some(run_id)
        }
    };
    (settle(task, state, runs, now), run_of_ping)
}

/// Time passed: closes runs past their limit and announces what the passing of time changed.
/// `None` when nothing needs writing.
pub fn on_tick(record: &TaskRecord, now: Timestamp) -> Option<Step> {
    let mut state = record.state.clone();
    let mut runs = Vec::new();
    expire_runs(&record.task, &mut state, &mut runs, now);
    let step = settle(&record.task, state, runs, now);
    let unchanged = step.runs.is_empty() && step.event.is_none() && step.next_deadline == record.next_deadline;
    (!unchanged).then_some(step)
}

/// Paused by request.
pub fn pause(record: &TaskRecord, now: Timestamp) -> Step {
    let mut state = record.state.clone();
    state.paused = true;
    settle(&record.task, state, Vec::new(), now)
}

/// Resumed by request: New again until the next ping, as in Healthchecks.
pub fn resume(record: &TaskRecord, now: Timestamp) -> Step {
    let mut state = record.state.clone();
    let mut runs = Vec::new();
    expire_runs(&record.task, &mut state, &mut runs, now);
    if state.paused {
        state.paused = false;
        state.last_finish = None;
    }
    settle(&record.task, state, runs, now)
}
