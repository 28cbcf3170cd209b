//! When checks run. Every monitor checks at a stable phase offset inside its interval, derived
//! from its id, so that monitors created together do not all fire at the top of the minute and a
//! restart keeps the same rhythm.

use crate::ids::{MonitorId, TenantId};
use crate::ports::DueCheck;
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

    /// When a monitor made at `created` is first checked: within min(interval, `within`), so that
    /// monitors made together (an import, a script looping over the API) spread over that window
    /// instead of all coming due at once. It is the monitor's first phase slot when that slot
    /// falls inside the window (always, for intervals up to `within`), so that the first check
    /// is also the start of its rhythm; otherwise an offset drawn from its id.
    pub fn first_check_at(self, monitor: MonitorId, created: Timestamp, within: SignedDuration) -> Timestamp {
        let window = self.millis().min(within.as_millis().clamp(0, i128::from(i64::MAX)) as i64);
        if window <= 0 {
            return created;
        }
        let slot = self.slot_at_or_after(monitor, created);
        if slot.duration_since(created) < SignedDuration::from_millis(window) {
            return slot;
        }
        // UUIDv7 ids end in 62 random bits; these skip the lowest ones, which set the phase.
        let offset = ((monitor.as_uuid().as_u128() >> 20) % window as u128) as i64;
        created + SignedDuration::from_millis(offset)
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

/// When a scheduler that starts checks on a common tick starts a check planned at `planned_at`:
/// the first multiple of `tick`, counted from the Unix epoch, at or after the plan (never before
/// it; a tick of zero or less starts every check at its plan).
///
/// Phases are spread to the millisecond, so without a tick every check wakes the scheduler on
/// its own. Checks that share a tick start together and share the wake-ups after them too (their
/// results reach the store together), which is most of a check's cost at low load.
pub fn release_at(planned_at: Timestamp, tick: SignedDuration) -> Timestamp {
    let tick = tick.as_millis();
    if tick <= 0 {
        return planned_at;
    }
    let released = (i128::from(planned_at.as_millisecond()) + tick - 1).div_euclid(tick) * tick;
    i64::try_from(released).ok().and_then(|ms| Timestamp::from_millisecond(ms).ok()).unwrap_or(planned_at)
}

/// A monitor that a store's due-index shows due: what slot allotment needs of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueMonitor {
    /// Owner.
    pub tenant_id: TenantId,
    /// The monitor.
    pub monitor_id: MonitorId,
    /// Its interval as stored.
    pub interval: CheckInterval,
    /// Its due time as stored.
    pub due_at: Timestamp,
}

/// The slots one monitor is claimed for, and where its due time moves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allotment {
    /// The monitor, as the due-index showed it.
    pub monitor: DueMonitor,
    /// The planned times handed out, earliest first (possibly none).
    pub slots: Vec<Timestamp>,
    /// The monitor's next due time: the first slot not handed out.
    pub next_due_at: Timestamp,
}

impl Allotment {
    /// The claimed checks.
    pub fn checks(&self) -> impl Iterator<Item = DueCheck> + '_ {
        let m = self.monitor;
        self.slots.iter().map(move |&planned_at| DueCheck {
            tenant_id: m.tenant_id,
            monitor_id: m.monitor_id,
            planned_at,
            interval: m.interval,
        })
    }
}

