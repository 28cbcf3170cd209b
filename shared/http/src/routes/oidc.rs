//! Sign-in through the OpenID provider: what the sign-in page offers, the start (a redirect to
//! the provider) and the callback (a session cookie and a redirect to where the person was going).

use super::auth::{RequestOrigin, open_session};
use crate::auth::{cookie, cookie_header};
use crate::extract::QueryParams;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use vigil_api::{OidcCallbackQuery, OidcOption, OidcStartQuery, Problem, Providers};
use vigil_app::accounts::{FinishOidc, ProviderAnswer, StartOidc, finish_oidc, sign_in_options, start_oidc};
use vigil_app::{Deps, SystemClock};
use vigil_domain::accounts::SecretToken;

/// The callback's path under the public URL; the redirect URI registered at the provider.
pub const CALLBACK_PATH: &str = "v1/auth/oidc/callback";

/// The cookie that ties a sign-in under way to the browser that started it (its `state`), so
/// that nobody can finish a sign-in of theirs in someone else's browser (login CSRF).
const STATE_COOKIE: &str = "vigil_oidc_state";

/// The sign-in methods a sign-in page offers: whether sign-in through an OpenID provider is,
/// and the name for its button. Needs no credentials.
#[utoipa::path(get, path = "/auth/providers", tag = "accounts", operation_id = "sign_in_providers", security(()),
    responses((status = 200, description = "The sign-in methods", body = Providers)))]
pub(crate) async fn providers(State(deps): State<Deps>) -> Json<Providers> {
    let options = sign_in_options(&deps);
    Json(Providers { oidc: OidcOption { configured: options.oidc.is_some(), name: options.oidc } })
}

/// Start a sign-in through the OpenID provider (for a browser): a redirect to the provider,
/// with a cookie that ties the sign-in to this browser. Needs no credentials.
#[utoipa::path(get, path = "/auth/oidc/start", tag = "accounts", operation_id = "start_oidc", security(()),
    params(OidcStartQuery),
    responses((status = 302, description = "To the provider's authorization page (authorization code with PKCE)",
            headers(("Location" = String, description = "The provider's authorization URL"),
                ("Set-Cookie" = String, description = "`vigil_oidc_state`, for ten minutes"))),
        (status = 400, description = "`return_to` is not a local path (`invalid-input`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No OpenID provider is configured (`oidc-not-configured`)", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn start(State(deps): State<Deps>, QueryParams(query): QueryParams<OidcStartQuery>) -> Result<Response, ApiError> {
    let redirect = start_oidc(&deps, StartOidc { return_to: query.return_to }, SystemClock::now()).await?;
    let location =
        HeaderValue::from_str(redirect.url.as_str()).map_err(|_| ApiError::bad_request("the provider's URL is not a header value"))?;
    let binding = cookie_header(&deps, STATE_COOKIE, Some(&redirect.state), redirect.lifetime, None);
    Ok((StatusCode::FOUND, [(header::LOCATION, location), (header::SET_COOKIE, binding)]).into_response())
}

/// Where the OpenID provider sends the browser back: finishes the sign-in, sets the session
/// cookie and redirects to the path asked for at the start. Needs no credentials (the state
/// cookie of the start ties it to the browser).
#[utoipa::path(get, path = "/auth/oidc/callback", tag = "accounts", operation_id = "finish_oidc", security(()),
    params(OidcCallbackQuery),
    responses((status = 303, description = "Signed in: to the path asked for at the start",
            headers(("Location" = String, description = "The local path"),
                ("Set-Cookie" = String, description = "`vigil_session`, and `vigil_oidc_state` cleared"))),
        (status = 400, description = "No `state` or `code`, or a state that is unknown, spent, expired or of another browser \
            (`oidc-state`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The provider refused (`oidc-provider-refused`) or answered an ID token that is not valid \
            (`oidc-invalid-token`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No verified email (`oidc-email-unverified`), or no organisation lets this person in \
            (`oidc-refused`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No OpenID provider is configured (`oidc-not-configured`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 502, description = "The provider could not be reached (`oidc-provider-unreachable`)", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn callback(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    QueryParams(query): QueryParams<OidcCallbackQuery>,
) -> Result<Response, ApiError> {
    let state = query.state.ok_or_else(|| ApiError::bad_request("the callback needs the `state` the provider was given"))?;
    let answer = match (query.error, query.code) {
        (Some(error), _) => ProviderAnswer::Error { error, description: query.error_description },
        (None, Some(code)) => ProviderAnswer::Code { code, issuer: query.iss },
        (None, None) => return Err(ApiError::bad_request("the callback needs a `code`, or the provider's `error`")),
    };
    let cmd =
        FinishOidc { state: SecretToken::presented(&state), browser_state: cookie(&headers, STATE_COOKIE), answer, origin: origin.clone() };
    let finished = finish_oidc(&deps, cmd, SystemClock::now()).await?;
    let (_, session) = open_session(&deps, finished.signed_in, origin).await?;
    let location =
        HeaderValue::from_str(&finished.return_to).map_err(|_| ApiError::bad_request("the return path is not a header value"))?;
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    response.headers_mut().append(header::SET_COOKIE, session);
    response.headers_mut().append(header::SET_COOKIE, cookie_header(&deps, STATE_COOKIE, None, SignedDuration::ZERO, None));
    Ok(response)
}
