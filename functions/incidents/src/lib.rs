//! The incidents function: the incident-events queue (subscribed to the events topic) delivers
//! status changes of monitors and heartbeat tasks; each one opens or resolves an incident and
//! enqueues its notifications, which go on to the notifier queue. Handling is idempotent (the
//! store refuses a second incident per subject and a second delivery per transition and
//! channel), so a message that failed is returned as a batch item failure and simply handled
//! again; one that is not an event goes on towards the dead-letter queue.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::LambdaEvent;
use vigil_app::incidents::{HandleEvent, handle_event};
use vigil_app::{Deps, SystemClock};
use vigil_aws::batch_response::batch_failures;
use vigil_aws::events::event_from_sns_envelope;
use vigil_domain::events::DomainEvent;

/// The event in a message body: the event itself with raw message delivery (as infra/
/// subscribes the queue), or inside the SNS envelope without it.
pub fn decode_event(body: &str) -> anyhow::Result<DomainEvent> {
    serde_json::from_str::<DomainEvent>(body).or_else(|_| event_from_sns_envelope(body))
}

/// Handles one SQS batch. Never fails as a whole: every problem is a batch item failure.
pub async fn handle(deps: &Deps, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, std::convert::Infallible> {
    let mut failures = Vec::new();
    let mut handled = 0;
    for message in event.payload.records {
        let id = message.message_id.clone().unwrap_or_default();
        let event = match decode_event(message.body.as_deref().unwrap_or_default()) {
            Ok(event) => event,
            Err(error) => {
                tracing::error!(message_id = %id, %error, "a message on the incident-events queue is not an event; returning it towards the dead-letter queue");
                failures.push(id);
                continue;
            }
        };
        let key = event.idempotency_key();
        match handle_event(deps, HandleEvent { event }, SystemClock::now()).await {
            Ok(outcome) => {
                handled += 1;
                tracing::info!(event = %key, ?outcome, "event handled");
            }
            Err(error) => {
                tracing::error!(message_id = %id, event = %key, %error, "handling an event failed; it will be delivered again");
                failures.push(id);
            }
        }
    }
    tracing::info!(handled, failed = failures.len(), request_id = %event.context.request_id, "incident batch done");
    Ok(batch_failures(failures))
}
