//! When the in-process scheduler starts each claimed check: on the release tick at or after its
//! planned time, with at most a group of checks starting at one instant.
//!
//! Checks that start together share their wake-ups, commits and flushes, but a whole tick of
//! them at once is a burst of new connections: 167 checks of 10,000 monitors every 30 s against
//! one host overflowed that host's accept queue (its SYNs dropped, the checks retried after a
//! second and reported a second of latency that was their own making). So a tick's checks start
//! in groups, each a small gap after the one before.

use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use vigil_domain::monitor::schedule::release_at;

/// How checks are released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReleasePolicy {
    /// Checks start on multiples of this at or after their planned time (zero: each at its own).
    /// Phases are spread to the millisecond, so at 10 checks a second each check used to wake the
    /// process on its own; started on the half second, they share their wake-ups, the writer's
    /// commits and the log's flushes: two fifths less CPU per check at that load, a third at 333
    /// checks a second (docs/benchmarks.md). Half a second late is nothing to a check every 10 s
    /// or more.
    pub tick: SignedDuration,
    /// The most checks started at one instant (zero: a whole tick at once). Eight, not more:
    /// a check's duration includes waiting for the CPU its neighbours' handshakes take, and 16
    /// TLS handshakes at once made HTTPS checks of a loopback target report 4–8 ms instead of
    /// about 1 (eight: 2–2.6 ms), at about a tenth more CPU per HTTPS check (docs/benchmarks.md).
    pub group: usize,
    /// The time between two groups of one tick.
    pub gap: SignedDuration,
}

impl Default for ReleasePolicy {
    fn default() -> Self {
        Self { tick: SignedDuration::from_millis(500), group: 8, gap: SignedDuration::from_millis(5) }
    }
}

/// The start instants handed out so far, to spread a crowded tick over groups.
#[derive(Debug)]
pub(crate) struct Releases {
    policy: ReleasePolicy,
    taken: BTreeMap<Timestamp, usize>,
}

impl Releases {
    pub(crate) fn new(policy: ReleasePolicy) -> Self {
        Self { policy, taken: BTreeMap::new() }
    }

    /// When a check planned at `planned_at` starts: the first instant from its release tick on,
    /// a gap apart, that has room in its group. Instants more than a tick before `now` are
    /// forgotten first; those of the last tick are kept, so that overdue checks (released in the
    /// past, started at once) still go in groups.
    pub(crate) fn start_of(&mut self, planned_at: Timestamp, now: Timestamp) -> Timestamp {
        let forgotten = now - self.policy.tick.max(SignedDuration::ZERO);
        while let Some(earliest) = self.taken.first_entry() {
            if *earliest.key() >= forgotten {
                break;
            }
            earliest.remove();
        }
        let mut start = release_at(planned_at, self.policy.tick);
        if self.policy.group == 0 || self.policy.gap <= SignedDuration::ZERO {
            return start;
        }
        loop {
            let count = self.taken.entry(start).or_default();
            if *count < self.policy.group {
                *count += 1;
                return start;
            }
            start += self.policy.gap;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    fn policy(group: usize) -> ReleasePolicy {
        ReleasePolicy { tick: SignedDuration::from_millis(500), group, gap: SignedDuration::from_millis(5) }
    }

    #[test]
    fn a_crowded_tick_starts_in_groups_a_gap_apart() {
        let mut releases = Releases::new(policy(2));
        let now = ts(1_000_000_000);
        let starts: Vec<i64> =
            [100, 200, 300, 400, 499, 500, 501].iter().map(|ms| releases.start_of(ts(1_000_000_000 + ms), now).as_millisecond()).collect();
        let base = 1_000_000_000;
        assert_eq!(
            starts,
            [base + 500, base + 500, base + 505, base + 505, base + 510, base + 510, base + 1000],
            "two to an instant; the plan at the tick itself joins its crowd; the next tick is free",
        );
    }

    #[test]
    fn without_a_group_or_a_gap_every_check_starts_on_its_tick() {
        for policy in [policy(0), ReleasePolicy { gap: SignedDuration::ZERO, ..policy(2) }] {
            let mut releases = Releases::new(policy);
            for _ in 0..5 {
                assert_eq!(releases.start_of(ts(1_000_000_001), ts(1_000_000_000)), ts(1_000_000_500), "{policy:?}");
            }
        }
    }

    #[test]
    fn instants_in_the_past_are_forgotten() {
        let mut releases = Releases::new(policy(1));
        assert_eq!(releases.start_of(ts(1_000_000_100), ts(1_000_000_000)), ts(1_000_000_500));
        assert_eq!(releases.start_of(ts(1_000_000_100), ts(1_000_000_000)), ts(1_000_000_505));
        releases.start_of(ts(1_000_010_100), ts(1_000_010_000));
        assert_eq!(releases.taken.len(), 1, "only the instant still ahead is kept: {:?}", releases.taken);
    }
}
