//! The digest of a task's runs that lists show, as [`crate::digest`] is for a monitor's checks:
//! its newest runs in brief, each with how it went, and its counts over the last day, week and
//! month (the same whole hours and UTC days, [`window_start`]).
//!
//! How a run went is read from the run and the one before it: a run that ended well after its
//! expected time and grace had passed came late (the task was Down for a missing ping until it
//! came), so it counts against the task as a failure does; a run that failed without a finishing
//! ping was closed for running too long. A task Down for a missing ping now ends its bar with
//! a missed run.

use super::assess::Assessment;
use super::run::{RunState, StoredRun};
use super::status::TaskStatus;
use super::task::TaskRecord;
use crate::digest::window_start;
use crate::uptime::UptimeWindow;
use jiff::{SignedDuration, Timestamp};

/// How many of its newest runs a digest keeps.
pub const RECENT_RUNS: usize = 50;

/// How a run went, in brief.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunOutcome {
    /// Ended well, in time.
    Ok,
    /// Ended well, after its expected time and grace had passed.
    Late,
    /// The job reported a failure (or ran for less than the minimum).
    Failed,
    /// Never finished: closed when its run time limit passed.
    Unfinished,
    /// Expected and not come: the task is Down for a missing ping.
    Missed,
    /// Started, not finished yet.
    Running,
}

impl RunOutcome {
    /// Every outcome, in the order lists draw them.
    pub const ALL: [RunOutcome; 6] =
        [RunOutcome::Ok, RunOutcome::Late, RunOutcome::Failed, RunOutcome::Unfinished, RunOutcome::Missed, RunOutcome::Running];

    /// Whether it counts for the task (`Some(true)`), against it (`Some(false)`), or not yet.
    pub fn judged(self) -> Option<bool> {
        match self {
            RunOutcome::Ok => Some(true),
            RunOutcome::Late | RunOutcome::Failed | RunOutcome::Unfinished | RunOutcome::Missed => Some(false),
            RunOutcome::Running => None,
        }
    }
}

/// One run in brief.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunBrief {
    /// When it ended (for a running run, when it started; for a missed one, now).
    pub at: Timestamp,
    /// How it went.
    pub outcome: RunOutcome,
    /// How long it ran, when both its start and its end are known.
    pub duration: Option<SignedDuration>,
}

/// Runs counted for and against a task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Ended well, in time.
    pub ok: u64,
    /// Late, failed, unfinished or missed.
    pub failed: u64,
}

impl RunCounts {
    /// Ok / (ok + failed) as a percentage; `None` without any judged run.
    pub fn uptime_percent(&self) -> Option<f64> {
        let judged = self.ok + self.failed;
        (judged > 0).then(|| self.ok as f64 * 100.0 / judged as f64)
    }
}

/// What a list shows of a task's runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunDigest {
    /// Its newest runs, newest first, at most [`RECENT_RUNS`].
    pub recent: Vec<RunBrief>,
    /// Runs since [`window_start`] of a day, a week and a month.
    pub windows: [RunCounts; 3],
    /// Whether the runs read reached back to each window's start: `false` when the reader
    /// stopped early and the counts cover only the newest part of the window.
    pub complete: [bool; 3],
}

impl RunDigest {
    /// The counts over `window`.
    pub fn counts(&self, window: UptimeWindow) -> RunCounts {
        self.windows[window_index(window)]
    }

    /// Whether the counts over `window` cover all of it.
    pub fn covers(&self, window: UptimeWindow) -> bool {
        self.complete[window_index(window)]
    }

