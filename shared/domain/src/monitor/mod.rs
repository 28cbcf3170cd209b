//! HTTP monitors: what to check ([`spec`]), when ([`schedule`]) and what their state is ([`status`]).

pub mod draft;
pub mod schedule;
pub mod schedule_cursor;
pub mod secret_headers;
pub mod spec;
pub mod status;
pub mod transition;

pub use draft::{MonitorDraft, StatusCodeInput};
pub use schedule::CheckInterval;
pub use spec::{FieldError, HttpMethod, HttpMonitorSpec, SpecErrors, StatusCodeRange, Thresholds};
pub use status::{HealthChange, MonitorHealth, MonitorStatus, Verdict};
pub use transition::{StatusTransition, TransitionCause};

use crate::ids::{MonitorId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A stored HTTP monitor: its validated specification and bookkeeping. Its live state is
/// [`MonitorHealth`], kept beside it in [`MonitorRecord`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpMonitor {
    /// Identity.
    pub id: MonitorId,
    /// Owner.
    pub tenant_id: TenantId,
    /// What to check and how to judge it.
    pub spec: HttpMonitorSpec,
    /// Incremented on every change of `spec`; guards concurrent edits.
    pub revision: u64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When `spec` last changed.
    pub updated_at: Timestamp,
}

/// A monitor as stored: the monitor, its health, and when its next check is due (`None` while
/// paused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonitorRecord {
    /// The monitor.
    pub monitor: HttpMonitor,
    /// Its current health.
    pub health: MonitorHealth,
    /// The planned time of its next scheduled check; `None` while paused.
    pub next_due_at: Option<Timestamp>,
}

impl MonitorRecord {
    /// When its next check runs, as of `now`; `None` while paused.
    ///
    /// A store may keep in `next_due_at` the first slot it has not handed out yet rather than the
    /// next check: later than checks already queued (claimed ahead, on AWS), or in the past (a
    /// monitor that follows its tenant's schedule cursor keeps where it joined). Its next check
    /// is then its next slot from `now`. A due time before that slot (a first check spread
    /// within its window, a check at once after a resume) is the next check itself.
    pub fn next_check_at(&self, now: Timestamp) -> Option<Timestamp> {
        let due = self.next_due_at?;
        let slot = self.monitor.spec.interval.slot_at_or_after(self.monitor.id, now);
        Some(if due < now { slot } else { due.min(slot) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_next_check_is_the_next_slot_unless_a_check_is_due_before_it() {
        let ts = |ms| Timestamp::from_millisecond(ms).unwrap();
        // A 60 s monitor at phase 5 s; now is 100 s, so its next slot is 125 s.
        let mut record = MonitorRecord {
            monitor: HttpMonitor {
                id: MonitorId::from_uuid(Uuid::from_u128(60_000 * 3 + 5_000)),
                tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
                spec: HttpMonitorSpec::from_draft(&MonitorDraft {
                    name: Some("api".into()),
                    url: Some("https://example.com/".into()),
                    interval_seconds: Some(60),
                    ..MonitorDraft::default()
                })
                .unwrap(),
                revision: 1,
                created_at: ts(0),
                updated_at: ts(0),
            },
            health: MonitorHealth::pending(ts(0)),
            next_due_at: None,
        };
        for (name, due, expected) in [
            ("paused", None, None),
            ("due at its next slot", Some(125_000), Some(125_000)),
            ("claimed ahead: the first slot not handed out is later", Some(905_000), Some(125_000)),
            ("on a cursor: where it joined is past", Some(65_000), Some(125_000)),
            ("a first check spread within its window", Some(103_000), Some(103_000)),
            ("checked at once after a resume", Some(100_000), Some(100_000)),
        ] {
            record.next_due_at = due.map(ts);
            assert_eq!(record.next_check_at(ts(100_000)), expected.map(ts), "{name}");
        }
    }
}
