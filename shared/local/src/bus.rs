//! The in-process event bus: what SNS is on AWS. Subscribers get every event published after
//! they subscribed. It also carries the live notices of open pages ([`LiveFeed`]), which have
//! no AWS counterpart: there pages poll.

use async_trait::async_trait;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use vigil_domain::events::DomainEvent;
use vigil_domain::ids::TenantId;
use vigil_domain::ports::{EventPublisher, LiveEvent, LiveFeed, LiveNotice, LiveSubscription, StoreError};

/// Events buffered per slow subscriber before it starts missing them.
const CAPACITY: usize = 4096;

/// A broadcast bus.
#[derive(Clone, Debug)]
pub struct InProcessBus {
    sender: broadcast::Sender<DomainEvent>,
    live: broadcast::Sender<(TenantId, LiveNotice)>,
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0, live: broadcast::channel(CAPACITY).0 }
    }
}

impl InProcessBus {
    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.sender.subscribe()
    }

    /// A new subscription to the live notices.
    pub fn subscribe_live(&self) -> Box<dyn LiveSubscription> {
        LiveFeed::subscribe(self)
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

impl LiveFeed for InProcessBus {
    fn notify(&self, tenant: TenantId, notice: LiveNotice) {
        // Nobody has a page open: nothing to tell.
        let _ = self.live.send((tenant, notice));
    }

    fn subscribe(&self) -> Box<dyn LiveSubscription> {
        Box::new(LiveReceiver(self.live.subscribe()))
    }
}

struct LiveReceiver(broadcast::Receiver<(TenantId, LiveNotice)>);

#[async_trait]
impl LiveSubscription for LiveReceiver {
    async fn next(&mut self) -> Option<LiveEvent> {
        match self.0.recv().await {
            Ok((tenant, notice)) => Some(LiveEvent::Notice(tenant, notice)),
            Err(RecvError::Lagged(_)) => Some(LiveEvent::Missed),
            Err(RecvError::Closed) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use vigil_domain::ids::MonitorId;

    #[tokio::test]
    async fn live_notices_reach_every_subscriber_and_a_laggard_is_told_it_missed_some() {
        let bus = InProcessBus::default();
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        let monitor = MonitorId::from_uuid(Uuid::from_u128(2));
        let (mut first, mut slow) = (bus.subscribe_live(), bus.subscribe_live());
        bus.notify(tenant, LiveNotice::Checked(monitor));
        assert_eq!(first.next().await, Some(LiveEvent::Notice(tenant, LiveNotice::Checked(monitor))));
        for _ in 0..CAPACITY {
            bus.notify(tenant, LiveNotice::Monitor(monitor));
        }
        assert_eq!(slow.next().await, Some(LiveEvent::Missed));
    }
}