    /// The digest of `runs` of `record` (newest first, as the history lists them), whose
    /// status at `now` is `assessment`. `exhausted` says the runs are all the task has; else
    /// the windows reaching back past the oldest run read are marked incomplete.
    pub fn of_runs(record: &TaskRecord, assessment: &Assessment, runs: &[StoredRun], exhausted: bool, now: Timestamp) -> Self {
        let mut briefs: Vec<RunBrief> = Vec::with_capacity(runs.len() + 1);
        if missed(record, assessment) {
            briefs.push(RunBrief { at: now, outcome: RunOutcome::Missed, duration: None });
        }
        for (i, run) in runs.iter().enumerate() {
            // The run that finished before this one; runs list by start, so skip the open ones.
            let previous = runs[i + 1..].iter().find(|r| r.finished_at().is_some());
            let at = run.finished_at().or(run.started_at()).unwrap_or(now);
            briefs.push(RunBrief { at, outcome: outcome(record, run, previous), duration: run.duration() });
        }
        let oldest = runs.last().and_then(|r| r.finished_at().or(r.started_at()));
        let mut digest = RunDigest::default();
        for (i, window) in UptimeWindow::ALL.into_iter().enumerate() {
            let start = window_start(window, now);
            for brief in briefs.iter().filter(|b| b.at >= start) {
                match brief.outcome.judged() {
                    Some(true) => digest.windows[i].ok += 1,
                    Some(false) => digest.windows[i].failed += 1,
                    None => {}
                }
            }
            digest.complete[i] = exhausted || oldest.is_some_and(|at| at < start);
        }
        briefs.truncate(RECENT_RUNS);
        digest.recent = briefs;
        digest
    }
}

fn window_index(window: UptimeWindow) -> usize {
    UptimeWindow::ALL.iter().position(|w| *w == window).unwrap_or(0)
}

/// Whether the task is Down now because an expected ping never came (not for a failure).
fn missed(record: &TaskRecord, assessment: &Assessment) -> bool {
    let failed = record.state.last_finish.as_ref().is_some_and(|f| f.failure.is_some());
    assessment.status == TaskStatus::Down && !failed && record.state.open_runs.is_empty()
}

