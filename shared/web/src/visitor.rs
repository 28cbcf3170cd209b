//! Who is looking at a page: a signed-in member (found by the session cookie) or a visitor, in
//! which language, time zone and theme; and the form a page posts, checked against its CSRF
//! token before anything else is read.

use crate::failure::Failure;
use crate::i18n::{LANGUAGE_COOKIE, Tr, from_accept_language};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::de::DeserializeOwned;
use vigil_app::accounts::{AuthError, AuthenticateSession, authenticate_session};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::{Actor, Origin};
use vigil_domain::accounts::{BrowserSession, Locale, SecretToken, User};
use vigil_http::browser::{origin_of, session_cookie};

/// The cookie of the theme switch.
pub(crate) const THEME_COOKIE: &str = "vigil_theme";
/// The cookie holding the CSRF token of forms shown before anyone signs in.
pub(crate) const FORM_COOKIE: &str = "vigil_form";
/// The most bytes of a posted form read.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The theme a visitor chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Theme {
    /// As the system prefers (`prefers-color-scheme`).
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The cookie's (and the `data-theme` attribute's) value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// A theme by name.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        [Theme::Auto, Theme::Light, Theme::Dark].into_iter().find(|t| t.as_str() == value)
    }
}

/// A signed-in member.
pub(crate) struct Member {
    /// Who acts, in the session's organisation.
    pub(crate) actor: Actor,
    /// The session.
    pub(crate) session: BrowserSession,
    /// The account.
    pub(crate) user: User,
    /// The session cookie's secret.
    pub(crate) cookie: SecretToken,
}

/// Whoever asks for a page.
pub(crate) struct Visitor {
    /// The use cases' dependencies.
    pub(crate) deps: Deps,
    /// Their language and time zone.
    pub(crate) tr: Tr,
    /// Their theme.
    pub(crate) theme: Theme,
    /// The path the dashboard lives under (empty at the root of the host; `/prod` behind an API
    /// Gateway stage).
    pub(crate) base: String,
    /// This page's path and query, to come back to after a switch.
    pub(crate) here: String,
    /// The member, when signed in.
    pub(crate) member: Option<Member>,
    /// Where the request came from (for the audit log and sign-in throttling).
    pub(crate) origin: Origin,
    /// Whether they came on a status page's own domain.
    pub(crate) on_own_domain: bool,
    form_token: String,
    /// A form token made for this visitor, to be set as a cookie with the page.
    pub(crate) new_form_token: bool,
}

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (found, value) = pair.trim().split_once('=')?;
        (found == name && !value.is_empty()).then_some(value)
    })
}

/// The dashboard's path prefix from the public URL.
pub(crate) fn base_of(deps: &Deps) -> String {
    deps.settings.public_url.path().trim_end_matches('/').to_owned()
}

impl Visitor {
    /// The signed-in member, or a redirect to the sign-in page that comes back here.
    pub(crate) fn member(&self) -> Result<&Member, Failure> {
        self.member.as_ref().ok_or_else(|| Failure::sign_in(&self.base, &self.here))
    }

    /// The CSRF token the page's forms carry: the session's, or the pre-sign-in cookie's.
    pub(crate) fn csrf(&self) -> &str {
        self.member.as_ref().map_or(self.form_token.as_str(), |m| m.session.csrf.as_str())
    }

    /// The `Set-Cookie` of a new pre-sign-in form token, if one was made.
    pub(crate) fn form_cookie(&self) -> Option<HeaderValue> {
        self.new_form_token.then(|| {
            let secure = if self.deps.settings.public_url.scheme() == "https" { "; Secure" } else { "" };
            let path = if self.base.is_empty() { "/" } else { self.base.as_str() };
            HeaderValue::from_str(&format!("{FORM_COOKIE}={}; Path={path}; HttpOnly; SameSite=Strict{secure}", self.form_token))
                .expect("a token of URL-safe characters")
        })
    }

    /// A cookie set by a preference switch: a year, readable by no script.
    pub(crate) fn preference_cookie(&self, name: &str, value: &str) -> HeaderValue {
        let secure = if self.deps.settings.public_url.scheme() == "https" { "; Secure" } else { "" };
        let path = if self.base.is_empty() { "/" } else { self.base.as_str() };
        HeaderValue::from_str(&format!("{name}={value}; Path={path}; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}"))
            .expect("a preference of plain characters")
    }

    /// A path under the dashboard.
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl FromRequestParts<Deps> for Visitor {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, Failure> {
        let base = base_of(deps);
        let member = match session_cookie(&parts.headers) {
            Some(cookie) => {
                let cmd = AuthenticateSession { cookie: cookie.clone(), origin: origin_of(parts) };
                match authenticate_session(deps, cmd, SystemClock::now()).await {
                    Ok((actor, session, user)) => Some(Member { actor, session, user, cookie }),
                    Err(AuthError::Store(error)) => {
                        let tr = Tr::new(Locale::En, "UTC");
                        return Err(Failure::internal(&tr, Theme::Auto, &base, &error));
                    }
                    // An ended session, or a membership gone: the visitor signs in again.
                    Err(_) => None,
                }
            }
            None => None,
        };
        let locale = match &member {
            Some(member) => member.user.locale,
            None => cookie(&parts.headers, LANGUAGE_COOKIE)
                .and_then(Locale::parse)
                .or_else(|| parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(from_accept_language))
                .unwrap_or_default(),
        };
        let zone = member.as_ref().map_or("UTC", |m| m.user.time_zone.as_str());
        let theme = cookie(&parts.headers, THEME_COOKIE).and_then(Theme::parse).unwrap_or(Theme::Auto);
        let (form_token, new_form_token) = match cookie(&parts.headers, FORM_COOKIE) {
            Some(token) if token.len() >= 20 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
                (token.to_owned(), false)
            }
            _ => (SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned(), true),
        };
        let here = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        Ok(Visitor {
            deps: deps.clone(),
            tr: Tr::new(locale, zone),
            theme,
            base: base.clone(),
            here: format!("{base}{here}"),
            member,
            origin: origin_of(parts),
            on_own_domain: parts.extensions.get::<crate::own_domain::OnOwnDomain>().is_some(),
            form_token,
            new_form_token,
        })
    }
}

/// A posted form whose CSRF token matched, and who posted it.
pub(crate) struct Posted<T> {
    /// Who posted.
    pub(crate) visitor: Visitor,
    /// The form's fields.
    pub(crate) form: T,
}

impl<T: DeserializeOwned> FromRequest<Deps> for Posted<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, deps: &Deps) -> Result<Self, Failure> {
        let (mut parts, body) = request.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, deps).await?;
        let request = Request::from_parts(parts, body);
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| Failure::bad_form(&visitor, crate::i18n::msg("form.too_large")))?;
        check_csrf(&visitor, &bytes)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|error| {
            tracing::info!(%error, "a form did not parse");
            Failure::bad_form(&visitor, crate::i18n::msg("form.malformed"))
        })?;
        Ok(Posted { visitor, form })
    }
}

fn check_csrf(visitor: &Visitor, body: &Bytes) -> Result<(), Failure> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let sent = pairs.iter().find(|(name, _)| name == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    let expected = visitor.csrf();
    let same = sent.len() == expected.len() && sent.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(Failure::csrf(visitor)) }
}
