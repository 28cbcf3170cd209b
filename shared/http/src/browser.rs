//! What the dashboard (vigil-web) shares with the API about browsers: the session cookie, read
//! and set the same way, and where a request came from.

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use vigil_app::Deps;
use vigil_domain::access::Origin;
use vigil_domain::accounts::SecretToken;

pub use crate::auth::SESSION_COOKIE;
pub use crate::routes::public_pages::{PAGE_ACCESS_COOKIE, PRIVATE_CACHING, PUBLIC_CACHING, cached};

/// How long a reader who gave a page its password is let in without giving it again.
const PAGE_ACCESS_SECONDS: u32 = 30 * 24 * 3600;

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

/// The `Set-Cookie` value that lets a reader into the password page at `page_path` (the page's
/// own path, so that the cookies of several pages do not overwrite each other).
pub fn page_access_cookie_header(deps: &Deps, page_path: &str, token: &str) -> HeaderValue {
    let secure = if deps.settings.public_url.scheme() == "https" { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{PAGE_ACCESS_COOKIE}={token}; Path={page_path}; Max-Age={PAGE_ACCESS_SECONDS}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether a request is a person's browser following a link (it asks for HTML first), rather
/// than a script that wants the API's JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| accept.split(',').next())
        .is_some_and(|first| first.trim().starts_with("text/html"))
}