/// Allots check slots to due monitors taken in the order given (earliest due first), until
/// `limit` slots are handed out: each monitor resumes at its [`resume_slot`] and gets every slot
/// before `until` (a short interval can have several). Every monitor reached gets an allotment,
/// even one without a slot, since its due time still moves past the slots it skipped; monitors
/// after the limit get none and stay due.
///
/// Every store claims through this, so the claim's rules are the same on every backend; the
/// store only makes the move of each due time exclusive.
pub fn allot_slots(due: impl IntoIterator<Item = DueMonitor>, now: Timestamp, until: Timestamp, limit: usize) -> Vec<Allotment> {
    let mut allotments = Vec::new();
    let mut allotted = 0;
    for monitor in due {
        if allotted >= limit {
            break;
        }
        let mut slot = resume_slot(monitor.interval, monitor.monitor_id, monitor.due_at, now);
        let mut slots = Vec::new();
        while slot < until && allotted < limit {
            slots.push(slot);
            allotted += 1;
            slot = monitor.interval.next_slot_after(monitor.monitor_id, slot);
        }
        allotments.push(Allotment { monitor, slots, next_due_at: slot });
    }
    allotments
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
    fn first_checks_spread_within_the_window_at_a_stable_offset() {
        let within = SignedDuration::from_secs(10);
        // 40_000 ms past a minute boundary: a 60 s monitor's phase slot is within 10 s of it
        // when its phase is between 40_000 and 50_000.
        let created = ts(1_000_000);
        let cases = [
            // (interval s, id, within, expected offset ms)
            // Its phase slot (phase 45_000) is 5 s away: the first check is that slot.
            (60, 45_000, within, 5_000),
            // Its slot is further than the window: an offset from the id's bits above 20.
            (60, (7u128 << 20) | 99, within, 7),
            (60, (12_345u128 << 20) | 99, within, 2_345),
            // Intervals up to the window: always the phase slot (phase 3_456 here).
            (10, (1u128 << 40) * 10_000 + 3_456, within, 3_456),
            (60, 12_345u128 << 20, SignedDuration::ZERO, 0),
            // A window wider than the interval is cut to the interval.
            (10, 7_777, SignedDuration::from_secs(60), 7_777),
        ];
        for (seconds, id, within, offset) in cases {
            let interval = CheckInterval::from_seconds(seconds).unwrap();
            let monitor = MonitorId::from_uuid(Uuid::from_u128(id));
            assert_eq!(interval.first_check_at(monitor, created, within), ts(1_000_000 + offset), "{seconds} s, {id:x}");
            assert_eq!(interval.first_check_at(monitor, created, within), interval.first_check_at(monitor, created, within));
        }
    }

    #[test]
    fn first_checks_of_ids_made_together_cover_the_window() {
        let interval = CheckInterval::from_seconds(60).unwrap();
        let within = SignedDuration::from_secs(10);
        let mut per_second = [0u32; 10];
        for n in 0..1_000u64 {
            let mut random = [0u8; 10];
            random[..8].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
            let id = uuid::Builder::from_unix_timestamp_millis(1_700_000_000_000, &random).into_uuid();
            let offset = interval.first_check_at(MonitorId::from_uuid(id), ts(0), within).as_millisecond();
            assert!((0..10_000).contains(&offset));
            per_second[(offset / 1000) as usize] += 1;
        }
        assert!(per_second.iter().all(|&n| n > 50), "a thousand monitors made in one millisecond spread: {per_second:?}");
    }

    #[test]
    fn checks_start_on_the_first_tick_at_or_after_their_plan() {
        let quarter = SignedDuration::from_millis(250);
        let table = [
            ("on a tick", 1_000_000_250, quarter, 1_000_000_250),
            ("just after a tick", 1_000_000_251, quarter, 1_000_000_500),
            ("just before a tick", 1_000_000_499, quarter, 1_000_000_500),
            ("before the epoch", -1, quarter, 0),
            ("a second's tick", 1_000_000_001, SignedDuration::from_secs(1), 1_000_001_000),
            ("no tick", 1_000_000_123, SignedDuration::ZERO, 1_000_000_123),
            ("a negative tick", 1_000_000_123, SignedDuration::from_millis(-250), 1_000_000_123),
        ];
        for (name, planned, tick, expected) in table {
            assert_eq!(release_at(ts(planned), tick), ts(expected), "{name}");
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

    #[test]
    fn slots_are_allotted_earliest_monitor_first_up_to_the_limit() {
        let interval = |s| CheckInterval::from_seconds(s).unwrap();
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        // Phases: the id modulo the interval in ms. 10 s monitor at phase 0, 60 s at phase 5 s.
        let fast = DueMonitor {
            tenant_id: tenant,
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(10_000 * 3)),
            interval: interval(10),
            due_at: ts(100_000),
        };
        let slow = DueMonitor {
            tenant_id: tenant,
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(60_000 * 2 + 5_000)),
            interval: interval(60),
            due_at: ts(125_000),
        };
        // Away for an hour: resumes at the next phase slot from now, not at its stale due time.
        let stale = DueMonitor {
            tenant_id: tenant,
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(60_000 * 9 + 7_000)),
            interval: interval(60),
            due_at: ts(1_000),
        };
        // (name, due monitors, now, until, limit, each allotment's slots and next due time)
        type Case = (&'static str, Vec<DueMonitor>, i64, i64, usize, Vec<(Vec<i64>, i64)>);
        let cases: [Case; 6] = [
            ("nothing due", vec![], 100_000, 160_000, 10, vec![]),
            (
                "every slot before the horizon",
                vec![fast, slow],
                100_000,
                140_000,
                10,
                vec![(vec![100_000, 110_000, 120_000, 130_000], 140_000), (vec![125_000], 185_000)],
            ),
            (
                "the limit cuts a monitor's slots and leaves the rest due",
                vec![fast, slow],
                100_000,
                140_000,
                2,
                vec![(vec![100_000, 110_000], 120_000)],
            ),
            ("a limit of zero claims nothing", vec![fast], 100_000, 140_000, 0, vec![]),
            ("a monitor with no slot before the horizon still moves on", vec![slow], 100_000, 120_000, 5, vec![(vec![], 125_000)]),
            ("a stale due time resumes at the phase", vec![stale], 3_600_000, 3_660_000, 5, vec![(vec![3_607_000], 3_667_000)]),
        ];
        for (name, due, now, until, limit, expected) in cases {
            let allotments = allot_slots(due.clone(), ts(now), ts(until), limit);
            let got: Vec<(Vec<i64>, i64)> =
                allotments.iter().map(|a| (a.slots.iter().map(|s| s.as_millisecond()).collect(), a.next_due_at.as_millisecond())).collect();
            assert_eq!(got, expected, "{name}");
            for (allotment, monitor) in allotments.iter().zip(&due) {
                assert_eq!(allotment.monitor, *monitor, "{name}: in the order given");
                assert!(allotment.checks().all(|c| c.monitor_id == monitor.monitor_id && c.interval == monitor.interval));
            }
        }
    }
}
