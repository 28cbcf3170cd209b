//! The operating system's randomness behind the [`RandomSource`] port. It lives here rather
//! than in an adapter crate because every entry point (self-hosted and each Lambda) needs it and
//! it depends on nothing but the OS generator.

use jiff::Timestamp;
use uuid::{Timestamp as UuidTimestamp, Uuid};
use vigil_domain::ports::RandomSource;

/// Randomness from the OS.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemRandom;

impl RandomSource for SystemRandom {
    fn new_id(&self, now: Timestamp) -> Uuid {
        let seconds = now.as_second().max(0) as u64;
        Uuid::new_v7(UuidTimestamp::from_unix_time(seconds, now.subsec_nanosecond().max(0) as u32, 0, 0))
    }

    fn secret_bytes(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        // Without OS randomness no secret can be made safely; there is nothing to fall back to.
        getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
        bytes
    }
}
