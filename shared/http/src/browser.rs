//! What the dashboard (vigil-web) shares with the API about browsers: the session cookie, read
//! and set the same way, and where a request came from.

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use vigil_app::Deps;
use vigil_domain::access::Origin;
use vigil_domain::accounts::SecretToken;

pub use crate::auth::SESSION_COOKIE;

/// The session cookie's secret, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<SecretToken> {
    crate::auth::session_cookie(headers)
}

/// The `Set-Cookie` value that gives a browser its session (`None` secret: ends it).
pub fn session_cookie_header(deps: &Deps, secret: Option<&SecretToken>) -> HeaderValue {
    crate::auth::session_cookie_header(deps, secret)
}

/// The peer address and `User-Agent` of a request, for the audit log and throttling.
pub fn origin_of(parts: &Parts) -> Origin {
    crate::auth::origin_of(parts)
}
