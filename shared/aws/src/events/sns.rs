use super::event_type;
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// Publishes each event as one SNS message: the event's JSON, with `type`, `tenant_id` and
/// `idempotency_key` message attributes so that subscriptions can filter and consumers dedupe.
#[derive(Clone, Debug)]
pub struct SnsPublisher {
    client: Client,
    topic_arn: String,
}

impl SnsPublisher {
    /// Publishes to `topic_arn`.
    pub fn new(client: Client, topic_arn: impl Into<String>) -> Self {
        Self { client, topic_arn: topic_arn.into() }
    }
}

fn text(value: impl Into<String>) -> Result<MessageAttributeValue, StoreError> {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().map_err(StoreError::backend)
}

#[async_trait]
impl EventPublisher for SnsPublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        // One Publish per event: a check causes at most one, and Publish is billed per message
        // either way.
        for event in events {
            let message = serde_json::to_string(event).map_err(StoreError::backend)?;
            self.client
                .publish()
                .topic_arn(&self.topic_arn)
                .message(message)
                .message_attributes("type", text(event_type(event))?)
                .message_attributes("tenant_id", text(event.tenant_id().to_string())?)
                .message_attributes("idempotency_key", text(event.idempotency_key())?)
                .send()
                .await
                .map_err(|e| StoreError::backend(anyhow!("publishing an event to SNS: {}", crate::sdk_error::describe(&e))))?;
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
