//! Email subscriptions from a page's readers: asked for on the page, confirmed by the link
//! mailed (double opt-in), ended by the link every message carries.

use super::StatusPageError;
use super::links::{confirm_url, page_url, unsubscribe_url};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::accounts::{Locale, SecretToken};
use vigil_domain::ids::{DeliveryId, SubscriberId};
use vigil_domain::notify::{Delivery, Recipient, SubscriberMessage};
use vigil_domain::ports::StoreError;
use vigil_domain::status_page::subscriber::RESEND_AFTER;
use vigil_domain::status_page::{
    Confirmation, NoticeKind, StatusPage, Subscriber, SubscriberChannel, SubscriberDraft, SubscriberNotice, SubscriptionTarget,
};

/// A reader's request to be told of a page's incidents by email.
#[derive(Clone, Debug)]
pub struct Subscribe {
    /// The page (found by its address, its access already granted).
    pub page: StatusPage,
    /// The address.
    pub email: String,
    /// The components to follow; empty for all.
    pub components: Vec<String>,
    /// The reader's language.
    pub locale: Locale,
}

/// Mails the confirmation link of `subscriber` (new `token`) through the delivery path.
pub(crate) async fn send_confirmation(
    deps: &Deps,
    page: &StatusPage,
    subscriber: &Subscriber,
    token: &SecretToken,
    now: Timestamp,
) -> Result<(), StoreError> {
    let url = page_url(deps, &page.slug, page.custom_domain.as_ref());
    let notice = SubscriberNotice {
        kind: NoticeKind::Confirm { link: confirm_url(&url, subscriber.id, token.expose()) },
        page_id: page.id,
        page_name: page.name.clone(),
        page_url: url.clone(),
        locale: subscriber.locale,
        unsubscribe_url: unsubscribe_url(&url, subscriber.id, &subscriber.unsubscribe_token),
    };
    let key = format!("confirm:{}", &token.hash().0[..16]);
    let to = Recipient::Subscriber(SubscriberMessage { subscriber_id: subscriber.id, key, notice });
    deps.stores.deliveries.enqueue(&Delivery::due(DeliveryId::from_uuid(deps.random.new_id(now)), page.tenant_id, to, now)).await?;
    Ok(())
}

/// A pending email subscriber of `page` at `address`, with a new confirmation token.
pub(crate) fn pending(
    deps: &Deps,
    page: &StatusPage,
    target: SubscriptionTarget,
    components: std::collections::BTreeSet<vigil_domain::ids::ComponentId>,
    locale: Locale,
    now: Timestamp,
) -> (Subscriber, SecretToken) {
    let token = SecretToken::from_random(deps.random.secret_bytes());
    let channel = match target {
        SubscriptionTarget::Email(address) => SubscriberChannel::Email { address },
        SubscriptionTarget::Webhook(url) => {
            SubscriberChannel::Webhook { url, secret: vigil_domain::notify::SigningSecret::from_random(deps.random.secret_bytes()) }
        }
    };
    let subscriber = Subscriber {
        id: SubscriberId::from_uuid(deps.random.new_id(now)),
        tenant_id: page.tenant_id,
        page_id: page.id,
        channel,
        components,
        locale,
        confirmation: Confirmation::Pending { token: token.hash(), sent_at: now },
        unsubscribe_token: SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned(),
        created_at: now,
    };
    (subscriber, token)
}

/// Records the request and mails the confirmation link. The answer is the same whether the
/// address was new, pending or confirmed (nobody learns who subscribes); a pending address is
/// mailed again at most every ten minutes, a confirmed one not at all.
#[tracing::instrument(name = "subscribe", skip_all, fields(tenant = %cmd.page.tenant_id, page = %cmd.page.id))]
pub async fn subscribe(deps: &Deps, cmd: Subscribe, now: Timestamp) -> Result<(), StatusPageError> {
    let page = cmd.page;
    let known: Vec<_> = page.components.iter().map(|c| c.id).collect();
    let draft = SubscriberDraft { kind: "email".into(), email: Some(cmd.email), url: None, components: cmd.components, locale: None };
    let subscription = draft.validate(&known)?;
    let SubscriptionTarget::Email(address) = &subscription.target else { unreachable!("an email draft gives an address") };
    match deps.stores.subscribers.subscriber_by_email(page.tenant_id, page.id, address).await? {
        Some(existing) => match &existing.confirmation {
            Confirmation::Confirmed { .. } => Ok(()),
            Confirmation::Pending { sent_at, .. } if *sent_at + RESEND_AFTER > now => Ok(()),
            Confirmation::Pending { .. } => {
                let token = SecretToken::from_random(deps.random.secret_bytes());
                let renewed = Subscriber {
                    components: subscription.components,
                    locale: cmd.locale,
                    confirmation: Confirmation::Pending { token: token.hash(), sent_at: now },
                    ..existing
                };
                deps.stores.subscribers.update_subscriber(&renewed).await?;
                send_confirmation(deps, &page, &renewed, &token, now).await?;
                Ok(())
            }
        },
        None => {
            let (subscriber, token) = pending(deps, &page, subscription.target, subscription.components, cmd.locale, now);
            match deps.stores.subscribers.insert_subscriber(&subscriber).await {
                Ok(()) => {}
                // The same address subscribing twice at once: the other request mails it.
                Err(StoreError::Conflict) => return Ok(()),
                Err(error) => return Err(error.into()),
            }
            send_confirmation(deps, &page, &subscriber, &token, now).await?;
            Ok(())
        }
    }
}

/// Confirms subscriber `id` of `page` with the link's `token`; confirming twice is harmless.
pub async fn confirm_subscription(
    deps: &Deps,
    page: &StatusPage,
    id: SubscriberId,
    token: &str,
    now: Timestamp,
) -> Result<Subscriber, StatusPageError> {
    let subscriber = deps.stores.subscribers.subscriber(page.tenant_id, id).await?.filter(|s| s.page_id == page.id);
    let subscriber = subscriber.ok_or(StatusPageError::NotFound("subscriber"))?;
    let confirmed = subscriber.confirm(&SecretToken::presented(token), now)?;
    if confirmed != subscriber {
        deps.stores.subscribers.update_subscriber(&confirmed).await?;
    }
    Ok(confirmed)
}

/// Ends subscription `id` of `page` with the token every message carries; whether it was there
/// (an unsubscribe link followed twice is harmless).
pub async fn unsubscribe(deps: &Deps, page: &StatusPage, id: SubscriberId, token: &str) -> Result<bool, StatusPageError> {
    match deps.stores.subscribers.subscriber(page.tenant_id, id).await? {
        Some(subscriber) if subscriber.page_id == page.id && subscriber.may_unsubscribe_with(token) => {
            Ok(deps.stores.subscribers.delete_subscriber(page.tenant_id, id).await?)
        }
        Some(_) => Err(StatusPageError::NotFound("subscriber")),
        None => Ok(false),
    }
}
