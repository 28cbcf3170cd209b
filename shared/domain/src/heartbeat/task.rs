//! A task as stored: its spec and its live state.

use super::TaskStatus;
use super::names::PingToken;
use super::run::{Run, Running};
use super::spec::TaskSpec;
use crate::ids::{RunId, TaskId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A heartbeat task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Identity.
    pub id: TaskId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The secret of its ping URL.
    pub token: PingToken,
    /// What it is.
    pub spec: TaskSpec,
    /// Incremented on every change of `spec`.
    pub revision: u64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When `spec` last changed.
    pub updated_at: Timestamp,
}

/// How the last run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finish {
    /// When.
    pub at: Timestamp,
    /// The run.
    pub run: RunId,
    /// Why it failed; `None` for a success.
    pub failure: Option<String>,
}

/// The status last announced (published as an event), with when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    /// Status.
    pub status: TaskStatus,
    /// Since when.
    pub since: Timestamp,
    /// Why, for a person.
    pub reason: String,
}

/// Most runs kept open at once; a start beyond it fails the oldest open run.
pub const MAX_OPEN_RUNS: usize = 32;

/// A task's live state: everything its status is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    /// Paused by request.
    pub paused: bool,
    /// The last finished run.
    pub last_finish: Option<Finish>,
    /// Runs started and not finished, oldest first.
    pub open_runs: Vec<Run<Running>>,
    /// The status last announced.
    pub reported: Reported,
    /// Pings received.
    pub pings: u64,
    /// Incremented on every write; a store writes only over the version a change was computed
    /// from.
    pub version: u64,
}

impl TaskState {
    /// The state of a task created at `at`.
    pub fn new(at: Timestamp) -> Self {
        Self {
            paused: false,
            last_finish: None,
            open_runs: Vec::new(),
            reported: Reported { status: TaskStatus::New, since: at, reason: "created".into() },
            pings: 0,
            version: 0,
        }
    }
}

/// A task as stored: the task, its state, and when it next needs a look without a ping (the
/// due-index; `None` when only a ping can change its status).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The task.
    pub task: Task,
    /// Its state.
    pub state: TaskState,
    /// When its status changes unless a ping comes first.
    pub next_deadline: Option<Timestamp>,
}
