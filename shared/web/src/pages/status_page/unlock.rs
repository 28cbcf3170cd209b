//! A protected page's door: the password form (401) or the members-only notice (403), and the
//! password given, which lets the reader in with a cookie for this page alone (its path, or the
//! whole of its own domain).
//!
//! The form carries no CSRF token: the page around it is cached for everyone, and a password
//! given from another site only lets that site's visitor read what they could read anyway.

use super::{Frame, PublicQuery, answer, locale_of, page_at, refusal_key};
use crate::i18n::msg;
use crate::visitor::Visitor;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::status_pages::{Refusal, Unlock, unlock_page};
use vigil_http::browser::{PRIVATE_CACHING, page_access_cookie_header};

/// The door of a protected page.
#[derive(Template)]
#[template(path = "status_page/locked.html")]
struct Locked {
    frame: Frame,
    /// Why the reader is kept out.
    why: String,
    /// Whether the page wants a password (else: members only).
    password: bool,
    /// What was wrong with the password given.
    error: Option<String>,
}

/// How a reader came to a closed door.
pub(super) enum Knock {
    /// Asking for the page.
    First(Refusal),
    /// With a wrong password.
    Wrong,
    /// With too many wrong passwords lately.
    Throttled,
}

/// The door of a page for a reader it refused.
pub(super) fn locked(frame: Frame, knock: Knock) -> Response {
    let (status, refusal, error) = match knock {
        Knock::First(Refusal::Password) => (StatusCode::UNAUTHORIZED, Refusal::Password, None),
        Knock::First(Refusal::Members) => (StatusCode::FORBIDDEN, Refusal::Members, None),
        Knock::Wrong => (StatusCode::UNAUTHORIZED, Refusal::Password, Some(msg("public.locked.wrong"))),
        Knock::Throttled => (StatusCode::TOO_MANY_REQUESTS, Refusal::Password, Some(msg("public.locked.throttled"))),
    };
    let view = Locked {
        why: frame.tr.t(refusal_key(refusal)).to_owned(),
        password: refusal == Refusal::Password,
        error: error.map(|key| frame.tr.t(key).to_owned()),
        frame: Frame { title: frame.name.clone(), ..frame },
    };
    answer(&HeaderMap::new(), PRIVATE_CACHING, status, view.render())
}

/// The password form.
#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// `POST /status/{slug}/unlock`: the right password sets the page's cookie and goes back to
/// the page; a wrong one shows the form again; too many wrong ones from one address wait.
pub(super) async fn submit(
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<PublicQuery>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let page = match page_at(&visitor, &slug).await {
        Ok(page) => page,
        Err(refused) => return refused,
    };
    let frame = Frame::new(&visitor, &page, locale_of(&page, &query), "", None);
    let ip = visitor.origin.ip.clone().unwrap_or_default();
    match unlock_page(&visitor.deps, &page, &form.password, &ip, SystemClock::now()).await {
        Ok(Unlock::Admitted(token)) => {
            let cookie = page_access_cookie_header(&visitor.deps, &frame.cookie_path, &token);
            let location = HeaderValue::from_str(&frame.link("")).unwrap_or_else(|_| HeaderValue::from_static("/"));
            (StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, location)]).into_response()
        }
        Ok(Unlock::Wrong) => locked(frame, Knock::Wrong),
        Ok(Unlock::Throttled) => locked(frame, Knock::Throttled),
        Err(error) => crate::failure::Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error).into_response(),
    }
}
