use super::StoreError;
use crate::check::CheckResult;
use crate::digest::HistoryDigest;
use crate::ids::{CheckId, MonitorId, TenantId};
use crate::monitor::{MonitorHealth, StatusTransition};
use crate::page::{Page, PageRequest};
use crate::uptime::CheckTally;
use async_trait::async_trait;
use jiff::Timestamp;

/// A health change to store with a check result, guarded by the version it was computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthUpdate {
    /// The health version the change was computed from.
    pub expected_version: u64,
    /// The new health.
    pub health: MonitorHealth,
    /// The status transition, if the status changed.
    pub transition: Option<StatusTransition>,
}

/// A check result and, if the monitor's health changed, the change.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckRecord {
    /// The result.
    pub result: CheckResult,
    /// The health change, if any.
    pub health: Option<HealthUpdate>,
    /// No one waits on this record (a scheduled check that changed nothing but history): a
    /// store may hold it briefly to commit it with others (SQLite: up to half a second, readable
    /// from then on) and acknowledge it with a flush it shares (within a second), instead of
    /// committing and flushing for it alone. It is acknowledged only once durable either way.
    pub patient: bool,
}

/// What happened to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordOutcome {
    /// Stored.
    Recorded,
    /// A result with the same id was already stored (a redelivery); nothing was written.
    Duplicate,
    /// The monitor's health changed since it was read; nothing was written.
    HealthConflict,
    /// The monitor no longer exists; nothing was written.
    MonitorGone,
}

/// Check history: results, and the tallies that uptime summaries come from.
#[async_trait]
pub trait CheckLog: Send + Sync {
    /// Stores each record atomically (result and health together), in order, reporting each
    /// record's fate. A redelivered result is a [`RecordOutcome::Duplicate`], never a second row.
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError>;

    /// Lists a monitor's results, newest first.
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<CheckResult>, StoreError>;

    /// Reads one result.
    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError>;

    /// The tally of a monitor's checks started in `[from, to)`.
    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError>;

    /// A monitor's checks tallied hour by hour: each hour starting in `[from, to)` (`from`
    /// rounded down to its hour) that has checks, with the tally of its checks (by start time),
    /// oldest first.
    async fn hourly(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError>;

    /// The digest of each of `monitors` as read at `now` (newest checks and counts, see
    /// [`crate::digest`]), in the order asked, for lists of many monitors at once. A monitor
    /// without checks, or not of `tenant`, has an empty digest.
    async fn digests(&self, tenant: TenantId, monitors: &[MonitorId], now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError>;
}
