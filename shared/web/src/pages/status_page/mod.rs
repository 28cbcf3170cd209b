//! Public status pages as people read them: the page (banner, incidents, maintenance,
//! components with their 90-day bars, subscription), the uptime history by month, one
//! incident, and the password form of a protected page. Rendered from the page's snapshot, in
//! the page's language unless the reader picks the other one (`?lang=`), in the page's time
//! zone, with the system's theme: nothing depends on who reads, so a public answer is cached by
//! any CDN with its `ETag`.

mod show;
mod subscription;
mod unlock;
mod view;

use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::visitor::{Visitor, cookie};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::Deserialize;
use std::sync::Arc;
use vigil_app::Deps;
use vigil_app::status_pages::{PageAddress, Reader, Refusal, admit, current_snapshot, find_public_page};
use vigil_domain::accounts::Locale;
use vigil_domain::status_page::{PageSnapshot, StatusPage};
use vigil_http::answer_cache::{AnswerCache, KeptAnswer};
use vigil_http::browser::{PAGE_ACCESS_COOKIE, PRIVATE_CACHING, PUBLIC_CACHING};

/// The routes that read the public pages, and unlock a protected one (their JSON, feeds and
/// badges are vigil-http's).
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/status/{slug}", get(show::page))
        .route("/status/{slug}/history", get(show::history))
        .route("/status/{slug}/incidents/{id}", get(show::incident_page))
        .route("/status/{slug}/unlock", post(unlock::submit))
        .layer(Extension(Arc::new(AnswerCache::default())))
}

/// Subscribing from a page's form. It queues a confirmation mail for the notifier, so on AWS
/// the api function serves it and the status function carries no queue client.
pub(crate) fn subscription_routes() -> Router<Deps> {
    Router::new().route("/status/{slug}/subscription", post(subscription::submit))
}

/// What a public page's address may say besides its path.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PublicQuery {
    /// `en` or `fr`: the reader's pick of language.
    #[serde(default)]
    lang: Option<String>,
    /// The notice of a redirect (a subscription confirmed…).
    #[serde(default)]
    notice: Option<String>,
}

/// The frame of every public page: the page's name, the language switch, and links.
#[derive(Clone)]
pub(crate) struct Frame {
    /// Words, dates and numbers in the page's time zone.
    pub(crate) tr: Tr,
    /// The dashboard's path prefix.
    base: String,
    /// The page's own path: `/status/<slug>` under the prefix.
    pub(crate) root: String,
    /// This page's path below the root (`""`, `/history`, `/incidents/<id>`).
    sub: String,
    /// The page's title.
    pub(crate) name: String,
    /// The title of this view.
    pub(crate) title: String,
    /// Whether search engines are asked not to index it.
    pub(crate) no_index: bool,
    /// The notice of a redirect, in words.
    pub(crate) notice: Option<String>,
    /// Where signing in happens: Vigil's own address, absolute when the reader is on the
    /// page's domain (the session cookie lives on Vigil's host).
    sign_in_at: String,
    /// The path of the page's access cookie: the page's own path, or the whole of its domain.
    pub(crate) cookie_path: String,
}

impl Frame {
    fn new(visitor: &Visitor, page: &StatusPage, locale: Locale, sub: &str, notice: Option<&str>) -> Self {
        let base = crate::visitor::base_of(&visitor.deps);
        let tr = Tr::new(locale, &page.time_zone);
        let notice = notice.and_then(notice_key).map(|key| tr.t(key).to_owned());
        let root = format!("{base}/status/{}", page.slug);
        let (sign_in_at, cookie_path) = if visitor.on_own_domain {
            let public = visitor.deps.settings.public_url.as_str().trim_end_matches('/');
            (format!("{public}/sign-in"), "/".to_owned())
        } else {
            (format!("{base}/sign-in"), root.clone())
        };
        Self {
            sign_in_at,
            cookie_path,
            root,
            base,
            sub: sub.to_owned(),
            name: page.name.clone(),
            title: page.name.clone(),
            no_index: page.no_index,
            notice,
            tr,
        }
    }

    /// A link under the page, in the reader's language.
    pub(crate) fn link(&self, sub: &str) -> String {
        format!("{}{sub}?lang={}", self.root, self.tr.lang())
    }

    /// The page of incident `id`, in the reader's language.
    pub(crate) fn incident_link(&self, id: &str) -> String {
        self.link(&format!("/incidents/{id}"))
    }

    /// A link under the page without the language (feeds and documents).
    pub(crate) fn raw(&self, sub: &str) -> String {
        format!("{}{sub}", self.root)
    }

    /// This view in the language `lang`.
    pub(crate) fn in_language(&self, lang: &str) -> String {
        format!("{}{}?lang={lang}", self.root, self.sub)
    }

    /// The URL of an embedded asset.
    pub(crate) fn asset(&self, name: &str) -> String {
        crate::assets::url(&self.base, name)
    }

    /// The sign-in page, coming back to this view.
    pub(crate) fn sign_in(&self) -> String {
        let next: String = url::form_urlencoded::byte_serialize(format!("{}{}", self.root, self.sub).as_bytes()).collect();
        format!("{}?next={next}", self.sign_in_at)
    }
}

