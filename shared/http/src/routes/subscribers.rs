//! A page's subscribers as its editors manage them: webhooks added at once (their signing
//! secret shown this once), email addresses added pending their confirmation, listed and
//! removed. Confirmation and unsubscribe tokens are never shown.

use crate::extract::{Caller, JsonBody, QueryParams, StatusPagePath, SubscriberPath};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use vigil_api::PageQuery;
use vigil_app::status_pages::{AddSubscriber, add_subscriber, list_subscribers, remove_subscriber};
use vigil_app::{Deps, SystemClock};
use vigil_domain::ids::{StatusPageId, SubscriberId};
use vigil_domain::status_page::{Subscriber, SubscriberChannel, SubscriberDraft};

/// A subscriber as editors see it; `secret` is the webhook's signing secret, shown when made.
fn subscriber_view(subscriber: &Subscriber, secret: bool) -> Value {
    let mut view = json!({
        "id": subscriber.id,
        "page_id": subscriber.page_id,
        "components": subscriber.components,
        "locale": subscriber.locale.as_str(),
        "confirmed": subscriber.is_confirmed(),
        "created_at": subscriber.created_at,
    });
    match &subscriber.channel {
        SubscriberChannel::Email { address } => {
            view["type"] = json!("email");
            view["email"] = json!(address.to_string());
        }
        SubscriberChannel::Webhook { url, secret: key } => {
            view["type"] = json!("webhook");
            view["url"] = json!(url.as_str());
            view["secret"] = json!(if secret { key.expose() } else { key.masked() });
        }
    }
    view
}

/// Add a subscriber: a webhook (signed the Standard Webhooks way, its secret shown only in
/// this answer) or an email address (mailed a confirmation link; told nothing else until it
/// is followed).
#[utoipa::path(post, path = "/status-pages/{id}/subscribers", tag = "status pages", operation_id = "add_subscriber",
    params(("id" = StatusPageId, Path, description = "The page")),
    request_body = SubscriberDraft,
    responses((status = 201, description = "The subscriber (a webhook's `secret` in full, this once)", body = Object)))]
pub(crate) async fn add(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    JsonBody(draft): JsonBody<SubscriberDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let subscriber = add_subscriber(&deps, AddSubscriber { actor: caller.clone(), page_id: id, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(subscriber_view(&subscriber, true))))
}

/// A page's subscribers, oldest first (webhook secrets masked).
#[utoipa::path(get, path = "/status-pages/{id}/subscribers", tag = "status pages", operation_id = "list_subscribers",
    params(("id" = StatusPageId, Path, description = "The page"), PageQuery),
    responses((status = 200, description = "A page of subscribers", body = Object)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = list_subscribers(&deps, &caller, id, &crate::extract::page(&params)?).await?;
    let items: Vec<Value> = page.items.iter().map(|s| subscriber_view(s, false)).collect();
    Ok(Json(json!({"items": items, "next_cursor": page.next_cursor.map(|c| c.0)})))
}

/// Remove a subscriber: told nothing more.
#[utoipa::path(delete, path = "/status-pages/{id}/subscribers/{subscriber_id}", tag = "status pages", operation_id = "remove_subscriber",
    params(("id" = StatusPageId, Path, description = "The page"), ("subscriber_id" = SubscriberId, Path, description = "The subscriber")),
    responses((status = 204, description = "Removed")))]
pub(crate) async fn remove(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    SubscriberPath(subscriber): SubscriberPath,
) -> Result<StatusCode, ApiError> {
    remove_subscriber(&deps, &caller, id, subscriber, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
