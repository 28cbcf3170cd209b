use async_trait::async_trait;
use std::sync::Arc;
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// Publishes every event to each of several publishers (SNS for Vigil's own consumers, an
/// EventBridge bus for customers). Every publisher is tried even if one fails; the first failure
/// is returned, so the caller logs it and a redelivered check publishes again (consumers dedupe).
#[derive(Clone)]
pub struct FanOutPublisher {
    targets: Vec<Arc<dyn EventPublisher>>,
}

impl FanOutPublisher {
    /// Publishes to each of `targets`.
    pub fn new(targets: Vec<Arc<dyn EventPublisher>>) -> Self {
        Self { targets }
    }
}

#[async_trait]
impl EventPublisher for FanOutPublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        let mut first_error = None;
        for target in &self.targets {
            if let Err(error) = target.publish(events).await {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
