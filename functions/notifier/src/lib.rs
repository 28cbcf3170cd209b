//! The notifier function: the notifications queue delivers one message per delivery that is
//! due. Each message's delivery is claimed (so a duplicate message never sends twice), attempted
//! under the send timeout, and recorded; a retry goes back on the queue delayed until it is due,
//! a delivery that failed for good goes to the dead-letter queue (it is also in the
//! failed-deliveries list). The messages of a batch are attempted at once, so a slow or dead
//! receiver holds up only its own message.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use jiff::{SignedDuration, Timestamp};
use lambda_runtime::LambdaEvent;
use vigil_app::notifications::{Deliver, deliver};
use vigil_app::{Deps, SystemClock};
use vigil_aws::config::NotifierConfig;
use vigil_aws::sqs::{DeliveryMessage, DeliveryQueue, Order, QueueKind, each_message};
use vigil_aws::{AwsClients, wiring};
use vigil_domain::notify::DeliveryStatus;

const DELIVERIES: QueueKind = QueueKind { queue: "notifications", holds: "a delivery message" };

/// What the handler needs.
pub struct Notifier {
    /// The use cases' dependencies.
    pub deps: Deps,
    /// The notifications queue, for retries.
    pub queue: DeliveryQueue,
    /// Its dead-letter queue, for deliveries that failed for good.
    pub dead_letters: DeliveryQueue,
    /// How long a claimed delivery is kept from other deliverers (longer than an attempt).
    pub lease: SignedDuration,
}

/// What became of one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handled {
    /// Attempted; the delivery is now in this status.
    Attempted(DeliveryStatus),
    /// Not due yet: sent on, delayed until it is.
    Postponed,
    /// Nothing to do: delivered or failed already, gone, or claimed by another deliverer.
    Nothing,
}

/// How long a claimed delivery is kept from other deliverers: longer than an attempt's send
/// timeout (10 s), shorter than the function's timeout (60 s). An attempt whose record fails is
/// recorded again for as long as its claim holds.
pub const LEASE: SignedDuration = SignedDuration::from_secs(45);

impl Notifier {
    /// The handler as the function's `main` wires it on `clients`, claiming deliveries for
    /// `lease` ([`LEASE`] in production).
    pub fn wired(clients: &AwsClients, config: &NotifierConfig, lease: SignedDuration) -> anyhow::Result<Self> {
        Ok(Self {
            deps: wiring::notifier_deps(clients, &config.store, lease)?,
            queue: DeliveryQueue::new(clients.sqs_messages(), &config.store.notify_queue_url),
            dead_letters: DeliveryQueue::new(clients.sqs_messages(), &config.dlq_url),
            lease,
        })
    }

    /// Handles one message body.
    pub async fn handle_message(&self, body: &str, now: Timestamp) -> anyhow::Result<Handled> {
        self.handle_delivery(DeliveryMessage::decode(body)?, now).await
    }

    /// Handles one delivery message.
    async fn handle_delivery(&self, message: DeliveryMessage, now: Timestamp) -> anyhow::Result<Handled> {
        let (tenant, id) = (message.tenant_id, message.delivery_id);
        let Some(delivery) = self.deps.stores.delivery_due.claim(tenant, id, now, self.lease).await? else {
            let stored = self.deps.stores.deliveries.get(tenant, id).await?;
            return match stored {
                Some(d) if d.status == DeliveryStatus::Pending && d.next_attempt_at.is_some_and(|due| due > now) => {
                    self.queue.send(message, d.next_attempt_at.unwrap_or(now), now).await?;
                    Ok(Handled::Postponed)
                }
                _ => Ok(Handled::Nothing),
            };
        };
        let recorded = deliver(&self.deps, Deliver { delivery }, now).await?;
        match recorded.status {
            DeliveryStatus::Pending => self.queue.send(message, recorded.next_attempt_at.unwrap_or(now), SystemClock::now()).await?,
            DeliveryStatus::Failed => self.dead_letters.send(message, now, now).await?,
            DeliveryStatus::Delivered => {}
        }
        Ok(Handled::Attempted(recorded.status))
    }

    /// Handles one SQS batch, its messages at once. Never fails as a whole: a message whose
    /// attempt could not be recorded or requeued is a batch item failure and comes back; one
    /// that is not a delivery message goes on towards the dead-letter queue.
    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, std::convert::Infallible> {
        let now = SystemClock::now();
        let processed = each_message(DELIVERIES, &event.payload.records, Order::AtOnce, DeliveryMessage::decode, |message| async move {
            let handled = self.handle_delivery(message, now).await?;
            tracing::info!(?handled, "delivery message handled");
            Ok(())
        })
        .await;
        tracing::info!(failed = processed.failed.len(), request_id = %event.context.request_id, "notification batch done");
        Ok(processed.response())
    }
}
