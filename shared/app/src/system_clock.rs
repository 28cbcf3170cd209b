//! The wall clock, read only by entry points (HTTP handlers, schedulers, Lambda handlers) and
//! passed to use cases as `now`.

use jiff::Timestamp;

/// Reads the time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl SystemClock {
    /// The current time at millisecond precision, the precision every store keeps, so that a
    /// value returned before storage equals the value read back after.
    pub fn now() -> Timestamp {
        vigil_domain::time::to_millis(Timestamp::now())
    }
}
