//! A page's subscribers as its editors manage them: webhooks added at once (their signing
//! secret shown this once), email addresses added pending their confirmation, listed and
//! removed. Confirmation and unsubscribe tokens are never shown.

use crate::extract::{Caller, JsonBody, QueryParams, StatusPagePath, SubscriberPath};
use crate::problem::ApiError;
use crate::status_page_views as views;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{Page, PageQuery, Subscriber as SubscriberView};
use vigil_app::status_pages::{AddSubscriber, add_subscriber, list_subscribers, remove_subscriber};
use vigil_app::{Deps, SystemClock};
use vigil_domain::ids::{StatusPageId, SubscriberId};
use vigil_domain::status_page::SubscriberDraft;

/// Add a subscriber: a webhook (signed the Standard Webhooks way, its secret shown only in
/// this answer) or an email address (mailed a confirmation link; told nothing else until it
/// is followed).
#[utoipa::path(post, path = "/status-pages/{id}/subscribers", tag = "status pages", operation_id = "add_subscriber",
    params(("id" = StatusPageId, Path, description = "The page")),
    request_body = SubscriberDraft,
    responses((status = 201, description = "The subscriber (a webhook's `secret` in full, this once)", body = SubscriberView)))]
pub(crate) async fn add(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    JsonBody(draft): JsonBody<SubscriberDraft>,
) -> Result<(StatusCode, Json<SubscriberView>), ApiError> {
    let added = add_subscriber(&deps, AddSubscriber { actor: caller.clone(), page_id: id, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(views::subscriber(&added, true))))
}

/// A page's subscribers, oldest first (webhook secrets masked).
#[utoipa::path(get, path = "/status-pages/{id}/subscribers", tag = "status pages", operation_id = "list_subscribers",
    params(("id" = StatusPageId, Path, description = "The page"), PageQuery),
    responses((status = 200, description = "A page of subscribers", body = Page<SubscriberView>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<SubscriberView>>, ApiError> {
    let listed = list_subscribers(&deps, &caller, id, &crate::extract::page(&params)?).await?;
    Ok(Json(Page {
        items: listed.items.iter().map(|s| views::subscriber(s, false)).collect(),
        next_cursor: listed.next_cursor.map(|c| c.0),
    }))
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
