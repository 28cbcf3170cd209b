//! Deliveries and their attempts ([`DeliveryLog`]), pending ones by due time
//! ([`DeliveryDueIndex`]), and escalation and reminder timers ([`TimerIndex`]).

use super::DynamoStore;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::notify::{Delivery, DeliveryAttempt, Timer};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryDueIndex, DeliveryLog, EnqueueOutcome, StoreError, TimerIndex};

#[async_trait]
impl DeliveryLog for DynamoStore {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        todo!("{delivery:?}")
    }
    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        todo!("{delivery:?}{attempt:?}")
    }
    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        todo!("{tenant}{incident}")
    }
    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        todo!("{tenant}{page:?}")
    }
}

#[async_trait]
impl DeliveryDueIndex for DynamoStore {
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        todo!("{now}{lease}{limit}")
    }
}

#[async_trait]
impl TimerIndex for DynamoStore {
    async fn schedule(&self, timers: &[Timer]) -> Result<(), StoreError> {
        todo!("{timers:?}")
    }
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Timer>, StoreError> {
        todo!("{now}{lease}{limit}")
    }
    async fn complete(&self, claimed: &Timer, next: Option<&Timer>) -> Result<(), StoreError> {
        todo!("{claimed:?}{next:?}")
    }
}
