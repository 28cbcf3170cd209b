//! Readers subscribe to a page by email (double opt-in: nothing is sent but the confirmation
//! until they follow its link) and leave in one click from any message.

use super::public_pages::{PageReader, page_at, readable_page};
use crate::browser::wants_html;
use crate::extract::JsonBody;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
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

/// Confirm a subscription: the link of the confirmation mail. A browser following it is sent
/// on to the page, which says what happened.
#[utoipa::path(get, path = "/status/{slug}/subscribe/confirm", tag = "status pages", operation_id = "confirm_subscription", security(()),
    params(("slug" = String, Path, description = "The page's slug"), LinkQuery),
    responses((status = 200, description = "Confirmed", body = Object),
              (status = 303, description = "A browser (`Accept: text/html`): on to the page, with a notice of what happened"),
              (status = 400, description = "A wrong or expired link"),
              (status = 404, description = "No such page or subscriber")))]
pub(crate) async fn confirm(
    State(deps): State<Deps>,
    Path(slug): Path<String>,
    Query(query): Query<LinkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // The link is the credential: its page may be protected.
    let page = page_at(&deps, &slug).await?;
    let confirmed = match link_of(&query) {
        Ok((id, token)) => confirm_subscription(&deps, &page, id, token, SystemClock::now()).await.map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match (wants_html(&headers), confirmed) {
        (false, confirmed) => Ok(Json(json!({"confirmed": confirmed?.is_confirmed()})).into_response()),
        (true, Ok(_)) => Ok(to_page(&deps, &slug, "subscription-confirmed")),
        (true, Err(_)) => Ok(to_page(&deps, &slug, "bad-link")),
    }
}

/// 303 to the page at `slug`, with `notice`.
fn to_page(deps: &Deps, slug: &str, notice: &str) -> Response {
    let base = deps.settings.public_url.path().trim_end_matches('/');
    let location = format!("{base}/status/{slug}?notice={notice}");
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Unsubscribe in one click (GET from a mail's link, POST from a mail client's
/// `List-Unsubscribe-Post`); harmless twice. A browser following the link is sent on to the
/// page, which says what happened.
#[utoipa::path(method(get, post), path = "/status/{slug}/unsubscribe", tag = "status pages", operation_id = "unsubscribe", security(()),
    params(("slug" = String, Path, description = "The page's slug"), LinkQuery),
    responses((status = 200, description = "Unsubscribed (`removed` is false when it was done already)", body = Object),
              (status = 303, description = "A browser (`Accept: text/html`): on to the page, with a notice of what happened"),
              (status = 404, description = "No such page, or a link that is not this subscriber's")))]
pub(crate) async fn leave(
    State(deps): State<Deps>,
    Path(slug): Path<String>,
    Query(query): Query<LinkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // The link is the credential: its page may be protected.
    let page = page_at(&deps, &slug).await?;
    let removed = match link_of(&query) {
        Ok((id, token)) => unsubscribe(&deps, &page, id, token).await.map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match (wants_html(&headers), removed) {
        (false, removed) => Ok(Json(json!({"removed": removed?})).into_response()),
        (true, Ok(_)) => Ok(to_page(&deps, &slug, "unsubscribed")),
        (true, Err(_)) => Ok(to_page(&deps, &slug, "bad-link")),
    }
}
