//! The lifecycle of a run, as types: a run is `Pending` from its first signal, then `Running`
//! once started, and ends `Completed` or `Failed`. A finish without a start goes from Pending
//! straight to its end. No method leads out of `Completed` or `Failed`, so a failed run can
//! never be completed: the illegal transition does not compile.
//!
//! [`StoredRun`] is the only form that holds any state, at the storage boundary.

use crate::ids::{PingId, RunId, TaskId, TenantId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A run in state `S`. Its fields are private so that a run in a given state can only come from
/// its transitions (or from storage, where it was written by them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run<S> {
    id: RunId,
    rid: Option<Uuid>,
    start_ping: Option<PingId>,
    state: S,
}

impl<S> Run<S> {
    /// Identity.
    pub fn id(&self) -> RunId {
        self.id
    }

    /// The client's run id (`rid`), pairing its start and finish.
    pub fn rid(&self) -> Option<Uuid> {
        self.rid
    }

    /// The ping that started it, if any.
    pub fn start_ping(&self) -> Option<PingId> {
        self.start_ping
    }

    /// What its state holds.
    pub fn state(&self) -> &S {
        &self.state
    }
}

/// Signalled, not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending;

/// Started, not finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    /// When it started.
    pub started_at: Timestamp,
}

/// Ended well.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    /// When it started, if a start was signalled.
    pub started_at: Option<Timestamp>,
    /// When it finished.
    pub finished_at: Timestamp,
    /// The exit status reported.
    pub exit_status: Option<u8>,
}

/// Ended badly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// When it started, if a start was signalled.
    pub started_at: Option<Timestamp>,
    /// When it ended (for a timeout: when the limit passed).
    pub finished_at: Timestamp,
    /// The exit status reported.
    pub exit_status: Option<u8>,
    /// Why, for a person.
    pub reason: String,
}

impl Run<Pending> {
    /// A run whose first signal just arrived.
    pub fn new(id: RunId, rid: Option<Uuid>) -> Self {
        Self { id, rid, start_ping: None, state: Pending }
    }

    /// It started at `at`, signalled by `ping`.
    pub fn start(self, at: Timestamp, ping: PingId) -> Run<Running> {
        Run { id: self.id, rid: self.rid, start_ping: Some(ping), state: Running { started_at: at } }
    }

    /// It finished well without a start.
    pub fn complete(self, at: Timestamp, exit_status: Option<u8>) -> Run<Completed> {
        Run { id: self.id, rid: self.rid, start_ping: None, state: Completed { started_at: None, finished_at: at, exit_status } }
    }

    /// It failed without a start.
    pub fn fail(self, at: Timestamp, exit_status: Option<u8>, reason: String) -> Run<Failed> {
        Run { id: self.id, rid: self.rid, start_ping: None, state: Failed { started_at: None, finished_at: at, exit_status, reason } }
    }
}

impl Run<Running> {
    /// It finished well.
    pub fn complete(self, at: Timestamp, exit_status: Option<u8>) -> Run<Completed> {
        let state = Completed { started_at: Some(self.state.started_at), finished_at: at, exit_status };
        Run { id: self.id, rid: self.rid, start_ping: self.start_ping, state }
    }

    /// It failed.
    pub fn fail(self, at: Timestamp, exit_status: Option<u8>, reason: String) -> Run<Failed> {
        let state = Failed { started_at: Some(self.state.started_at), finished_at: at, exit_status, reason };
        Run { id: self.id, rid: self.rid, start_ping: self.start_ping, state }
    }

    /// It did not finish within `limit`.
    pub fn time_out(self, limit: SignedDuration) -> Run<Failed> {
        let deadline = self.deadline(limit);
        let reason = format!("started at {} and did not finish within {}", self.state.started_at, human(limit));
        self.fail(deadline, None, reason)
    }

    /// When it times out under `limit`.
    pub fn deadline(&self, limit: SignedDuration) -> Timestamp {
        self.state.started_at.saturating_add(limit).unwrap_or(self.state.started_at)
    }
}

impl Run<Completed> {
    /// How long it ran, if its start is known.
    pub fn duration(&self) -> Option<SignedDuration> {
        self.state.started_at.map(|start| self.state.finished_at.duration_since(start))
    }
}

