use super::StoreError;
use crate::heartbeat::ping::{PingBody, PingKind};
use crate::heartbeat::{PingKey, PingToken, Slug, StoredRun, Task, TaskRecord, TaskState};
use crate::ids::{PingId, RunId, TaskId, TenantId};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;
use jiff::Timestamp;
use std::sync::Arc;
use uuid::Uuid;

/// What a write of a task's spec did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskWrite {
    /// Written.
    Done,
    /// Another task of the tenant has the slug; nothing was written.
    SlugTaken,
    /// The task is no longer at the expected revision; nothing was written.
    RevisionConflict,
    /// The task does not exist.
    Missing,
}

/// Tasks and their specs (their state moves through [`TaskStateStore`]).
#[async_trait]
pub trait TaskRepository: Send + Sync {
    /// Stores a new task with its initial state.
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError>;

    /// Reads a task of `tenant`.
    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError>;

    /// Lists tasks of `tenant`, oldest first.
    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<TaskRecord>, StoreError>;

    /// Replaces the task's spec if its stored revision is still `expected_revision`.
    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError>;

    /// Deletes a task with its runs and pings; `false` if it did not exist.
    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError>;
}

/// How a write to a task's state names the task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskLocator {
    /// By its ping token.
    Token(PingToken),
    /// By its tenant's ping key and its slug.
    Slug {
        /// The tenant's ping key.
        key: PingKey,
        /// The slug.
        slug: Slug,
    },
    /// By id.
    Id {
        /// Owner.
        tenant: TenantId,
        /// Task.
        task: TaskId,
    },
}

/// Where a stored ping's body is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredBody {
    /// No body.
    None,
    /// Kept with the ping.
    Inline(PingBody),
    /// In the [`PingBodyStore`], under the ping's id.
    External {
        /// Bytes kept.
        size: u64,
        /// Bytes the client sent.
        received: u64,
        /// Whether it was cut at the cap.
        truncated: bool,
    },
}

/// A ping as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPing {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
    /// Identity (UUIDv7: sorts by time).
    pub id: PingId,
    /// When it arrived.
    pub at: Timestamp,
    /// What it signalled.
    pub kind: PingKind,
    /// The client's run id.
    pub rid: Option<Uuid>,
    /// The run it belongs to.
    pub run_id: Option<RunId>,
    /// HTTP method.
    pub method: String,
    /// Its body.
    pub body: StoredBody,
}

/// A change of a task's state, computed from the record as read, to write atomically.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskChange {
    /// The next state; its version is one above the version read.
    pub state: TaskState,
    /// The next deadline (the due-index).
    pub next_deadline: Option<Timestamp>,
    /// Runs to create or replace.
    pub runs: Vec<StoredRun>,
    /// A ping to append.
    pub ping: Option<StoredPing>,
    /// Once the ping is appended, keep only this many of the task's newest pings (see
    /// [`PingCap`](crate::heartbeat::PingCap)); `None` prunes nothing.
    pub keep_pings: Option<u32>,
}

/// Computes the change to write from a task's record; `None` writes nothing. Called again with
/// a fresh record when a backend with optimistic concurrency lost a race, so it must be pure.
pub type Decide = Arc<dyn Fn(&TaskRecord) -> Option<TaskChange> + Send + Sync>;

/// What an atomic change did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The record as read, the change was computed from.
    pub before: TaskRecord,
    /// The change written, if any.
    pub change: Option<TaskChange>,
    /// Pings the change's `keep_pings` deleted whose bodies are in the [`PingBodyStore`]: the
    /// caller deletes those bodies.
    pub pruned_bodies: Vec<PingId>,
}

/// A task's live state, changed atomically: the ping path and the sweeper.
#[async_trait]
pub trait TaskStateStore: Send + Sync {
    /// Reads the task `locator` names, asks `decide` for the change and writes it (state, due
    /// time, runs and ping) as one atomic write, conditional on the state's version: no other
    /// change lands between the read and the write. `None` if no task matches.
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError>;

    /// Which task `locator` names, without changing it.
    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError>;
}

/// The due-index: tasks whose status changes with time unless a ping comes first.
#[async_trait]
pub trait TaskDueIndex: Send + Sync {
    /// Tasks whose deadline is at or before `now`, earliest first, at most `limit`.
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError>;
}

/// The history of a task: its runs and pings.
#[async_trait]
pub trait TaskHistory: Send + Sync {
    /// Runs, newest first.
    async fn list_runs(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredRun>, StoreError>;

    /// Pings, newest first.
    async fn list_pings(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredPing>, StoreError>;

    /// One ping.
    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError>;
}

/// Tenants' ping keys, for `/ping/<ping-key>/<slug>` URLs.
#[async_trait]
pub trait PingKeys: Send + Sync {
    /// The tenant's key, if it has one.
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError>;

    /// Gives the tenant `key` unless it has one already; returns the key it has.
    async fn get_or_insert(&self, tenant: TenantId, key: &PingKey) -> Result<PingKey, StoreError>;
}

/// Ping bodies too large to keep with the ping (S3 on AWS).
#[async_trait]
pub trait PingBodyStore: Send + Sync {
    /// Stores a body; storing the same ping's body again replaces it.
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError>;

    /// Reads a body.
    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError>;

    /// Deletes the bodies of some of a task's pings; a body already gone is no error.
    async fn delete(&self, tenant: TenantId, task: TaskId, pings: &[PingId]) -> Result<(), StoreError>;

    /// Deletes every body of a task.
    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError>;
}
