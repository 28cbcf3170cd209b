use super::StoreError;
use crate::events::DomainEvent;
use async_trait::async_trait;

/// Publishes events to whoever reacts to them (SNS on AWS, an in-process bus self-hosted).
#[async_trait]
pub trait EventPublisher: Send + Sync {
    /// Publishes events; returns once the transport has accepted them.
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError>;
}
