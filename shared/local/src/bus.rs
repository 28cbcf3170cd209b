//! The in-process event bus: what SNS is on AWS. Subscribers get every event published after
//! they subscribed.

use async_trait::async_trait;
use tokio::sync::broadcast;
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// Events buffered per slow subscriber before it starts missing them.
const CAPACITY: usize = 4096;

/// A broadcast bus.
#[derive(Clone, Debug)]
pub struct InProcessBus {
    sender: broadcast::Sender<DomainEvent>,
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }
}

impl InProcessBus {
    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.sender.subscribe()
    }
}

#[async_trait]
impl EventPublisher for InProcessBus {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        for event in events {
            tracing::info!(event = %serde_json::to_string(event).unwrap_or_default(), "event");
            // No subscriber is not an error: nobody is listening yet.
            let _ = self.sender.send(event.clone());
        }
        Ok(())
    }
}
