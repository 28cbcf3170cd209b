//! The headers every page and asset is sent with: a Content-Security-Policy that allows no
//! inline script or style and nothing from elsewhere, no framing, no MIME sniffing, and no
//! Referer leaving the site.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The policy: only this origin's scripts, styles, images and fonts; no plugins, no framing,
/// forms posting only here, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Adds the security headers to a response of the dashboard.
pub(crate) async fn headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
