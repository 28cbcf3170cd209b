//! The operating system's randomness behind the [`RandomSource`] port. It lives here rather
//! than in an adapter crate because every entry point (self-hosted and each Lambda) needs it and
//! it depends on nothing but the OS generator.

use jiff::Timestamp;
use std::cmp::Ordering;
use std::sync::Mutex;
use uuid::{Builder, Uuid};
use vigil_domain::ports::RandomSource;

/// Randomness from the OS.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemRandom;

/// The newest millisecond an id was made for in this process, and the counter it carried.
static NEWEST: Mutex<(i64, u16)> = Mutex::new((i64::MIN, 0));

/// The 12 bits of a version 7 id after its millisecond (`rand_a`).
const COUNTER_MAX: u16 = 0x0fff;

impl RandomSource for SystemRandom {
    /// A version 7 id of `now`'s millisecond. The ids this process makes for its newest
    /// millisecond increase (RFC 9562 6.2: a counter in `rand_a`, seeded at random under half its
    /// range each millisecond), so lists ordered by id, such as a task's runs, keep the order
    /// things happened in when a script pings in a loop. An id always carries `now`'s own
    /// millisecond: an older `now` (a request that started earlier) gets a random id of its time.
    fn new_id(&self, now: Timestamp) -> Uuid {
        let millis = now.as_millisecond().max(0);
        let random = Uuid::new_v4().into_bytes();
        let seed = u16::from_be_bytes([random[0], random[1]]) & (COUNTER_MAX >> 1);
        let mut newest = NEWEST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let counter = match millis.cmp(&newest.0) {
            Ordering::Greater => {
                *newest = (millis, seed);
                seed
            }
            Ordering::Equal if newest.1 < COUNTER_MAX => {
                newest.1 += 1;
                newest.1
            }
            // Older than the newest millisecond, or its counter full: random, leaving the
            // newest millisecond's sequence as it is.
            _ => seed,
        };
        drop(newest);
        id_of(millis, counter, &random)
    }

    fn secret_bytes(&self) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        // Without OS randomness no secret can be made safely; there is nothing to fall back to.
        getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
        bytes
    }
}

/// The version 7 id of `millis` with `counter` in `rand_a` and the end of `random` after it.
fn id_of(millis: i64, counter: u16, random: &[u8; 16]) -> Uuid {
    let rest: &[u8; 10] = random[6..].try_into().expect("ten bytes");
    let mut bytes = Builder::from_unix_timestamp_millis(millis as u64, rest).into_uuid().into_bytes();
    bytes[6] = 0x70 | (counter >> 8) as u8;
    bytes[7] = counter as u8;
    Uuid::from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis_of(id: Uuid) -> u64 {
        let (seconds, nanos) = id.get_timestamp().expect("a version 7 id").to_unix();
        seconds * 1000 + u64::from(nanos) / 1_000_000
    }

    #[test]
    fn ids_of_the_newest_millisecond_increase_and_every_id_carries_its_own_millisecond() {
        // Far in the future, so that no other test of this process makes a newer id meanwhile.
        let now = Timestamp::from_millisecond(4_102_444_800_123).unwrap();
        // The counter starts under 2048 and holds 4096 values: 2000 ids stay in order.
        let ids: Vec<Uuid> = (0..2000).map(|_| SystemRandom.new_id(now)).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "ids of one millisecond increase");
        assert!(ids.iter().all(|id| id.get_version_num() == 7 && millis_of(*id) == 4_102_444_800_123));
        let earlier = SystemRandom.new_id(Timestamp::from_millisecond(4_102_444_800_000).unwrap());
        assert_eq!(millis_of(earlier), 4_102_444_800_000, "an older `now` keeps its own time");
        assert!(SystemRandom.new_id(now) > ids[1999], "and leaves the newest millisecond's sequence be");
        let later = SystemRandom.new_id(Timestamp::from_millisecond(4_102_444_800_124).unwrap());
        assert!(later > ids[1999] && earlier < ids[0]);
    }
}
