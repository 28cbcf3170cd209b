//! The notifier's queue: one message per delivery attempt that is due. A delivery's id goes to
//! SQS when it is enqueued, again (delayed) when an attempt failed and a retry is due, and to the
//! dead-letter queue when it failed for good.

use super::SqsMessages;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::job::MAX_JOB_DELAY_SECONDS;
use vigil_domain::notify::{Delivery, DeliveryAttempt};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryLog, EnqueueOutcome, StoreError};

/// The body of a notifier-queue message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryMessage {
    /// Owner.
    pub tenant_id: TenantId,
    /// The delivery.
    pub delivery_id: DeliveryId,
}

impl DeliveryMessage {
    /// Parses a message body.
    pub fn decode(body: &str) -> anyhow::Result<Self> {
        serde_json::from_str(body).map_err(|e| anyhow::anyhow!("not a delivery message: {e}"))
    }
}

/// Sends delivery messages.
#[derive(Clone, Debug)]
pub struct DeliveryQueue {
    sqs: SqsMessages,
    queue_url: String,
}

impl DeliveryQueue {
    /// The queue at `queue_url`.
    pub fn new(sqs: SqsMessages, queue_url: impl Into<String>) -> Self {
        Self { sqs, queue_url: queue_url.into() }
    }

    /// Sends `message`, delivered at `due` or, if that is further than SQS can delay (15 min),
    /// at the longest delay (the notifier then sends it on again).
    pub async fn send(&self, message: DeliveryMessage, due: Timestamp, now: Timestamp) -> Result<(), StoreError> {
        let delay = (due - now).as_secs().clamp(0, i64::from(MAX_JOB_DELAY_SECONDS)) as i32;
        let body = serde_json::to_string(&message).map_err(StoreError::backend)?;
        self.sqs.send(&self.queue_url, &body, delay).await.map_err(|e| StoreError::backend(e.context("sending a delivery")))?;
        Ok(())
    }
}

/// A [`DeliveryLog`] that, after storing a new delivery, sends its id to the notifier queue.
/// If that send fails the delivery is still stored and due: the sweeper's pass over overdue
/// deliveries sends it on.
#[derive(Clone)]
pub struct QueuedDeliveryLog {
    log: Arc<dyn DeliveryLog>,
    queue: DeliveryQueue,
}

impl QueuedDeliveryLog {
    /// Stores through `log`, announces on `queue_url`.
    pub fn new(log: Arc<dyn DeliveryLog>, sqs: SqsMessages, queue_url: impl Into<String>) -> Self {
        Self { log, queue: DeliveryQueue::new(sqs, queue_url) }
    }
}

#[async_trait]
impl DeliveryLog for QueuedDeliveryLog {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        let outcome = self.log.enqueue(delivery).await?;
        if outcome == EnqueueOutcome::Enqueued {
            let message = DeliveryMessage { tenant_id: delivery.tenant_id, delivery_id: delivery.id };
            let due = delivery.next_attempt_at.unwrap_or(delivery.created_at);
            if let Err(error) = self.queue.send(message, due, delivery.created_at).await {
                tracing::warn!(%error, delivery = %delivery.id, "a delivery is stored but not queued; the sweeper will queue it");
            }
        }
        Ok(outcome)
    }
    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.log.get(tenant, id).await
    }
    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        self.log.record_attempt(delivery, attempt).await
    }
    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        self.log.for_incident(tenant, incident).await
    }
    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.log.attempts(tenant, id).await
    }
    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        self.log.failed(tenant, page).await
    }
}
