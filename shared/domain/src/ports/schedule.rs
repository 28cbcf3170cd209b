use super::StoreError;
use crate::ids::{MonitorId, TenantId};
use crate::monitor::{CheckInterval, MonitorRecord};
use async_trait::async_trait;
use jiff::Timestamp;
use std::sync::Arc;

/// A check that a scheduler has claimed and must now run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueCheck {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor to check.
    pub monitor_id: MonitorId,
    /// When it should start.
    pub planned_at: Timestamp,
    /// The monitor's interval when it was claimed (a prober running the check later skips it
    /// if the interval has changed since).
    pub interval: CheckInterval,
}

/// The due-index: which checks are due, claimed so that each planned check is handed out once.
#[async_trait]
pub trait CheckSchedule: Send + Sync {
    /// Claims the checks planned before `until`, at most `limit` of them, earliest first, and
    /// advances each monitor's due time past them (a monitor with a short interval yields every
    /// slot before `until`). A slot missed by more than one interval is skipped, not replayed.
    /// Two schedulers claiming concurrently never receive the same check.
    async fn claim_due(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<DueCheck>, StoreError>;

    /// Like [`CheckSchedule::claim_due`], but only monitors due before `lead_until` are claimed,
    /// each with every slot before `until` (`lead_until <= until`). Monitors due between the two
    /// stay unclaimed until a later call's `lead_until` passes their due time.
    ///
    /// A scheduler that runs every minute with a lead of two minutes and a horizon of fifteen
    /// thus claims each monitor once per thirteen minutes, at a moment set by the monitor's own
    /// due time (so claims spread out instead of all falling on the same run), and every check
    /// still at least a minute before it is due. `claim_due(now, until, limit)` is
    /// `claim_ahead(now, until, until, limit)`.
    async fn claim_ahead(&self, now: Timestamp, lead_until: Timestamp, until: Timestamp, limit: usize)
    -> Result<Vec<DueCheck>, StoreError>;

    /// [`CheckSchedule::claim_due`], each check with its monitor as the claim read it, where a
    /// store reads it there for little (SQLite: the claim's transaction already holds the row's
    /// pages), so the check need not read it again. The record is as old as the claim: a change
    /// made after it reaches the check's write as a health-version conflict (the check then
    /// reads afresh), or the next check. Stores that read nothing return `None` monitors.
    async fn claim_due_with_monitors(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<ClaimedCheck>, StoreError> {
        Ok(self.claim_due(now, until, limit).await?.into_iter().map(|check| ClaimedCheck { check, monitor: None }).collect())
    }
}

/// A claimed check, with its monitor when the claim read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedCheck {
    /// The check.
    pub check: DueCheck,
    /// The monitor as read by the claim, if the store read it.
    pub monitor: Option<Arc<MonitorRecord>>,
}
