//! Monitor status: one pure function from (previous health, verdict of a check, thresholds) to
//! the next health, with Suspicious and Recovering in between so that one blip pages nobody.

use super::spec::Thresholds;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a monitor is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonitorStatus {
    /// Not checked yet since it was created or resumed.
    Pending,
    /// Passing.
    Up,
    /// Failing, but fewer consecutive times than the failure threshold.
    Suspicious,
    /// Failing at least the failure threshold in a row.
    Down,
    /// Passing again after Down, fewer consecutive times than the recovery threshold.
    Recovering,
    /// Not being checked, by request.
    Paused,
}

impl MonitorStatus {
    /// Every status, in display order.
    pub const ALL: [MonitorStatus; 6] = [
        MonitorStatus::Pending,
        MonitorStatus::Up,
        MonitorStatus::Suspicious,
        MonitorStatus::Down,
        MonitorStatus::Recovering,
        MonitorStatus::Paused,
    ];

    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MonitorStatus::Pending => "pending",
            MonitorStatus::Up => "up",
            MonitorStatus::Suspicious => "suspicious",
            MonitorStatus::Down => "down",
            MonitorStatus::Recovering => "recovering",
            MonitorStatus::Paused => "paused",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

impl fmt::Display for MonitorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict of one check, as far as status is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The target answered as expected.
    Pass,
    /// The target is down or answered wrongly.
    Fail,
}

/// A monitor's live state.
///
/// Streaks are only kept while they matter (the failure streak while Suspicious, the success
/// streak while Recovering), so a monitor that stays Up or stays Down has a health that does not
/// change from check to check and needs no write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorHealth {
    /// Current status.
    pub status: MonitorStatus,
    /// When it entered `status`.
    pub since: Timestamp,
    /// Consecutive failed checks, while Suspicious.
    pub failure_streak: u32,
    /// Consecutive passed checks, while Recovering.
    pub success_streak: u32,
    /// Incremented on every change; storage writes health only if it still holds the version
    /// that the change was computed from.
    pub version: u64,
}

/// The result of applying a verdict: the next health and, if the status changed, from what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthChange {
    /// The health after the check.
    pub next: MonitorHealth,
    /// `Some(previous status)` if the status changed.
    pub transitioned_from: Option<MonitorStatus>,
}

impl HealthChange {
    /// Whether anything must be written.
    pub fn is_change(&self, previous: &MonitorHealth) -> bool {
        self.next != *previous
    }
}

impl MonitorHealth {
    /// The health of a monitor created (or resumed) at `at`.
    pub const fn pending(at: Timestamp) -> Self {
        Self { status: MonitorStatus::Pending, since: at, failure_streak: 0, success_streak: 0, version: 0 }
    }

    /// Applies the verdict of a check that finished at `at`.
    ///
    /// A paused monitor ignores verdicts: a check that was already in flight when the monitor
    /// was paused must not move it.
    pub fn apply(&self, verdict: Verdict, thresholds: Thresholds, at: Timestamp) -> HealthChange {
        use MonitorStatus::*;
        let failures_needed = u32::from(thresholds.failure.get());
        let successes_needed = u32::from(thresholds.recovery.get());
        let recovering = |streak: u32| if streak >= successes_needed { (Up, 0, 0) } else { (Recovering, 0, streak) };
        let failing = |streak: u32| if streak >= failures_needed { (Down, 0, 0) } else { (Suspicious, streak, 0) };
        let (status, failure_streak, success_streak) = match (self.status, verdict) {
            (Paused, _) => return HealthChange { next: *self, transitioned_from: None },
            (Pending | Up | Suspicious, Verdict::Pass) => (Up, 0, 0),
            (Down, Verdict::Pass) => recovering(1),
            (Recovering, Verdict::Pass) => recovering(self.success_streak + 1),
            (Down | Recovering, Verdict::Fail) => (Down, 0, 0),
            (Pending | Up, Verdict::Fail) => failing(1),
            (Suspicious, Verdict::Fail) => failing(self.failure_streak + 1),
        };
        self.moved_to(status, failure_streak, success_streak, at)
    }

    /// The health after an explicit pause at `at`.
    pub fn paused(&self, at: Timestamp) -> HealthChange {
        if self.status == MonitorStatus::Paused {
            return HealthChange { next: *self, transitioned_from: None };
        }
        self.moved_to(MonitorStatus::Paused, 0, 0, at)
    }

    /// The health after a resume at `at`: Pending until the next check says otherwise.
    pub fn resumed(&self, at: Timestamp) -> HealthChange {
        if self.status != MonitorStatus::Paused {
            return HealthChange { next: *self, transitioned_from: None };
        }
        self.moved_to(MonitorStatus::Pending, 0, 0, at)
    }

