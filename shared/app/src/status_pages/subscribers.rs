//! Editors' side of subscribers: adding a webhook (confirmed at once, its signing secret shown
//! once) or an email address (which still confirms by the link mailed), listing, removing.

use super::StatusPageError;
use super::stored::page_for;
use super::subscribe::{pending, send_confirmation};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{StatusPageId, SubscriberId};
use vigil_domain::notify::InvalidInput;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;
use vigil_domain::status_page::{Confirmation, Subscriber, SubscriberDraft, SubscriptionTarget};

/// Add a subscriber to a page.
#[derive(Clone, Debug)]
pub struct AddSubscriber {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
    /// What the editor sent.
    pub draft: SubscriberDraft,
}

/// Adds the subscriber: a webhook at once, an email address once it confirms. Returns it (a
/// webhook's secret is in it, to show this once).
#[tracing::instrument(name = "add_subscriber", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn add_subscriber(deps: &Deps, cmd: AddSubscriber, now: Timestamp) -> Result<Subscriber, StatusPageError> {
    let page = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let known: Vec<_> = page.components.iter().map(|c| c.id).collect();
    let subscription = cmd.draft.validate(&known)?;
    let webhook = matches!(subscription.target, SubscriptionTarget::Webhook(_));
    let locale = subscription.locale.unwrap_or(page.default_locale);
    let (mut subscriber, token) = pending(deps, &page, subscription.target, subscription.components, locale, now);
    if webhook {
        subscriber.confirmation = Confirmation::Confirmed { at: now };
    }
    match deps.stores.subscribers.insert_subscriber(&subscriber).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(InvalidInput::field("email", "already subscribes to this page").into()),
        Err(error) => return Err(error.into()),
    }
    if !webhook {
        send_confirmation(deps, &page, &subscriber, &token, now).await?;
    }
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "subscriber.create",
        "subscriber",
        subscriber.id,
        Some(&page.name),
        serde_json::Value::Null,
        serde_json::json!({"page": page.id, "type": if webhook { "webhook" } else { "email" }}),
        now,
    )
    .await?;
    Ok(subscriber)
}

/// A page's subscribers, oldest first.
pub async fn list_subscribers(
    deps: &Deps,
    actor: &Actor,
    page_id: StatusPageId,
    request: &PageRequest,
) -> Result<Page<Subscriber>, StatusPageError> {
    let page = page_for(deps, actor, page_id, Action::Read).await?;
    Ok(deps.stores.subscribers.subscribers(page.tenant_id, page.id, request).await?)
}

/// Removes a subscriber.
pub async fn remove_subscriber(
    deps: &Deps,
    actor: &Actor,
    page_id: StatusPageId,
    id: SubscriberId,
    now: Timestamp,
) -> Result<(), StatusPageError> {
    let page = page_for(deps, actor, page_id, Action::EditStatusPages).await?;
    match deps.stores.subscribers.subscriber(page.tenant_id, id).await? {
        Some(subscriber) if subscriber.page_id == page.id => {
            deps.stores.subscribers.delete_subscriber(page.tenant_id, id).await?;
        }
        _ => return Err(StatusPageError::NotFound("subscriber")),
    }
    crate::accounts::audit_trail::changed(
        deps,
        actor,
        "subscriber.delete",
        "subscriber",
        id,
        Some(&page.name),
        serde_json::json!({"page": page.id}),
        serde_json::Value::Null,
        now,
    )
    .await?;
    Ok(())
}
