use super::StoreError;
use crate::ids::{MonitorId, TenantId};
use crate::monitor::CheckInterval;
use async_trait::async_trait;
use jiff::Timestamp;

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
}
