//! Readers subscribe to a page by email (double opt-in: nothing is sent but the confirmation
//! until they follow its link) and leave in one click from any message.

use super::public_pages::{PageReader, page_at, readable_page};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use vigil_app::status_pages::{Subscribe, confirm_subscription, subscribe, unsubscribe};
use vigil_app::{Deps, SystemClock};
use vigil_domain::accounts::Locale;
use vigil_domain::ids::SubscriberId;

/// A reader's subscription request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubscribeRequest {
    /// The address to tell.
    email: String,
    /// The ids of the components to follow; empty or absent for all.
    #[serde(default)]
    components: Vec<String>,
    /// `en` or `fr`; the page's language when absent.
    #[serde(default)]
    locale: Option<String>,
}

/// The subscriber and token a link carries.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct LinkQuery {
    /// The subscriber.
    #[serde(default)]
    s: Option<String>,
    /// The link's token.
    #[serde(default)]
    t: Option<String>,
}

/// The subscriber and token of a link; a link without them names nobody.
fn link_of(query: &LinkQuery) -> Result<(SubscriberId, &str), ApiError> {
    let nobody = || ApiError::not_found("this link names no subscriber");
    let id = query.s.as_deref().and_then(|s| s.parse().ok()).ok_or_else(nobody)?;
    Ok((id, query.t.as_deref().ok_or_else(nobody)?))
}

/// Subscribe by email: a confirmation link is mailed, and nothing else until it is followed.
/// The answer is the same whether the address was subscribed already or not.
#[utoipa::path(post, path = "/status/{slug}/subscribe", tag = "status pages", operation_id = "subscribe", security(()),
    params(("slug" = String, Path, description = "The page's slug")),
    request_body = SubscribeRequest,
    responses((status = 202, description = "A confirmation link is on its way", body = Object),
              (status = 400, description = "A bad address, component or language"),
              (status = 401, description = "A password page, and no access cookie"),
              (status = 403, description = "A members-only page, and the reader is not a member"),
              (status = 404, description = "No such page")))]
pub(crate) async fn start(
    State(deps): State<Deps>,
    Path(slug): Path<String>,
    PageReader(reader): PageReader,
    JsonBody(request): JsonBody<SubscribeRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let page = readable_page(&deps, &slug, &reader).await?;
    let locale = match request.locale.as_deref() {
        None => page.default_locale,
        Some(tag) => Locale::parse(tag).ok_or_else(|| ApiError::bad_request(format!("`{tag}` is not a language: en or fr")))?,
    };
    let cmd = Subscribe { page, email: request.email, components: request.components, locale };
    subscribe(&deps, cmd, SystemClock::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "confirmation_sent"}))))
}

/// Confirm a subscription: the link of the confirmation mail.
#[utoipa::path(get, path = "/status/{slug}/subscribe/confirm", tag = "status pages", operation_id = "confirm_subscription", security(()),
    params(("slug" = String, Path, description = "The page's slug"), LinkQuery),
    responses((status = 200, description = "Confirmed", body = Object),
              (status = 400, description = "A wrong or expired link"),
              (status = 404, description = "No such page or subscriber")))]
pub(crate) async fn confirm(
    State(deps): State<Deps>,
    Path(slug): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Result<Json<Value>, ApiError> {
    // The link is the credential: its page may be protected.
    let page = page_at(&deps, &slug).await?;
    let (id, token) = link_of(&query)?;
    let subscriber = confirm_subscription(&deps, &page, id, token, SystemClock::now()).await?;
    Ok(Json(json!({"confirmed": subscriber.is_confirmed()})))
}

/// Unsubscribe in one click (GET from a mail's link, POST from a mail client's
/// `List-Unsubscribe-Post`); harmless twice.
#[utoipa::path(method(get, post), path = "/status/{slug}/unsubscribe", tag = "status pages", operation_id = "unsubscribe", security(()),
    params(("slug" = String, Path, description = "The page's slug"), LinkQuery),
    responses((status = 200, description = "Unsubscribed (`removed` is false when it was done already)", body = Object),
              (status = 404, description = "No such page, or a link that is not this subscriber's")))]
pub(crate) async fn leave(
    State(deps): State<Deps>,
    Path(slug): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Result<Json<Value>, ApiError> {
    // The link is the credential: its page may be protected.
    let page = page_at(&deps, &slug).await?;
    let (id, token) = link_of(&query)?;
    let removed = unsubscribe(&deps, &page, id, token).await?;
    Ok(Json(json!({"removed": removed})))
}
