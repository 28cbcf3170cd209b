use super::StoreError;
use crate::ids::{DeliveryId, IncidentId, TenantId};
use crate::notify::{AttemptResult, Delivery, DeliveryAttempt, OutboundMessage};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;

/// What enqueueing a delivery did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnqueueOutcome {
    /// Stored and due.
    Enqueued,
    /// A delivery with the same idempotency key exists: nothing was written.
    Duplicate,
}

/// Deliveries and their attempt logs. Enqueueing is a conditional write on the idempotency key
/// (a unique index in SQLite, a conditional put of the key item in DynamoDB, which then sends
/// the delivery id to the notifier queue).
#[async_trait]
pub trait DeliveryLog: Send + Sync {
    /// Stores a new pending delivery unless one with its idempotency key exists.
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError>;

    /// Reads a delivery of `tenant`.
    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError>;

    /// Stores the delivery's state after an attempt, with the attempt's log entry, if its stored
    /// attempt count is still `delivery.attempts - 1` ([`StoreError::Conflict`] otherwise: another
    /// deliverer recorded that attempt). A pending delivery is due again at its
    /// `next_attempt_at`.
    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError>;

    /// An incident's deliveries, oldest first.
    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError>;

    /// A delivery's attempts, oldest first.
    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError>;

    /// Deliveries that failed for good, newest first.
    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError>;
}

/// The due-index of pending deliveries. Deliverers that poll (self-hosted, and the AWS
/// sweeper's safety net) claim what is due in bulk; deliverers driven by one queue message per
/// delivery (the AWS notifier) claim that one delivery.
#[async_trait]
pub trait DeliveryDueIndex: Send + Sync {
    /// Claims up to `limit` pending deliveries due at `now`, earliest first, pushing each one's
    /// due time to `now + lease` so that no other claimer gets it while it is being attempted,
    /// and so that it comes back if the deliverer dies.
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Delivery>, StoreError>;

    /// Claims one delivery as [`DeliveryDueIndex::claim_due`] does, if it is pending and due at
    /// `now`; `None` otherwise (not pending, not yet due, or claimed by another deliverer).
    async fn claim(&self, tenant: TenantId, id: DeliveryId, now: Timestamp, lease: SignedDuration) -> Result<Option<Delivery>, StoreError>;
}

/// Sends rendered messages: HTTP channels, email, SMS.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Sends one message, giving up after `timeout`. Never fails: every outcome is an
    /// [`AttemptResult`], returned with how long the attempt took.
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration);
}
