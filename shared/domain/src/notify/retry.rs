//! When a failed delivery is tried again: exponential backoff up to a cap, a bounded number of
//! attempts, and which answers of a receiver are worth retrying.

use std::time::Duration;

/// The retry schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubled after each further one.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 8 attempts over about 10 minutes: 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, 300 s.
    fn default() -> Self {
        Self { max_attempts: 8, first_delay: Duration::from_secs(5), max_delay: Duration::from_secs(300) }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `attempts_made` attempts failed, or `None` when
    /// no attempt is left.
    pub fn delay_after(&self, attempts_made: u32) -> Option<Duration> {
        if attempts_made == 0 || attempts_made >= self.max_attempts {
            return None;
        }
        let doublings = (attempts_made - 1).min(31);
        Some(self.first_delay.saturating_mul(1u32 << doublings).min(self.max_delay))
    }
}

/// What a receiver's HTTP status means for the delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiverVerdict {
    /// Taken.
    Delivered,
    /// A passing trouble: try again later.
    Retry,
    /// Refused for good (a wrong URL, a revoked hook): retrying would not help.
    GiveUp,
}

impl ReceiverVerdict {
    /// The verdict on status `code`.
    pub fn of_status(code: u16) -> Self {
        match code {
            200..=299 => ReceiverVerdict::Delivered,
            408 | 425 | 429 | 500..=599 => ReceiverVerdict::Retry,
            _ => ReceiverVerdict::GiveUp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_table() {
        let policy = RetryPolicy::default();
        let cases =
            [(0, None), (1, Some(5)), (2, Some(10)), (3, Some(20)), (5, Some(80)), (6, Some(160)), (7, Some(300)), (8, None), (40, None)];
        for (made, wait) in cases {
            assert_eq!(policy.delay_after(made), wait.map(Duration::from_secs), "after {made}");
        }
        let huge = RetryPolicy { max_attempts: 100, first_delay: Duration::from_secs(1), max_delay: Duration::from_secs(60) };
        assert_eq!(huge.delay_after(99), Some(Duration::from_secs(60)), "no overflow, capped");
    }

    #[test]
    fn status_table() {
        use ReceiverVerdict::*;
        let cases = [
            (200, Delivered),
            (204, Delivered),
            (301, GiveUp),
            (400, GiveUp),
            (404, GiveUp),
            (408, Retry),
            (429, Retry),
            (500, Retry),
            (503, Retry),
        ];
        for (code, verdict) in cases {
            assert_eq!(ReceiverVerdict::of_status(code), verdict, "{code}");
        }
    }
}
