use super::event_type;
use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// The `source` of every event Vigil puts on a bus, for customers' rules to match.
pub const EVENT_SOURCE: &str = "vigil";

/// Puts events on an EventBridge bus, so customers can route them with their own rules:
/// `source` is [`EVENT_SOURCE`], `detail-type` the event type (`monitor_status_changed`, …),
/// `detail` the event's JSON.
#[derive(Clone, Debug)]
pub struct EventBridgePublisher {
    client: Client,
    bus: String,
}

impl EventBridgePublisher {
    /// Puts events on the bus named `bus` (a name or an ARN).
    pub fn new(client: Client, bus: impl Into<String>) -> Self {
        Self { client, bus: bus.into() }
    }
}

#[async_trait]
impl EventPublisher for EventBridgePublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        // PutEvents takes at most 10 entries.
        for chunk in events.chunks(10) {
            let entries = chunk
                .iter()
                .map(|event| {
                    Ok(PutEventsRequestEntry::builder()
                        .event_bus_name(&self.bus)
                        .source(EVENT_SOURCE)
                        .detail_type(event_type(event))
                        .detail(serde_json::to_string(event).map_err(StoreError::backend)?)
                        .build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let output = self
                .client
                .put_events()
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| StoreError::backend(anyhow!("putting events on EventBridge: {}", crate::sdk_error::describe(&e))))?;
            if output.failed_entry_count > 0 {
                let reasons: Vec<String> = output
                    .entries()
                    .iter()
                    .filter_map(|e| e.error_message().map(|m| format!("{}: {m}", e.error_code().unwrap_or("?"))))
                    .collect();
                return Err(StoreError::backend(anyhow!(
                    "EventBridge refused {} events: {}",
                    output.failed_entry_count,
                    reasons.join("; ")
                )));
            }
        }
        Ok(())
    }
}
