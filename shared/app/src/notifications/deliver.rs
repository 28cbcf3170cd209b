use crate::Deps;
use crate::incidents::timeline_entry;
use jiff::Timestamp;
use std::time::Duration;
use vigil_domain::incident::TimelineEvent;
use vigil_domain::notify::{AttemptResult, Delivery, DeliveryStatus, render};
use vigil_domain::ports::StoreError;

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

/// Renders the message for the delivery's channel (signed, for webhooks), sends it once within
/// the send timeout, and records the attempt: delivered, due again after a backoff, or failed
/// for good after the last attempt (then it is in the failed-deliveries list). The incident's
/// timeline records the delivery or the failure. Returns the delivery as recorded.
#[tracing::instrument(name = "deliver", skip_all, fields(tenant = %cmd.delivery.tenant_id, delivery = %cmd.delivery.id, incident = %cmd.delivery.incident_id))]
pub async fn deliver(deps: &Deps, cmd: Deliver, now: Timestamp) -> Result<Delivery, DeliverError> {
    let delivery = cmd.delivery;
    if delivery.status != DeliveryStatus::Pending {
        return Ok(delivery);
    }
    let settings = &deps.settings.notifications;
    let channel = deps.stores.channels.get(delivery.tenant_id, delivery.channel_id).await?;
    let (result, took) = match &channel {
        Some(channel) => {
            let message = render(&channel.config, &delivery.notification, &delivery.id.to_string(), now, &settings.render);
            deps.notifier.send(&message, settings.send_timeout).await
        }
        None => (AttemptResult::Rejected { status_code: None, error: "the channel was deleted".into(), retryable: false }, Duration::ZERO),
    };
    let (next, attempt) = delivery.after_attempt(result, &settings.retry, now, took);
    match deps.stores.deliveries.record_attempt(&next, &attempt).await {
        Ok(()) => {}
        // Another deliverer recorded this attempt first (its claim had lapsed): nothing to add.
        Err(StoreError::Conflict) => return Ok(next),
        Err(error) => return Err(error.into()),
    }
    let channel_name = channel.map(|c| c.name).unwrap_or_else(|| "(deleted)".into());
    let event = match next.status {
        DeliveryStatus::Delivered => Some(TimelineEvent::Notified {
            channel_id: next.channel_id,
            channel_name,
            notification: next.notification.kind,
            attempts: next.attempts,
            status_code: next.last_status_code,
        }),
        DeliveryStatus::Failed => Some(TimelineEvent::DeliveryFailed {
            channel_id: next.channel_id,
            channel_name,
            notification: next.notification.kind,
            attempts: next.attempts,
            error: next.last_error.clone().unwrap_or_default(),
        }),
        DeliveryStatus::Pending => None,
    };
    if let Some(event) = event {
        let at = next.updated_at;
        deps.stores.incidents.append(next.tenant_id, &[timeline_entry(deps, next.incident_id, at, event)]).await?;
    }
    Ok(next)
}
