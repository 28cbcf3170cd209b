//! Who is calling: an API key or an access token in `Authorization: Bearer`, or a browser
//! session cookie (with its CSRF token on every state-changing request). The use cases decide
//! what the actor may do; this only finds the actor.

use crate::problem::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use jiff::SignedDuration;
use std::net::SocketAddr;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::accounts::{
    AuthenticateKey, AuthenticateSession, AuthenticateToken, authenticate_key, authenticate_session, authenticate_token,
};
use vigil_domain::access::{Actor, Origin};
use vigil_domain::accounts::{AccessClaims, BrowserSession, SecretToken, User};
use vigil_domain::tenant::ApiKeySecret;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "vigil_session";
/// The header a cookie-authenticated request that changes something must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated actor of a request.
pub(crate) struct Caller(pub Actor);

/// An actor that in-process code (`vigil serve --config`) puts in a request's extensions; a
/// request from the network cannot carry one.
#[derive(Clone, Debug)]
pub struct InProcessActor(pub Actor);

/// Where a request came from: the peer address and its `User-Agent`.
pub(crate) fn origin_of(parts: &Parts) -> Origin {
    let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string());
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|ua| ua.chars().take(200).collect());
    Origin { ip, user_agent }
}

/// Where a request came from, for use cases that record it without an actor (an agent's
/// connection).
pub(crate) struct ClientOrigin(pub Origin);

impl FromRequestParts<Deps> for ClientOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &Deps) -> Result<Self, ApiError> {
        Ok(ClientOrigin(origin_of(parts)))
    }
}

/// The secret in the cookie `name`, if the request carries one.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<SecretToken> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (found, value) = pair.trim().split_once('=')?;
        (found == name && !value.is_empty()).then(|| SecretToken::presented(value))
    })
}

/// The session cookie's secret, if the request carries one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<SecretToken> {
    cookie(headers, SESSION_COOKIE)
}

/// The `Set-Cookie` value that sets the HttpOnly, SameSite=Lax cookie `name` to `secret` for
/// `max_age` (`None` secret: deletes it), Secure when the public URL is https. Without
/// a `path`, the browser scopes it to the directory of the request's URL.
pub(crate) fn cookie_header(
    deps: &Deps,
    name: &str,
    secret: Option<&SecretToken>,
    max_age: SignedDuration,
    path: Option<&str>,
) -> HeaderValue {
    let secure = if deps.settings.public_url.scheme() == "https" { "; Secure" } else { "" };
    let path = path.map(|p| format!("; Path={p}")).unwrap_or_default();
    let (value, max_age) = match secret {
        Some(secret) => (secret.expose(), max_age.as_secs().max(0)),
        None => ("", 0),
    };
    let value = format!("{name}={value}{path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&value).expect("a cookie of URL-safe characters")
}

/// The `Set-Cookie` value that gives a browser its session (`None` secret: ends it).
pub(crate) fn session_cookie_header(deps: &Deps, secret: Option<&SecretToken>) -> HeaderValue {
    cookie_header(deps, SESSION_COOKIE, secret, deps.settings.accounts.sessions.absolute, Some("/"))
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A signed-in browser: the actor, the session, the user and the cookie.
pub(crate) struct SessionCaller {
    pub(crate) actor: Actor,
    pub(crate) session: BrowserSession,
    pub(crate) user: User,
    pub(crate) cookie: SecretToken,
}

impl FromRequestParts<Deps> for SessionCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        let cookie = session_cookie(&parts.headers).ok_or_else(|| ApiError::unauthorized("sign in first: there is no session cookie"))?;
        let cmd = AuthenticateSession { cookie: cookie.clone(), origin: origin_of(parts) };
        let (actor, session, user) = authenticate_session(deps, cmd, SystemClock::now()).await?;
        if changes_state(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), session.csrf.as_bytes()) {
                return Err(ApiError::csrf());
            }
        }
        Ok(SessionCaller { actor, session, user, cookie })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<Deps> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        if let Some(InProcessActor(actor)) = parts.extensions.get::<InProcessActor>() {
            return Ok(Caller(actor.clone()));
        }
        let Some(header) = parts.headers.get(header::AUTHORIZATION) else {
            if session_cookie(&parts.headers).is_some() {
                return SessionCaller::from_request_parts(parts, deps).await.map(|caller| Caller(caller.actor));
            }
            return Err(ApiError::unauthorized("send an API key or an access token as `Authorization: Bearer <key>`"));
        };
        let value = header.to_str().map_err(|_| ApiError::unauthorized("the Authorization header is not text"))?;
        let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
        let credential = credential.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || credential.is_empty() {
            return Err(ApiError::unauthorized("the Authorization header must be `Bearer <key or token>`"));
        }
        let origin = origin_of(parts);
        let now = SystemClock::now();
        let actor = if AccessClaims::looks_like_token(credential) {
            authenticate_token(deps, AuthenticateToken { token: credential.to_owned(), origin }, now).await?
        } else {
            authenticate_key(deps, AuthenticateKey { secret: ApiKeySecret::presented(credential), origin }, now).await?
        };
        Ok(Caller(actor))
    }
}
