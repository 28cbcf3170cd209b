//! The SQLite store: one file holding tenants, monitors, check history, rollups,
//! transitions and heartbeat tasks with their runs and pings, implementing the storage ports for `vigil serve`.

mod accounts;
mod backup;
mod check_log;
mod checkpointer;
mod codec;
mod connection;
mod deliveries;
mod digests;
mod documents;
mod due;
mod gathering;
mod hosts;
mod incidents;
mod interrupted;
mod monitors;
mod retention;
mod rollups;
mod schedule;
mod schema;
mod status_pages;
mod task_history;
mod task_runs;
mod tasks;
mod tenants;
mod timers;
mod transitions;
mod write_queue;

pub use backup::{BackupSummary, backup_database, restore_database};
use connection::Database;
use due::DueSignals;
pub use due::{DueIndex, DueWatch};
pub use hosts::HostRetention;
use std::path::Path;
use std::sync::Arc;

/// The store. Cheap to clone; every clone shares the writer thread and reader pool.
#[derive(Clone)]
pub struct SqliteStore {
    db: Database,
    due: Arc<DueSignals>,
}

impl SqliteStore {
    /// Opens or creates the database file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Ok(Self { db: Database::open(path, schema::migrate)?, due: Arc::default() })
    }
}
