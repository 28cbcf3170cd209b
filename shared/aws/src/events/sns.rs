use super::event_type;
use crate::sns::{Recipient, SnsMessages};
use anyhow::Context;
use async_trait::async_trait;
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// Publishes each event as one SNS message: the event's JSON, with `type`, `tenant_id` and
/// `idempotency_key` message attributes so that subscriptions can filter and consumers dedupe.
#[derive(Clone, Debug)]
pub struct SnsPublisher {
    sns: SnsMessages,
    topic_arn: String,
}

impl SnsPublisher {
    /// Publishes to `topic_arn`.
    pub fn new(sns: SnsMessages, topic_arn: impl Into<String>) -> Self {
        Self { sns, topic_arn: topic_arn.into() }
    }
}

#[async_trait]
impl EventPublisher for SnsPublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        // One Publish per event: a check causes at most one, and Publish is billed per message
        // either way.
        for event in events {
            let message = serde_json::to_string(event).map_err(StoreError::backend)?;
            let (tenant, key) = (event.tenant_id().to_string(), event.idempotency_key());
            let attributes = [("type", event_type(event)), ("tenant_id", tenant.as_str()), ("idempotency_key", key.as_str())];
            self.sns
                .publish(Recipient::Topic(&self.topic_arn), &message, &attributes)
                .await
                .map_err(|e| StoreError::backend(format!("publishing an event: {e:#}")))?;
        }
        Ok(())
    }
}

/// The event inside an SNS notification envelope, as an SQS queue subscribed to the topic
/// receives it (without raw message delivery).
pub fn event_from_sns_envelope(body: &str) -> anyhow::Result<DomainEvent> {
    let envelope: serde_json::Value = serde_json::from_str(body).context("the message is not JSON")?;
    let message = envelope.get("Message").and_then(|m| m.as_str()).context("the message is not an SNS notification (no `Message`)")?;
    serde_json::from_str(message).context("the notification does not hold a Vigil event")
}
