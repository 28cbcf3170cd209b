//! When the writer thread waits for company before it commits: the rule, apart from the thread
//! that follows it so that tables can test it.
//!
//! Waiting lets writes that arrive close together share one commit and one fsync, which is most
//! of a paced stream's CPU (many clients, each writing now and then). But the same wait is pure
//! loss for a lone writer, whose next write only comes once the last one is answered, and for a
//! closed loop of clients, whose writes queue on their own while the writer works. So the writer
//! waits only while waiting pays:
//! - it waits only in a stream of writes, and only when the queue held no other job: a group
//!   that formed on its own (a closed loop of clients, a burst) is committed at once;
//! - it waits for one companion, at most the window, and stops at the first: a closed loop of a
//!   few clients, whose next writes all come at once, is held back only until the first of them
//!   arrives (waiting on for more cost four such clients half their pings/s, docs/benchmarks.md);
//! - a wait that found nobody was a lone writer's: the writer then commits the next groups
//!   without waiting, twice as many after each such wait (up to [`MOST_SKIPPED`]), before
//!   trying again.

use std::time::Duration;

/// The most groups committed without waiting after waits that found nobody, before the writer
/// tries a wait again: a lone writer loses one window every this many writes.
pub(crate) const MOST_SKIPPED: u32 = 512;

/// The writer's gathering state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gathering {
    window: Duration,
    /// Groups still to commit without waiting.
    skip: u32,
    /// How many groups the next wait that finds nobody skips.
    backoff: u32,
}

impl Gathering {
    /// Waiting up to `window` for company; a zero window never waits.
    pub(crate) fn new(window: Duration) -> Self {
        Self { window, skip: 0, backoff: 1 }
    }

    /// How long to wait for a companion when `queued` jobs were taken from the queue; `None`
    /// commits them at once. `streaming`: writes have been arriving close together.
    pub(crate) fn wait_for(&mut self, queued: usize, streaming: bool) -> Option<Duration> {
        if self.window.is_zero() || !streaming || queued > 1 {
            return None;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return None;
        }
        Some(self.window)
    }

    /// Learns from a wait that [`Gathering::wait_for`] asked for: whether a companion came.
    pub(crate) fn waited(&mut self, found: bool) {
        if found {
            self.backoff = 1;
        } else {
            self.skip = self.backoff;
            self.backoff = (self.backoff * 2).min(MOST_SKIPPED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_millis(2);

    #[test]
    fn when_the_writer_waits() {
        // (window, jobs queued, streaming, the wait)
        let cases = [
            (WINDOW, 1, true, Some(WINDOW)),
            (WINDOW, 1, false, None),
            (WINDOW, 2, true, None),
            (WINDOW, 40, true, None),
            (Duration::ZERO, 1, true, None),
        ];
        for (window, queued, streaming, expected) in cases {
            let mut gathering = Gathering::new(window);
            assert_eq!(gathering.wait_for(queued, streaming), expected, "{window:?} {queued} {streaming}");
        }
    }

    /// The groups committed at once after each of a lone writer's waits, which find nobody.
    fn skipped_after_each_empty_wait(waits: usize) -> Vec<u32> {
        let mut gathering = Gathering::new(WINDOW);
        let mut skipped = Vec::new();
        for _ in 0..waits {
            assert!(gathering.wait_for(1, true).is_some());
            gathering.waited(false);
            let mut count = 0;
            while gathering.wait_for(1, true).is_none() {
                count += 1;
            }
            skipped.push(count);
        }
        skipped
    }

    #[test]
    fn a_lone_writer_waits_ever_more_rarely() {
        assert_eq!(skipped_after_each_empty_wait(11), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512]);
    }

    #[test]
    fn a_wait_that_finds_company_waits_again_next_time() {
        let mut gathering = Gathering::new(WINDOW);
        for _ in 0..5 {
            gathering.wait_for(1, true);
            gathering.waited(false);
            while gathering.wait_for(1, true).is_none() {}
        }
        gathering.waited(true);
        assert_eq!(gathering.wait_for(1, true), Some(WINDOW));
        gathering.waited(false);
        assert_eq!(gathering.wait_for(1, true), None, "the backoff starts again from one group");
        assert!(gathering.wait_for(1, true).is_some());
    }

    #[test]
    fn groups_that_formed_on_their_own_never_wait() {
        let mut gathering = Gathering::new(WINDOW);
        for queued in 2..100 {
            assert_eq!(gathering.wait_for(queued, true), None);
        }
        assert_eq!(gathering.wait_for(1, true), Some(WINDOW), "and they take no turn from the backoff");
    }
}
