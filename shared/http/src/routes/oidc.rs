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
use serde::{Deserialize, Serialize};
use vigil_app::accounts::{FinishOidc, ProviderAnswer, StartOidc, finish_oidc, sign_in_options, start_oidc};
use vigil_app::{Deps, SystemClock};
use vigil_domain::accounts::SecretToken;

/// The callback's path under the public URL; the redirect URI registered at the provider.
pub const CALLBACK_PATH: &str = "v1/auth/oidc/callback";

/// The cookie that ties a sign-in under way to the browser that started it (its `state`), so
/// that nobody can finish a sign-in of theirs in someone else's browser (login CSRF).
const STATE_COOKIE: &str = "vigil_oidc_state";

#[derive(Debug, Serialize)]
pub(crate) struct ProvidersBody {
    oidc: OidcOption,
}

#[derive(Debug, Serialize)]
struct OidcOption {
    configured: bool,
    name: Option<String>,
}

/// `GET /v1/auth/providers`: whether sign-in through an OpenID provider is offered, and the
/// name for its button.
pub(crate) async fn providers(State(deps): State<Deps>) -> Json<ProvidersBody> {
    let options = sign_in_options(&deps);
    Json(ProvidersBody { oidc: OidcOption { configured: options.oidc.is_some(), name: options.oidc } })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartQuery {
    return_to: Option<String>,
}

/// `GET /v1/auth/oidc/start?return_to=/path`: 302 to the provider.
pub(crate) async fn start(State(deps): State<Deps>, QueryParams(query): QueryParams<StartQuery>) -> Result<Response, ApiError> {
    let redirect = start_oidc(&deps, StartOidc { return_to: query.return_to }, SystemClock::now()).await?;
    let location =
        HeaderValue::from_str(redirect.url.as_str()).map_err(|_| ApiError::bad_request("the provider's URL is not a header value"))?;
    let binding = cookie_header(&deps, STATE_COOKIE, Some(&redirect.state), redirect.lifetime, None);
    Ok((StatusCode::FOUND, [(header::LOCATION, location), (header::SET_COOKIE, binding)]).into_response())
}

/// What the provider sends the browser back with (providers add more, such as `session_state`).
#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /v1/auth/oidc/callback?code&state`: finishes the sign-in, sets the session cookie and
/// answers 303 to the path asked for at the start.
pub(crate) async fn callback(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    QueryParams(query): QueryParams<CallbackQuery>,
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
