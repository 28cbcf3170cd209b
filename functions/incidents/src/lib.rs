//! The incidents function: the incident-events queue (subscribed to the events topic) delivers
//! status changes of monitors and heartbeat tasks; each one opens or resolves an incident and
//! enqueues its notifications, which go on to the notifier queue. Handling is idempotent (the
//! store refuses a second incident per subject and a second delivery per transition and
//! channel), so a message that failed is returned as a batch item failure and simply handled
//! again; one that is not an event goes on towards the dead-letter queue.

use anyhow::Context;
use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use vigil_app::incidents::{HandleEvent, handle_event};
use vigil_app::{Deps, SystemClock};
use vigil_aws::events::event_from_sns_envelope;
use vigil_aws::sqs::{Order, QueueKind, each_message};
use vigil_domain::events::DomainEvent;

/// The event in a message body: the event itself with raw message delivery (as infra/
/// subscribes the queue), or inside the SNS envelope without it.
pub fn decode_event(body: &str) -> anyhow::Result<DomainEvent> {
    serde_json::from_str::<DomainEvent>(body).or_else(|_| event_from_sns_envelope(body))
}

const INCIDENT_EVENTS: QueueKind = QueueKind { queue: "incident-events", holds: "an event" };

/// Handles one SQS batch, in turn (a subject's Down before its Up). Never fails as a whole:
/// every problem is a batch item failure.
pub async fn handle(deps: &Deps, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let processed = each_message(INCIDENT_EVENTS, &event.payload.records, Order::InTurn, decode_event, |event| async move {
        let key = event.idempotency_key();
        let outcome =
            handle_event(deps, HandleEvent { event }, SystemClock::now()).await.with_context(|| format!("handling event {key}"))?;
        tracing::info!(event = %key, ?outcome, "event handled");
        Ok(())
    })
    .await;
    let failed = processed.failed.len();
    tracing::info!(handled = processed.messages - failed, failed, request_id = %event.context.request_id, "incident batch done");
    Ok(processed.response())
}
