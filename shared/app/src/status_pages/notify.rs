//! Telling subscribers of a public incident's update: one delivery per confirmed subscriber who
//! follows a component the incident touches, keyed by the update so that posting twice (a
//! retried request, a redelivered event) sends once, through the same delivery path as every
//! notification (retries, the failed list, the dead-letter queue on AWS).

use super::links::{incident_url, page_url, unsubscribe_url};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::DeliveryId;
use vigil_domain::notify::{Delivery, Recipient, SubscriberMessage};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{EnqueueOutcome, StoreError};
use vigil_domain::status_page::{NoticeComponent, NoticeKind, PublicIncident, PublicUpdate, StatusPage, SubscriberNotice};

/// Enqueues `update` of `incident` to the page's subscribers, if it notifies; returns how many
/// deliveries were new.
pub(crate) async fn notify_subscribers(
    deps: &Deps,
    page: &StatusPage,
    incident: &PublicIncident,
    update: &PublicUpdate,
    now: Timestamp,
) -> Result<usize, StoreError> {
    if !update.notify {
        return Ok(0);
    }
    let url = page_url(deps, &page.slug, page.custom_domain.as_ref());
    let touched = incident.components();
    let components: Vec<NoticeComponent> = update
        .impacts
        .iter()
        .filter_map(|(id, status)| page.component(*id).map(|c| NoticeComponent { name: c.name.clone(), status: *status }))
        .collect();
    let mut sent = 0;
    let mut request = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    loop {
        let batch = deps.stores.subscribers.subscribers(page.tenant_id, page.id, &request).await?;
        for subscriber in batch.items.iter().filter(|s| s.is_confirmed() && s.follows(&touched)) {
            let notice = SubscriberNotice {
                kind: NoticeKind::Update {
                    incident_id: incident.id,
                    update_id: update.id,
                    name: incident.name.clone(),
                    status: update.status,
                    impact: incident.impact(),
                    body: update.body.clone(),
                    components: components.clone(),
                    url: incident_url(&url, incident.id),
                    at: update.at,
                    created_at: incident.created_at,
                },
                page_id: page.id,
                page_name: page.name.clone(),
                page_url: url.clone(),
                locale: subscriber.locale,
                unsubscribe_url: unsubscribe_url(&url, subscriber.id, &subscriber.unsubscribe_token),
            };
            let to =
                Recipient::Subscriber(SubscriberMessage { subscriber_id: subscriber.id, key: format!("update:{}", update.id), notice });
            let delivery = Delivery::due(DeliveryId::from_uuid(deps.random.new_id(now)), page.tenant_id, to, now);
            if deps.stores.deliveries.enqueue(&delivery).await? == EnqueueOutcome::Enqueued {
                sent += 1;
            }
        }
        match batch.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => return Ok(sent),
        }
    }
}
