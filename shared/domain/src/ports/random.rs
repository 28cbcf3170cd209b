use jiff::Timestamp;
use uuid::Uuid;

/// Randomness, as a port so that tests can make it predictable.
pub trait RandomSource: Send + Sync {
    /// A new time-ordered id (UUIDv7) for something created at `now`.
    fn new_id(&self, now: Timestamp) -> Uuid;

    /// 32 bytes from a cryptographically secure generator.
    fn secret_bytes(&self) -> [u8; 32];
}
