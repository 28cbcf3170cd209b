use crate::Deps;
use crate::incidents::timeline_entry;
use jiff::Timestamp;
use std::time::Duration;
use vigil_domain::incident::TimelineEvent;
use vigil_domain::notify::{AttemptResult, ChannelMessage, Delivery, DeliveryStatus, Recipient, SubscriberMessage, render};
use vigil_domain::ports::StoreError;
use vigil_domain::status_page::NoticeKind;

/// Make one attempt at a delivery that is due (claimed from the due-index self-hosted, received
/// from the notifier queue on AWS).
#[derive(Clone, Debug)]
pub struct Deliver {
    /// The delivery as claimed.
    pub delivery: Delivery,
}

/// Why an attempt could not be recorded; the delivery comes back when its claim lapses.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A refusal no retry will change.
fn refused(error: &str) -> (AttemptResult, Duration) {
    (AttemptResult::Rejected { status_code: None, error: error.into(), retryable: false }, Duration::ZERO)
}

/// Renders the message for the delivery's channel (signed, for webhooks) or subscriber, sends
/// it once within the send timeout, and records the attempt: delivered, due again after a
/// backoff, or failed for good after the last attempt (then it is in the failed-deliveries
/// list). An internal incident's timeline records the delivery or the failure. Returns the
/// delivery as recorded.
#[tracing::instrument(name = "deliver", skip_all, fields(tenant = %cmd.delivery.tenant_id, delivery = %cmd.delivery.id, about = %cmd.delivery.about()))]
pub async fn deliver(deps: &Deps, cmd: Deliver, now: Timestamp) -> Result<Delivery, DeliverError> {
    let delivery = cmd.delivery;
    if delivery.status != DeliveryStatus::Pending {
        return Ok(delivery);
    }
    let settings = &deps.settings.notifications;
    let (result, took, channel_name) = match &delivery.to {
        Recipient::Channel(message) => {
            let channel = deps.stores.channels.get(delivery.tenant_id, message.channel_id).await?;
            let (result, took) = match &channel {
                Some(channel) => {
                    let outbound = render(&channel.config, &message.notification, &delivery.id.to_string(), now, &settings.render);
                    deps.notifier.send(&outbound, settings.send_timeout).await
                }
                None => refused("the channel was deleted"),
            };
            (result, took, Some(channel.map(|c| c.name).unwrap_or_else(|| "(deleted)".into())))
        }
        Recipient::Subscriber(message) => {
            let (result, took) = to_subscriber(deps, &delivery, message, now).await?;
            (result, took, None)
        }
    };
    let (next, attempt) = delivery.after_attempt(result, &settings.retry, now, took);
    match deps.stores.deliveries.record_attempt(&next, &attempt).await {
        Ok(()) => {}
        // Another deliverer recorded this attempt first (its claim had lapsed): nothing to add.
        Err(StoreError::Conflict) => return Ok(next),
        Err(error) => return Err(error.into()),
    }
    if let (Recipient::Channel(message), Some(channel_name)) = (&next.to, channel_name) {
        timeline(deps, &next, message, channel_name).await?;
    }
    Ok(next)
}

/// Sends a subscriber's message, if they are still there (and, but for the confirmation
/// itself, confirmed).
async fn to_subscriber(
    deps: &Deps,
    delivery: &Delivery,
    message: &SubscriberMessage,
    now: Timestamp,
) -> Result<(AttemptResult, Duration), StoreError> {
    let Some(subscriber) = deps.stores.subscribers.subscriber(delivery.tenant_id, message.subscriber_id).await? else {
        return Ok(refused("the subscriber unsubscribed"));
    };
    if !subscriber.is_confirmed() && !matches!(message.notice.kind, NoticeKind::Confirm { .. }) {
        return Ok(refused("the subscriber has not confirmed"));
    }
    let outbound = message.notice.render(&subscriber.channel, &delivery.id.to_string(), now);
    Ok(deps.notifier.send(&outbound, deps.settings.notifications.send_timeout).await)
}

/// The internal incident's timeline entry for a delivery settled one way or the other.
async fn timeline(deps: &Deps, next: &Delivery, message: &ChannelMessage, channel_name: String) -> Result<(), StoreError> {
    let event = match next.status {
        DeliveryStatus::Delivered => TimelineEvent::Notified {
            channel_id: message.channel_id,
            channel_name,
            notification: message.notification.kind,
            attempts: next.attempts,
            status_code: next.last_status_code,
        },
        DeliveryStatus::Failed => TimelineEvent::DeliveryFailed {
            channel_id: message.channel_id,
            channel_name,
            notification: message.notification.kind,
            attempts: next.attempts,
            error: next.last_error.clone().unwrap_or_default(),
        },
        DeliveryStatus::Pending => return Ok(()),
    };
    deps.stores.incidents.append(next.tenant_id, &[timeline_entry(deps, message.incident_id, next.updated_at, event)]).await
}
