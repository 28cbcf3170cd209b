use super::StoreError;
use crate::notify::Timer;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

/// The due-index of escalation and reminder timers. A timer's key is (tenant, incident, rule,
/// slot); a rule has at most one timer per slot and incident.
#[async_trait]
pub trait TimerIndex: Send + Sync {
    /// Stores timers, replacing those with the same key.
    async fn schedule(&self, timers: &[Timer]) -> Result<(), StoreError>;

    /// Claims up to `limit` timers due at `now`, earliest first, pushing each one's due time to
    /// `now + lease` so that no other claimer gets it and a crashed one's timer comes back.
    /// Returns the timers as they were before the claim.
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Timer>, StoreError>;

    /// Ends a claimed timer: replaces it with `next`, or deletes it.
    async fn complete(&self, claimed: &Timer, next: Option<&Timer>) -> Result<(), StoreError>;
}