/// A duration for people: `90 s`, `5 min`, `2 h 30 min`.
pub fn human(d: SignedDuration) -> String {
    let s = d.as_secs();
    match s {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 && s % 60 == 0 => format!("{} min", s / 60),
        s if s < 7200 => format!("{} min {} s", s / 60, s % 60),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Any state, for storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    /// Started, not finished.
    Running(Running),
    /// Ended well.
    Completed(Completed),
    /// Ended badly.
    Failed(Failed),
}

impl RunState {
    /// The storage name.
    pub fn as_str(&self) -> &'static str {
        match self {
            RunState::Running(_) => "running",
            RunState::Completed(_) => "completed",
            RunState::Failed(_) => "failed",
        }
    }
}

/// A run as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRun {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
    /// Identity.
    pub id: RunId,
    /// The client's run id.
    pub rid: Option<Uuid>,
    /// The start ping.
    pub start_ping: Option<PingId>,
    /// The finishing ping (whose body is the run's log).
    pub finish_ping: Option<PingId>,
    /// State.
    pub state: RunState,
    /// The end of the finishing ping's body (at most [`StoredRun::LOG_TAIL_BYTES`]), kept with
    /// the run because the per-task cap on pings may delete that ping long before the run goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_tail: Option<String>,
}

impl StoredRun {
    /// The most of a finishing ping's body a run keeps: the last lines of a job's output, and
    /// small enough that a run stays within one DynamoDB write unit (1 KB).
    pub const LOG_TAIL_BYTES: usize = 512;

    fn of<S>(tenant_id: TenantId, task_id: TaskId, run: Run<S>, finish_ping: Option<PingId>, state: RunState) -> Self {
        Self { tenant_id, task_id, id: run.id, rid: run.rid, start_ping: run.start_ping, finish_ping, state, log_tail: None }
    }

    /// A running run.
    pub fn running(tenant: TenantId, task: TaskId, run: Run<Running>) -> Self {
        let state = RunState::Running(run.state);
        Self::of(tenant, task, run, None, state)
    }

    /// A completed run, finished by `ping`.
    pub fn completed(tenant: TenantId, task: TaskId, run: Run<Completed>, ping: Option<PingId>) -> Self {
        let state = RunState::Completed(run.state);
        Self::of(tenant, task, run, ping, state)
    }

    /// A failed run, ended by `ping` (none for a timeout).
    pub fn failed(tenant: TenantId, task: TaskId, run: Run<Failed>, ping: Option<PingId>) -> Self {
        let state = RunState::Failed(run.state.clone());
        Self::of(tenant, task, run, ping, state)
    }

    /// When it started, if known.
    pub fn started_at(&self) -> Option<Timestamp> {
        match &self.state {
            RunState::Running(r) => Some(r.started_at),
            RunState::Completed(c) => c.started_at,
            RunState::Failed(f) => f.started_at,
        }
    }

    /// When it ended, if it has.
    pub fn finished_at(&self) -> Option<Timestamp> {
        match &self.state {
            RunState::Running(_) => None,
            RunState::Completed(c) => Some(c.finished_at),
            RunState::Failed(f) => Some(f.finished_at),
        }
    }

    /// How long it ran, if both ends are known.
    pub fn duration(&self) -> Option<SignedDuration> {
        Some(self.finished_at()?.duration_since(self.started_at()?))
    }

    /// The exit status reported.
    pub fn exit_status(&self) -> Option<u8> {
        match &self.state {
            RunState::Running(_) => None,
            RunState::Completed(c) => c.exit_status,
            RunState::Failed(f) => f.exit_status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn lifecycles() {
        let id = RunId::from_uuid(Uuid::from_u128(1));
        let ping = PingId::from_uuid(Uuid::from_u128(2));
        let done = Run::new(id, None).start(t(0), ping).complete(t(90), Some(0));
        assert_eq!(done.duration(), Some(SignedDuration::from_secs(90)));
        let direct = Run::new(id, None).complete(t(5), None);
        assert_eq!(direct.duration(), None);
        let timed_out = Run::new(id, None).start(t(0), ping).time_out(SignedDuration::from_mins(5));
        assert_eq!(timed_out.state.finished_at, t(300));
        assert!(timed_out.state.reason.contains("did not finish within 5 min"), "{}", timed_out.state.reason);
        let stored = StoredRun::failed(TenantId::from_uuid(Uuid::nil()), TaskId::from_uuid(Uuid::nil()), timed_out, None);
        assert_eq!(stored.duration(), Some(SignedDuration::from_mins(5)));
        assert_eq!(stored.state.as_str(), "failed");
    }

    #[test]
    fn human_durations() {
        for (secs, text) in [(45, "45 s"), (300, "5 min"), (330, "5 min 30 s"), (7200, "2 h"), (9000, "2 h 30 min")] {
            assert_eq!(human(SignedDuration::from_secs(secs)), text);
        }
    }
}
