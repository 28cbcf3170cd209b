//! How many pings a task keeps: the newest N, so that a client pinging in a loop cannot fill
//! the disk. Runs are not capped; they go with the history's age.

use std::num::NonZeroU32;

/// The newest pings each task keeps.
///
/// Pruning goes in steps of a tenth of the cap: every `step`-th ping deletes what lies beyond
/// the newest `kept`, one delete for many pings. Between two prunes a task holds at most
/// `kept + step - 1` pings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingCap {
    kept: NonZeroU32,
}

impl PingCap {
    /// Healthchecks' default ping log size.
    pub const DEFAULT_KEPT: u32 = 100;
    /// The most a setting may ask for: enough for any ping log a person reads, and a prune
    /// still reads a bounded page of keys.
    pub const MOST_KEPT: u32 = 100_000;

    /// A cap keeping the newest `kept` pings; `None` for zero.
    pub fn new(kept: u32) -> Option<Self> {
        NonZeroU32::new(kept).map(|kept| Self { kept })
    }

    /// How many pings are kept.
    pub fn kept(&self) -> u32 {
        self.kept.get()
    }

    /// How many pings go between two prunes.
    pub fn step(&self) -> u64 {
        u64::from(self.kept.get() / 10).max(1)
    }

    /// The most pings a task holds at any time.
    pub fn most_held(&self) -> u64 {
        u64::from(self.kept.get()) + self.step() - 1
    }

    /// When a task's `pings`-th ping (counted from its creation) is appended: how many of its
    /// newest pings to keep, if this ping prunes.
    pub fn prune_at(&self, pings: u64) -> Option<u32> {
        (pings > u64::from(self.kept.get()) && pings.is_multiple_of(self.step())).then_some(self.kept.get())
    }
}

impl Default for PingCap {
    fn default() -> Self {
        Self { kept: NonZeroU32::new(Self::DEFAULT_KEPT).expect("not zero") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prunes_every_step_once_over_the_cap() {
        // (kept, the task's ping count) → what the ping prunes to
        let cases: &[(u32, u64, Option<u32>)] = &[
            (100, 1, None),
            (100, 100, None),
            (100, 101, None),
            (100, 109, None),
            (100, 110, Some(100)),
            (100, 120, Some(100)),
            (100, 125, None),
            (5, 5, None),
            (5, 6, Some(5)),
            (5, 7, Some(5)),
            (1, 2, Some(1)),
            (1000, 1100, Some(1000)),
            (1000, 1101, None),
        ];
        for &(kept, pings, expected) in cases {
            assert_eq!(PingCap::new(kept).unwrap().prune_at(pings), expected, "kept {kept}, ping {pings}");
        }
    }

    #[test]
    fn holds_at_most_the_cap_and_a_step_less_one() {
        for kept in [1, 5, 10, 100, 1000] {
            let cap = PingCap::new(kept).unwrap();
            let mut held = 0u64;
            let mut most = 0;
            for pings in 1..=5_000u64 {
                held += 1;
                if let Some(keep) = cap.prune_at(pings) {
                    held = held.min(u64::from(keep));
                }
                most = most.max(held);
            }
            assert_eq!(most, cap.most_held(), "kept {kept}");
            assert!(held >= u64::from(kept).min(5_000));
        }
        assert_eq!(PingCap::new(0), None);
        assert_eq!(PingCap::default().kept(), 100);
    }
}
