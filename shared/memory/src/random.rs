//! Ids and secrets that a test can predict.

use jiff::Timestamp;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;
use vigil_domain::ports::RandomSource;

/// Time-ordered ids whose random part counts up, and secrets that differ from call to call in
/// every part:
/// the same calls give the same values in every run.
#[derive(Debug, Default)]
pub struct SequentialRandom {
    next: AtomicU64,
}

impl SequentialRandom {
    /// A source starting at one.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RandomSource for SequentialRandom {
    fn new_id(&self, now: Timestamp) -> Uuid {
        let n = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut bytes = [0u8; 10];
        bytes[2..].copy_from_slice(&n.to_be_bytes());
        uuid::Builder::from_unix_timestamp_millis(now.as_millisecond().max(0) as u64, &bytes).into_uuid()
    }

    fn secret_bytes(&self) -> [u8; 32] {
        let n = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        // The count in every quarter, so that any slice a caller takes (tokens take 16 bytes)
        // differs from call to call.
        let mut bytes = [0u8; 32];
        for (quarter, chunk) in bytes.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&(n ^ ((quarter as u64) << 56)).to_be_bytes());
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_then_by_call_and_secrets_differ() {
        let random = SequentialRandom::new();
        let t = Timestamp::from_millisecond(1_767_225_600_000).unwrap();
        let (a, b) = (random.new_id(t), random.new_id(t));
        assert!(a < b, "same millisecond: in call order");
        assert!(b < random.new_id(t + jiff::SignedDuration::from_millis(1)));
        assert_eq!(a.get_version_num(), 7);
        let (x, y) = (random.secret_bytes(), random.secret_bytes());
        assert_ne!(x[..16], y[..16], "so do any 16 of them");
        assert_ne!(x[16..], y[16..]);
    }
}