/// How `run` went, `previous` being the run that finished before it.
fn outcome(record: &TaskRecord, run: &StoredRun, previous: Option<&StoredRun>) -> RunOutcome {
    match &run.state {
        RunState::Running(_) => RunOutcome::Running,
        // Only the timeout and the cap on open runs close a run without a finishing ping.
        RunState::Failed(_) if run.finish_ping.is_none() => RunOutcome::Unfinished,
        RunState::Failed(_) => RunOutcome::Failed,
        RunState::Completed(done) => {
            let spec = &record.task.spec;
            // As `assess` reads it: the next run is expected after the last success, and a
            // failure makes the task Down whatever comes next, so only a success sets a time.
            let expected = match previous.map(|p| &p.state) {
                Some(RunState::Completed(last)) if !spec.one_shot => spec.schedule.next_after(last.finished_at),
                _ => None,
            };
            let deadline = expected.and_then(|e| e.checked_add(spec.grace()).ok());
            if deadline.is_some_and(|end| done.finished_at >= end) { RunOutcome::Late } else { RunOutcome::Ok }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heartbeat::assess;
    use crate::heartbeat::run::Run;
    use crate::heartbeat::task::{Finish, Task, TaskState};
    use crate::heartbeat::{PingToken, TaskSpec};
    use crate::ids::{PingId, RunId, TaskId, TenantId};
    use uuid::Uuid;

    const START: i64 = 1_767_225_600;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(START + s).unwrap()
    }

    /// A task expected every `period` seconds, with 5 minutes of grace.
    fn every(period: u32) -> TaskRecord {
        let json = serde_json::json!({"name": "backup", "period_seconds": period, "grace_seconds": 300});
        let spec = TaskSpec::from_draft(&serde_json::from_value(json).unwrap()).unwrap();
        let (tenant, id) = (TenantId::from_uuid(Uuid::from_u128(1)), TaskId::from_uuid(Uuid::from_u128(7)));
        let task =
            Task { id, tenant_id: tenant, token: PingToken::from_random([1; 16]), spec, revision: 1, created_at: t(0), updated_at: t(0) };
        TaskRecord { task, state: TaskState::new(t(0)), next_deadline: None }
    }

    /// A run: `(start, end, how)`, `how` one of `ok`, `fail`, `timeout`, `running`.
    fn run(n: u128, start: Option<i64>, end: i64, how: &str) -> StoredRun {
        let (tenant, task) = (TenantId::from_uuid(Uuid::from_u128(1)), TaskId::from_uuid(Uuid::from_u128(7)));
        let pending = Run::new(RunId::from_uuid(Uuid::from_u128(n)), None);
        let id = PingId::from_uuid(Uuid::from_u128(1000 + n));
        let ping = Some(id);
        match (start, how) {
            (Some(s), "running") => StoredRun::running(tenant, task, pending.start(t(s), id)),
            (Some(s), "timeout") => {
                StoredRun::failed(tenant, task, pending.start(t(s), id).time_out(SignedDuration::from_secs(end - s)), None)
            }
            (Some(s), "fail") => StoredRun::failed(tenant, task, pending.start(t(s), id).fail(t(end), Some(1), "exit 1".into()), ping),
            (Some(s), _) => StoredRun::completed(tenant, task, pending.start(t(s), id).complete(t(end), Some(0)), ping),
            (None, "fail") => StoredRun::failed(tenant, task, pending.fail(t(end), None, "failed".into()), ping),
            (None, _) => StoredRun::completed(tenant, task, pending.complete(t(end), None), ping),
        }
    }

    fn digest(record: &TaskRecord, runs: &[StoredRun], exhausted: bool, now: i64) -> RunDigest {
        RunDigest::of_runs(record, &assess(&record.task, &record.state, t(now)), runs, exhausted, t(now))
    }

    #[test]
    fn each_run_says_how_it_went() {
        use RunOutcome::*;
        type Case = (&'static str, Vec<StoredRun>, Vec<RunOutcome>);
        let cases: Vec<Case> = vec![
            ("in time", vec![run(2, None, 3600, "ok"), run(1, None, 0, "ok")], vec![Ok, Ok]),
            ("within the grace time", vec![run(2, None, 3600 + 299, "ok"), run(1, None, 0, "ok")], vec![Ok, Ok]),
            ("after the grace time", vec![run(2, None, 3600 + 300, "ok"), run(1, None, 0, "ok")], vec![Late, Ok]),
            ("after a failure nothing is late", vec![run(2, None, 9000, "ok"), run(1, None, 0, "fail")], vec![Ok, Failed]),
            ("timed out", vec![run(1, Some(0), 600, "timeout")], vec![Unfinished]),
            ("failed", vec![run(1, Some(0), 60, "fail")], vec![Failed]),
            (
                "an open run is skipped for lateness",
                vec![run(3, Some(3500), 0, "running"), run(2, None, 3600, "ok"), run(1, None, 0, "ok")],
                vec![Running, Ok, Ok],
            ),
        ];
        for (name, runs, want) in cases {
            let got: Vec<RunOutcome> = digest(&every(3600), &runs, true, 3700).recent.iter().map(|b| b.outcome).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn a_task_down_for_a_missing_ping_ends_with_a_missed_run() {
        let mut record = every(3600);
        let runs = [run(1, Some(0), 90, "ok")];
        record.state.last_finish = Some(Finish { at: t(90), run: runs[0].id, failure: None });
        let on_time = digest(&record, &runs, true, 3700);
        assert_eq!(on_time.recent.len(), 1, "late within the grace time: nothing missed yet");
        let silent = digest(&record, &runs, true, 3690 + 300);
        assert_eq!(silent.recent[0].outcome, RunOutcome::Missed);
        assert_eq!(silent.recent[1].duration, Some(SignedDuration::from_secs(90)));
        assert_eq!(silent.counts(UptimeWindow::Day), RunCounts { ok: 1, failed: 1 });
    }

    #[test]
    fn windows_count_whole_hours_and_days_and_say_when_they_are_incomplete() {
        let day = 86_400;
        // A run every day at 01:00 for 40 days; the one 3 days ago failed.
        let runs: Vec<StoredRun> =
            (0..40).rev().map(|d| run(d as u128 + 1, Some(d * day + 3600), d * day + 3660, if d == 36 { "fail" } else { "ok" })).collect();
        let now = 39 * day + 7200;
        let all = digest(&every(day as u32), &runs, true, now);
        assert_eq!(all.windows, [RunCounts { ok: 1, failed: 0 }, RunCounts { ok: 6, failed: 1 }, RunCounts { ok: 29, failed: 1 }]);
        assert_eq!(all.recent.len(), RECENT_RUNS.min(40));
        assert_eq!(all.complete, [true; 3]);
        let newest = digest(&every(day as u32), &runs[..10], false, now);
        assert_eq!(newest.complete, [true, true, false], "ten days read cover a day and a week, not a month");
        assert_eq!(newest.counts(UptimeWindow::Month).uptime_percent(), Some(90.0));
        assert_eq!(RunCounts::default().uptime_percent(), None);
    }
}
