//! EventBridge's `PutEvents` through a [`Caller`] rather than `aws-sdk-eventbridge`, whose
//! client, endpoint rules and serialisers were about 50 KiB of the text of every function that
//! publishes events, for this one call. EventBridge speaks JSON 1.1
//! (`x-amz-target: AWSEvents.PutEvents`).

use super::event_type;
use crate::service_answer::{CallError, ServiceError, json_answer_is_retryable, service_endpoint};
use crate::signed_call::{AWS_JSON_1_1, CallRequest, Caller, Service, Signer};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// The `source` of every event Vigil puts on a bus, for customers' rules to match.
pub const EVENT_SOURCE: &str = "vigil";

/// EventBridge, as its calls are signed, counted and tried again.
static EVENTBRIDGE: Service =
    Service { label: "EventBridge", signing_name: "events", s3_rules: false, retryable: json_answer_is_retryable };

/// The most entries one `PutEvents` takes.
const MAX_ENTRIES: usize = 10;

/// What `PutEvents` takes.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutEvents<'a> {
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Entry<'a> {
    event_bus_name: &'a str,
    source: &'a str,
    detail_type: &'a str,
    detail: String,
}

/// What `PutEvents` answers: an entry for each one sent, in order, with an error code where it
/// was refused.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutEventsAnswer {
    #[serde(default)]
    failed_entry_count: u32,
    #[serde(default)]
    entries: Vec<EntryAnswer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EntryAnswer {
    error_code: Option<String>,
    error_message: Option<String>,
}

/// Puts events on an EventBridge bus, so customers can route them with their own rules:
/// `source` is [`EVENT_SOURCE`], `detail-type` the event type (`monitor_status_changed`, …),
/// `detail` the event's JSON.
#[derive(Clone, Debug)]
pub struct EventBridgePublisher {
    endpoint: String,
    caller: Caller,
    bus: String,
}

impl EventBridgePublisher {
    /// Puts events on the bus named `bus` (a name or an ARN), through EventBridge in `signer`'s
    /// region or an emulator at `endpoint`. Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>, bus: impl Into<String>) -> Self {
        Self { endpoint: service_endpoint("events", &signer.region, endpoint), caller: Caller::new(&EVENTBRIDGE, signer), bus: bus.into() }
    }

    async fn put(&self, events: &[DomainEvent]) -> anyhow::Result<()> {
        let entries = events
            .iter()
            .map(|event| {
                let detail = serde_json::to_string(event).context("an event's JSON")?;
                Ok(Entry { event_bus_name: &self.bus, source: EVENT_SOURCE, detail_type: event_type(event), detail })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let request = CallRequest::aws_json(&self.endpoint, AWS_JSON_1_1, "AWSEvents.PutEvents".into(), &PutEvents { entries })?;
        let answer = self.caller.send("PutEvents", request).await?;
        CallError::unless_success(|| format!("EventBridge PutEvents on {}", self.bus), &answer, ServiceError::of_json)?;
        let answer: PutEventsAnswer = serde_json::from_slice(&answer.body).context("reading what PutEvents answered")?;
        refused_entries(&answer)
    }
}

/// An error listing the entries EventBridge refused, if it refused any.
fn refused_entries(answer: &PutEventsAnswer) -> anyhow::Result<()> {
    if answer.failed_entry_count == 0 {
        return Ok(());
    }
    let reasons: Vec<String> = answer
        .entries
        .iter()
        .filter_map(|e| e.error_code.as_ref().map(|code| format!("{code}: {}", e.error_message.as_deref().unwrap_or("no message"))))
        .collect();
    Err(anyhow!("EventBridge refused {} events: {}", answer.failed_entry_count, reasons.join("; ")))
}

#[async_trait]
impl EventPublisher for EventBridgePublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        for chunk in events.chunks(MAX_ENTRIES) {
            self.put(chunk).await.map_err(|e| StoreError::backend(format!("putting events on EventBridge: {e:#}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_entries_are_named_with_their_reasons() {
        let answer: PutEventsAnswer = serde_json::from_str(
            r#"{"FailedEntryCount":1,"Entries":[{"EventId":"e1"},{"ErrorCode":"InternalFailure","ErrorMessage":"try later"}]}"#,
        )
        .unwrap();
        assert_eq!(refused_entries(&answer).unwrap_err().to_string(), "EventBridge refused 1 events: InternalFailure: try later");
        let accepted: PutEventsAnswer = serde_json::from_str(r#"{"FailedEntryCount":0,"Entries":[{"EventId":"e1"}]}"#).unwrap();
        assert!(refused_entries(&accepted).is_ok());
    }

    #[test]
    fn an_entry_is_sent_as_eventbridge_names_its_fields() {
        let entry = Entry { event_bus_name: "b", source: EVENT_SOURCE, detail_type: "monitor_status_changed", detail: "{}".into() };
        assert_eq!(
            serde_json::to_value(PutEvents { entries: vec![entry] }).unwrap(),
            serde_json::json!({"Entries": [{"EventBusName": "b", "Source": "vigil", "DetailType": "monitor_status_changed", "Detail": "{}"}]})
        );
    }
}
