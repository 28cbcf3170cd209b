//! Turning a template into a response, and the redirect that ends every accepted form.

use crate::visitor::Visitor;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// A rendered page, never cached (pages show one person's data).
pub(crate) fn html(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => {
            let mut response = Html(body).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            tracing::error!(%error, "a template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page failed to render; it has been logged").into_response()
        }
    }
}

/// A page for `visitor`, with the pre-sign-in form cookie if one was made.
pub(crate) fn render(visitor: &Visitor, template: &impl Template) -> Response {
    let mut response = html(template);
    if let Some(cookie) = visitor.form_cookie() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// A form shown again with what was refused: 422.
pub(crate) fn refused(visitor: &Visitor, template: &impl Template) -> Response {
    let mut response = render(visitor, template);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// 303 See Other to `location` (after a form: post, redirect, get).
pub(crate) fn see_other(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// An absolute link under the public URL with a token (what a mail would carry).
pub(crate) fn absolute(deps: &vigil_app::Deps, path: &str, token: &str) -> String {
    let mut url = deps.settings.public_url.clone();
    let base = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{base}{path}"));
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}

/// A local path to go back to: only a path on this site (`/x`, not `//host` or `https://`).
pub(crate) fn local_path(candidate: Option<&str>, base: &str) -> String {
    match candidate {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.contains(['\r', '\n']) => {
            path.to_owned()
        }
        _ => format!("{base}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        let cases = [
            (Some("/settings/profile?x=1"), "/settings/profile?x=1"),
            (Some("//evil.example/"), "/prod/"),
            (Some("https://evil.example/"), "/prod/"),
            (Some("/\\evil.example"), "/prod/"),
            (None, "/prod/"),
        ];
        for (candidate, want) in cases {
            assert_eq!(local_path(candidate, "/prod"), want, "{candidate:?}");
        }
    }
}
