//! The wait before reconnecting: doubling from one second to a minute, each wait drawn at
//! random between half and all of it so that agents cut off together do not return together.

use std::time::Duration;

/// Reconnection delays.
#[derive(Debug)]
pub struct Backoff {
    first: Duration,
    most: Duration,
    failures: u32,
}

impl Backoff {
    /// Delays from `first`, doubling up to `most`.
    pub fn new(first: Duration, most: Duration) -> Self {
        Self { first, most, failures: 0 }
    }

    /// The longest next wait, before jitter.
    pub fn ceiling(&self) -> Duration {
        self.first.saturating_mul(1u32 << self.failures.min(16)).min(self.most)
    }

    /// The next wait: between half and all of the ceiling, from `random` (any u32).
    pub fn next(&mut self, random: u32) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        ceiling / 2 + ceiling.mul_f64(f64::from(random) / f64::from(u32::MAX) / 2.0)
    }

    /// A link that worked: start again from the first delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Waits the longest from now on (the server refused the credential: retrying fast helps
    /// nobody).
    pub fn give_up_fast_retries(&mut self) {
        self.failures = 16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_with_jitter_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let ceilings: Vec<u64> = (0..8)
            .map(|_| {
                let c = b.ceiling().as_secs();
                let wait = b.next(u32::MAX / 2);
                assert!(wait >= Duration::from_secs(c) / 2 && wait <= Duration::from_secs(c));
                c
            })
            .collect();
        assert_eq!(ceilings, vec![1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(b.next(0), Duration::from_secs(30), "the least is half the ceiling");
        b.reset();
        assert_eq!(b.next(u32::MAX), Duration::from_secs(1));
        b.give_up_fast_retries();
        assert_eq!(b.ceiling(), Duration::from_secs(60));
    }
}
