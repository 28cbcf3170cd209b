//! What lets the self-hosted loops (scheduler, sweeper, deliverer, escalation timers) sleep until
//! their next due item instead of reading their due-index on a fixed tick: the earliest due time
//! in each index, and a signal raised by every write that may have brought one earlier.

use super::SqliteStore;
use super::codec::{at, backend};
use jiff::Timestamp;
use tokio::sync::Notify;
use vigil_domain::ports::StoreError;

/// One of the store's due-indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueIndex {
    /// Monitors' next planned checks.
    Checks,
    /// Heartbeat tasks' next deadlines.
    Deadlines,
    /// Pending deliveries' next attempts.
    Deliveries,
    /// Escalation and reminder timers.
    Timers,
}

impl DueIndex {
    /// The earliest due time of the index, read through its partial index.
    fn earliest_sql(self) -> &'static str {
        match self {
            Self::Checks => "SELECT MIN(next_due_at) FROM check_schedule WHERE next_due_at IS NOT NULL",
            Self::Deadlines => "SELECT MIN(next_deadline_at) FROM tasks WHERE next_deadline_at IS NOT NULL",
            Self::Deliveries => "SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'",
            Self::Timers => "SELECT MIN(due_at) FROM incident_timers",
        }
    }
}

/// The signals of the four indexes, shared by every clone of the store.
#[derive(Default)]
pub(crate) struct DueSignals {
    checks: Notify,
    deadlines: Notify,
    deliveries: Notify,
    timers: Notify,
}

impl DueSignals {
    fn of(&self, index: DueIndex) -> &Notify {
        match index {
            DueIndex::Checks => &self.checks,
            DueIndex::Deadlines => &self.deadlines,
            DueIndex::Deliveries => &self.deliveries,
            DueIndex::Timers => &self.timers,
        }
    }
}

/// One loop's view of one due-index. Each index has one reader: a signal raised while nobody
/// waits is kept for the next wait, so a change made between reading the earliest due time and
/// starting to wait is not missed.
#[derive(Clone)]
pub struct DueWatch {
    store: SqliteStore,
    index: DueIndex,
}

impl DueWatch {
    /// The earliest due time in the index, if anything is due at all.
    pub async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let sql = self.index.earliest_sql();
        self.store
            .db
            .read(move |conn| conn.prepare_cached(sql)?.query_row([], |row| row.get::<_, Option<i64>>(0))?.map(at).transpose())
            .await
            .map_err(backend)
    }

    /// Waits until a write may have changed the index.
    pub async fn changed(&self) {
        self.store.due.of(self.index).notified().await;
    }
}

impl SqliteStore {
    /// A watch on `index`, for the one loop that works it off.
    pub fn due_watch(&self, index: DueIndex) -> DueWatch {
        DueWatch { store: self.clone(), index }
    }

    /// Raised after a write that may have brought the earliest due time of `index` earlier.
    pub(crate) fn due_changed(&self, index: DueIndex) {
        self.due.of(index).notify_one();
    }
}

impl std::fmt::Debug for DueWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueWatch").field("index", &self.index).finish_non_exhaustive()
    }
}
