//! Probe jobs: batches of claimed checks handed from a scheduler to probers through a queue
//! (SQS on AWS). A job is released after a whole-second delay, so every check in it is planned
//! within the second before its release.

use crate::ids::{MonitorId, TenantId};
use crate::monitor::{CheckInterval, MonitorRecord, MonitorStatus};
use crate::ports::DueCheck;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

/// The longest delay a job queue must support: SQS's `DelaySeconds` limit, and so the longest
/// horizon a scheduler may claim ahead.
pub const MAX_JOB_DELAY_SECONDS: u32 = 900;

/// One check of a job: which monitor, at which planned time, and the interval it was planned
/// with, so that a prober can tell that the monitor was rescheduled since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobEntry {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor to check.
    pub monitor_id: MonitorId,
    /// When the check was planned to start.
    pub planned_at: Timestamp,
    /// The monitor's interval when the check was claimed.
    pub interval: CheckInterval,
}

impl From<DueCheck> for JobEntry {
    fn from(due: DueCheck) -> Self {
        Self { tenant_id: due.tenant_id, monitor_id: due.monitor_id, planned_at: due.planned_at, interval: due.interval }
    }
}

/// Why a prober does not run a job entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaleEntry {
    /// The monitor was deleted.
    MonitorGone,
    /// The monitor is paused.
    MonitorPaused,
    /// The monitor's interval changed after the entry was claimed; its new slots are claimed
    /// afresh.
    Rescheduled,
}

impl JobEntry {
    /// Whether the entry is still to be run against the monitor as it is now. Entries can be
    /// claimed up to [`MAX_JOB_DELAY_SECONDS`] ahead, so the monitor may have changed meanwhile.
    /// A resumed monitor's old and new entries share slots; they are told apart by check id, not
    /// here.
    pub fn staleness(&self, current: Option<&MonitorRecord>) -> Option<StaleEntry> {
        let Some(record) = current else { return Some(StaleEntry::MonitorGone) };
        if record.health.status == MonitorStatus::Paused {
            return Some(StaleEntry::MonitorPaused);
        }
        (record.monitor.spec.interval != self.interval).then_some(StaleEntry::Rescheduled)
    }
}

/// A batch of checks to run together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeJob {
    /// The checks.
    pub entries: Vec<JobEntry>,
}

/// A job and the whole seconds it waits in the queue before a prober may take it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelayedJob {
    /// Seconds from enqueueing to release, at most [`MAX_JOB_DELAY_SECONDS`].
    pub delay_seconds: u32,
    /// The job.
    pub job: ProbeJob,
}

/// Groups claimed checks into jobs: each check waits the whole seconds until the first second
/// boundary (counted from `now`) at or after its planned time, so no check starts early; checks
/// released in the same second share jobs of at most `max_entries` checks.
///
/// Checks are grouped by release second rather than by monitor, so a job's checks run at once
/// and one prober invocation does many checks.
pub fn group_into_jobs(checks: &[DueCheck], now: Timestamp, max_entries: usize) -> Vec<DelayedJob> {
    let max_entries = max_entries.max(1);
    let mut by_second: BTreeMap<u32, Vec<JobEntry>> = BTreeMap::new();
    for check in checks {
        by_second.entry(release_delay(check.planned_at, now)).or_default().push((*check).into());
    }
    by_second
        .into_iter()
        .flat_map(|(delay_seconds, entries)| {
            entries
                .chunks(max_entries)
                .map(|chunk| DelayedJob { delay_seconds, job: ProbeJob { entries: chunk.to_vec() } })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whole seconds from `now` until `planned_at`, rounded up and clamped to the queue's range.
fn release_delay(planned_at: Timestamp, now: Timestamp) -> u32 {
    let ahead = planned_at.duration_since(now);
    if ahead <= SignedDuration::ZERO {
        return 0;
    }
    let millis = ahead.as_millis();
    let seconds = (millis + 999) / 1000;
    seconds.clamp(0, i128::from(MAX_JOB_DELAY_SECONDS)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::{HttpMonitor, HttpMonitorSpec, MonitorDraft, MonitorHealth};
    use uuid::Uuid;

    fn due(n: u128, planned_ms: i64) -> DueCheck {
        DueCheck {
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(n)),
            planned_at: Timestamp::from_millisecond(planned_ms).unwrap(),
            interval: CheckInterval::from_seconds(60).unwrap(),
        }
    }

    #[test]
    fn checks_are_released_at_the_second_boundary_at_or_after_their_plan() {
        let now = Timestamp::from_millisecond(1_000_000_500).unwrap();
        let checks = [due(1, 1_000_000_000), due(2, 1_000_000_500), due(3, 1_000_000_501), due(4, 1_000_001_500), due(5, 1_000_901_000)];
        let jobs = group_into_jobs(&checks, now, 10);
        let shape: Vec<(u32, usize)> = jobs.iter().map(|j| (j.delay_seconds, j.job.entries.len())).collect();
        // Overdue and exactly-now checks go at once; 1 ms ahead waits a whole second; beyond the
        // queue's limit is clamped (a scheduler never claims that far ahead).
        assert_eq!(shape, vec![(0, 2), (1, 2), (900, 1)]);
        for job in &jobs {
            for entry in &job.job.entries {
                let release = now + SignedDuration::from_secs(i64::from(job.delay_seconds));
                assert!(entry.planned_at <= release || job.delay_seconds == MAX_JOB_DELAY_SECONDS);
                assert!(release.duration_since(entry.planned_at) < SignedDuration::from_secs(1) || job.delay_seconds == 0);
            }
        }
    }

    #[test]
    fn a_busy_second_is_split_into_jobs_of_bounded_size() {
        let now = Timestamp::from_millisecond(0).unwrap();
        let checks: Vec<_> = (0..25).map(|n| due(n, 2_000)).collect();
        let sizes: Vec<usize> = group_into_jobs(&checks, now, 10).iter().map(|j| j.job.entries.len()).collect();
        assert_eq!(sizes, vec![10, 10, 5]);
        assert!(group_into_jobs(&[], now, 10).is_empty());
    }

    #[test]
    fn stale_entries_are_recognised() {
        let draft: MonitorDraft = serde_json::from_value(serde_json::json!({"name": "m", "url": "https://example.com"})).unwrap();
        let spec = HttpMonitorSpec::from_draft(&draft).unwrap();
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let entry: JobEntry = due(7, 1_000).into();
        let record = MonitorRecord {
            monitor: HttpMonitor { id: entry.monitor_id, tenant_id: entry.tenant_id, spec, revision: 1, created_at: at, updated_at: at },
            health: MonitorHealth::pending(at),
            next_due_at: Some(at),
        };
        assert_eq!(entry.staleness(Some(&record)), None);
        assert_eq!(entry.staleness(None), Some(StaleEntry::MonitorGone));
        let paused = MonitorRecord { health: record.health.paused(at).next, ..record.clone() };
        assert_eq!(entry.staleness(Some(&paused)), Some(StaleEntry::MonitorPaused));
        let mut faster = record.clone();
        faster.monitor.spec.interval = CheckInterval::from_seconds(30).unwrap();
        assert_eq!(entry.staleness(Some(&faster)), Some(StaleEntry::Rescheduled));
    }
}