/// The message key of a notice a redirect names; only these are shown.
fn notice_key(name: &str) -> Option<&'static str> {
    Some(match name {
        "subscription-sent" => msg("public.notice.subscription_sent"),
        "subscription-confirmed" => msg("public.notice.subscription_confirmed"),
        "unsubscribed" => msg("public.notice.unsubscribed"),
        "bad-link" => msg("public.notice.bad_link"),
        _ => return None,
    })
}

/// A page a reader was let into, as of its snapshot.
pub(crate) struct Opened {
    /// The page.
    pub(crate) page: StatusPage,
    /// What readers see.
    pub(crate) snapshot: PageSnapshot,
    /// Its frame.
    pub(crate) frame: Frame,
    /// How the answer may be cached.
    pub(crate) caching: &'static str,
}

/// The language a reader reads `page` in.
fn locale_of(page: &StatusPage, query: &PublicQuery) -> Locale {
    query.lang.as_deref().and_then(Locale::parse).unwrap_or(page.default_locale)
}

/// The page at `slug` (404 without one).
async fn page_at(visitor: &Visitor, slug: &str) -> Result<StatusPage, Response> {
    match find_public_page(&visitor.deps, &PageAddress::Slug(slug.to_owned())).await {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Err(Failure::not_found(visitor).into_response()),
        Err(error) => Err(Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error).into_response()),
    }
}

/// The page at `slug` as `visitor` may read it, or the answer that says why not: 404, the
/// password form (401), or the members-only notice (403).
async fn open(visitor: &Visitor, headers: &HeaderMap, slug: &str, sub: &str, query: &PublicQuery) -> Result<Opened, Response> {
    let page = page_at(visitor, slug).await?;
    let frame = Frame::new(visitor, &page, locale_of(&page, query), sub, query.notice.as_deref());
    let reader =
        Reader { user: visitor.member.as_ref().map(|m| m.user.id), access_token: cookie(headers, PAGE_ACCESS_COOKIE).map(str::to_owned) };
    let internal = |error: &dyn std::fmt::Display| Failure::internal(&visitor.tr, visitor.theme, &visitor.base, error).into_response();
    match admit(&visitor.deps, &page, &reader).await {
        Ok(Ok(())) => {}
        Ok(Err(refusal)) => return Err(unlock::locked(frame, unlock::Knock::First(refusal))),
        Err(error) => return Err(internal(&error)),
    }
    let snapshot = current_snapshot(&visitor.deps, &page, vigil_app::SystemClock::now()).await.map_err(|e| internal(&e))?;
    // A notice is one reader's; a protected page is its readers' only.
    let caching = if page.access.kind() == "public" && frame.notice.is_none() { PUBLIC_CACHING } else { PRIVATE_CACHING };
    Ok(Opened { page, snapshot, frame, caching })
}

/// The answer kept for view `sub` of the page at `slug` in the language the query asks for,
/// or the view `render`ed (`None`: there is no such thing on the page) for a reader let in,
/// kept when anyone may read it.
pub(crate) async fn kept_or(
    visitor: &Visitor,
    kept: &AnswerCache,
    headers: &HeaderMap,
    (slug, sub): (&str, &str),
    query: &PublicQuery,
    render: impl FnOnce(Opened) -> Option<Result<String, askama::Error>>,
) -> Response {
    // A notice is one reader's: never kept, never served from what was kept.
    let lang = query.lang.as_deref().and_then(Locale::parse).map_or("", |l| l.as_str());
    let key = query.notice.is_none().then(|| format!("{slug}{sub}?{lang}"));
    if let Some(answer) = key.as_deref().and_then(|key| kept.get(key)) {
        return answer.answer(headers, PUBLIC_CACHING);
    }
    let opened = match open(visitor, headers, slug, sub, query).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let caching = opened.caching;
    match (render(opened), key) {
        (None, _) => Failure::not_found(visitor).into_response(),
        (Some(Ok(body)), Some(key)) if caching == PUBLIC_CACHING => {
            kept.put(key, KeptAnswer::new("text/html; charset=utf-8", body.into_bytes())).answer(headers, PUBLIC_CACHING)
        }
        (Some(rendered), _) => answer(headers, caching, StatusCode::OK, rendered),
    }
}

/// A rendered public view: cached as `caching` says, with an `ETag` (304 when unchanged).
fn answer(headers: &HeaderMap, caching: &'static str, status: StatusCode, rendered: Result<String, askama::Error>) -> Response {
    match rendered {
        Ok(body) if status == StatusCode::OK => {
            vigil_http::browser::cached(headers, "text/html; charset=utf-8", caching, body.into_bytes())
        }
        Ok(body) => {
            let content_type = HeaderValue::from_static("text/html; charset=utf-8");
            let no_store = HeaderValue::from_static("no-store");
            (status, [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, no_store)], body).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "a status page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "the page failed to render; it has been logged").into_response()
        }
    }
}

/// Why a reader is kept out, as the locked page says it.
fn refusal_key(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::Password => msg("public.locked.password"),
        Refusal::Members => msg("public.locked.members"),
    }
}