    fn moved_to(&self, status: MonitorStatus, failure_streak: u32, success_streak: u32, at: Timestamp) -> HealthChange {
        let transitioned = status != self.status;
        let next = MonitorHealth {
            status,
            since: if transitioned { at } else { self.since },
            failure_streak,
            success_streak,
            version: self.version,
        };
        if next == *self {
            return HealthChange { next, transitioned_from: None };
        }
        HealthChange { next: MonitorHealth { version: self.version + 1, ..next }, transitioned_from: transitioned.then_some(self.status) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MonitorStatus::*;
    use Verdict::*;
    use std::num::NonZeroU8;

    fn thresholds(failure: u8, recovery: u8) -> Thresholds {
        Thresholds { failure: NonZeroU8::new(failure).unwrap(), recovery: NonZeroU8::new(recovery).unwrap() }
    }

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    /// Runs a sequence of verdicts from `start` and returns the status after each.
    fn walk(start: MonitorStatus, verdicts: &[Verdict], th: Thresholds) -> Vec<MonitorStatus> {
        let mut health = MonitorHealth { status: start, ..MonitorHealth::pending(t(0)) };
        verdicts
            .iter()
            .enumerate()
            .map(|(i, verdict)| {
                health = health.apply(*verdict, th, t(i as i64 + 1)).next;
                health.status
            })
            .collect()
    }

    #[test]
    fn status_table() {
        type Case = (&'static str, MonitorStatus, (u8, u8), &'static [Verdict], &'static [MonitorStatus]);
        let cases: &[Case] = &[
            ("first pass", Pending, (2, 1), &[Pass], &[Up]),
            ("first fail below threshold", Pending, (2, 1), &[Fail], &[Suspicious]),
            ("threshold one goes straight down", Up, (1, 1), &[Fail], &[Down]),
            ("one blip is not down", Up, (3, 1), &[Fail, Pass], &[Suspicious, Up]),
            ("down after the threshold", Up, (3, 1), &[Fail, Fail, Fail], &[Suspicious, Suspicious, Down]),
            ("stays down", Down, (3, 1), &[Fail, Fail], &[Down, Down]),
            ("recovery threshold one", Down, (3, 1), &[Pass], &[Up]),
            ("recovers after the threshold", Down, (1, 3), &[Pass, Pass, Pass], &[Recovering, Recovering, Up]),
            ("a fail while recovering is down again", Down, (1, 3), &[Pass, Fail, Pass], &[Recovering, Down, Recovering]),
            ("recovering streak restarts after a relapse", Down, (1, 2), &[Pass, Fail, Pass, Pass], &[Recovering, Down, Recovering, Up]),
            ("streak resets on pass", Up, (2, 1), &[Fail, Pass, Fail, Pass], &[Suspicious, Up, Suspicious, Up]),
            ("paused ignores checks", Paused, (1, 1), &[Fail, Pass], &[Paused, Paused]),
            ("pending down at threshold", Pending, (2, 1), &[Fail, Fail], &[Suspicious, Down]),
        ];
        for (name, start, (f, r), verdicts, expected) in cases {
            assert_eq!(walk(*start, verdicts, thresholds(*f, *r)), expected.to_vec(), "{name}");
        }
    }

    #[test]
    fn transitions_carry_their_time_and_origin() {
        let th = thresholds(2, 1);
        let up = MonitorHealth { status: Up, ..MonitorHealth::pending(t(0)) };
        let first = up.apply(Fail, th, t(10));
        assert_eq!(first.transitioned_from, Some(Up));
        assert_eq!(first.next.since, t(10));
        let second = first.next.apply(Fail, th, t(20));
        assert_eq!(second.transitioned_from, Some(Suspicious));
        assert_eq!(second.next.status, Down);
        assert_eq!(second.next.since, t(20));
        assert_eq!(second.next.version, up.version + 2);
    }

    #[test]
    fn steady_states_need_no_write() {
        let th = thresholds(2, 2);
        let up = MonitorHealth { status: Up, since: t(5), failure_streak: 0, success_streak: 0, version: 7 };
        let change = up.apply(Pass, th, t(100));
        assert!(!change.is_change(&up));
        assert_eq!(change.next.version, 7);
        let down = MonitorHealth { status: Down, ..up };
        assert!(!down.apply(Fail, th, t(100)).is_change(&down));
        let suspicious = MonitorHealth { status: Suspicious, failure_streak: 1, ..up };
        let change = suspicious.apply(Pass, th, t(100));
        assert!(change.is_change(&suspicious));
        assert_eq!(change.next.status, Up);
    }

    #[test]
    fn pause_and_resume() {
        let down = MonitorHealth { status: Down, ..MonitorHealth::pending(t(0)) };
        let paused = down.paused(t(50));
        assert_eq!(paused.next.status, Paused);
        assert_eq!(paused.transitioned_from, Some(Down));
        assert_eq!(paused.next.paused(t(60)).transitioned_from, None);
        let resumed = paused.next.resumed(t(70));
        assert_eq!(resumed.next.status, Pending);
        assert_eq!(resumed.next.since, t(70));
        assert_eq!(down.resumed(t(70)).next, down);
    }
}
