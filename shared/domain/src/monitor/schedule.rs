//! When checks run. Every monitor checks at a stable phase offset inside its interval, derived
//! from its id, so that monitors created together do not all fire at the top of the minute and a
//! restart keeps the same rhythm.

use crate::ids::MonitorId;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The time between two checks of a monitor: whole seconds from 10 s to 24 h.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct CheckInterval(u32);

impl CheckInterval {
    /// The shortest interval allowed.
    pub const MIN_SECONDS: u32 = 10;
    /// The longest interval allowed.
    pub const MAX_SECONDS: u32 = 24 * 60 * 60;

    /// An interval of `seconds`, if within bounds.
    pub fn from_seconds(seconds: u32) -> Result<Self, String> {
        if (Self::MIN_SECONDS..=Self::MAX_SECONDS).contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(format!("must be between {} and {} seconds (24 h), got {seconds}", Self::MIN_SECONDS, Self::MAX_SECONDS))
        }
    }

    /// Whole seconds.
    pub const fn seconds(self) -> u32 {
        self.0
    }

    /// As a duration.
    pub const fn as_duration(self) -> Duration {
        Duration::from_secs(self.0 as u64)
    }

    fn millis(self) -> i64 {
        i64::from(self.0) * 1000
    }

    /// The monitor's phase: its offset, in milliseconds, inside every interval.
    ///
    /// UUIDv7 ids end in random bits, so the remainder spreads monitors evenly.
    pub fn phase_of(self, monitor: MonitorId) -> i64 {
        (monitor.as_uuid().as_u128() % self.millis() as u128) as i64
    }

    /// The first slot of `monitor` strictly after `after`.
    pub fn next_slot_after(self, monitor: MonitorId, after: Timestamp) -> Timestamp {
        let interval = self.millis();
        let phase = self.phase_of(monitor);
        let t = after.as_millisecond();
        let slots_since_phase = (t - phase).div_euclid(interval);
        let next = phase + (slots_since_phase + 1) * interval;
        Timestamp::from_millisecond(next).unwrap_or(after)
    }

    /// The first slot of `monitor` at or after `at`.
    pub fn slot_at_or_after(self, monitor: MonitorId, at: Timestamp) -> Timestamp {
        self.next_slot_after(monitor, at - SignedDuration::from_millis(1))
    }
}

impl TryFrom<u32> for CheckInterval {
    type Error = String;
    fn try_from(seconds: u32) -> Result<Self, String> {
        Self::from_seconds(seconds)
    }
}

impl From<CheckInterval> for u32 {
    fn from(interval: CheckInterval) -> u32 {
        interval.0
    }
}

/// Where a scheduler that was away (a restart, an outage of the scheduler itself) resumes a
/// monitor whose planned slot `due` lies in the past.
///
/// A slot missed by less than one interval still runs, late; older ones are dropped and the
/// monitor resumes at its next phase slot, so that a restart does not fire every overdue
/// monitor at once.
pub fn resume_slot(interval: CheckInterval, monitor: MonitorId, due: Timestamp, now: Timestamp) -> Timestamp {
    if now.duration_since(due) < SignedDuration::from_secs(i64::from(interval.seconds())) {
        due
    } else {
        interval.slot_at_or_after(monitor, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ts(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    #[test]
    fn interval_bounds() {
        for (seconds, ok) in [(0, false), (9, false), (10, true), (60, true), (86_400, true), (86_401, false)] {
            assert_eq!(CheckInterval::from_seconds(seconds).is_ok(), ok, "{seconds}");
        }
    }

    #[test]
    fn slots_follow_the_phase() {
        let interval = CheckInterval::from_seconds(30).unwrap();
        // 12_345 ms phase: the u128 remainder of the id by 30_000.
        let monitor = MonitorId::from_uuid(Uuid::from_u128(30_000 * 7 + 12_345));
        assert_eq!(interval.phase_of(monitor), 12_345);
        let cases = [
            // (after, expected next slot)
            (0, 12_345),
            (12_344, 12_345),
            (12_345, 42_345),
            (42_344, 42_345),
            (1_000_000, 1_002_345),
        ];
        for (after, expected) in cases {
            assert_eq!(interval.next_slot_after(monitor, ts(after)), ts(expected), "after {after}");
        }
        assert_eq!(interval.slot_at_or_after(monitor, ts(12_345)), ts(12_345));
    }

    #[test]
    fn phases_spread_over_the_interval() {
        let interval = CheckInterval::from_seconds(60).unwrap();
        let mut buckets = [0u32; 6];
        for i in 0..6000u128 {
            let id = MonitorId::from_uuid(Uuid::from_u128(i.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)));
            buckets[(interval.phase_of(id) / 10_000) as usize] += 1;
        }
        for count in buckets {
            assert!((800..1200).contains(&count), "uneven spread: {buckets:?}");
        }
    }

    #[test]
    fn a_scheduler_that_was_away_resumes_without_a_herd() {
        let interval = CheckInterval::from_seconds(60).unwrap();
        let monitor = MonitorId::from_uuid(Uuid::from_u128(5_000));
        // Late by less than an interval: the slot still runs.
        assert_eq!(resume_slot(interval, monitor, ts(65_000), ts(100_000)), ts(65_000));
        // Away for an hour: the next phase slot from now.
        assert_eq!(resume_slot(interval, monitor, ts(65_000), ts(3_700_000)), ts(3_725_000));
    }
}
