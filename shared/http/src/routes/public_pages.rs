//! What status pages serve to anyone: Statuspage-compatible `api/v2` documents read from the
//! page's snapshot, and badges by token. Every answer carries `Cache-Control` and an `ETag` of
//! its bytes, and a matching `If-None-Match` is answered 304, so a CDN or a browser serves the
//! crowd of an outage.

use crate::answer_cache::{AnswerCache, KeptAnswer, etag_of, has_already};
use crate::auth::{cookie, origin_of, session_cookie};
use crate::problem::ApiError;
use axum::Extension;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use vigil_app::accounts::{AuthenticateSession, authenticate_session};
use vigil_app::status_pages::{PageAddress, Reader, Refusal, admit, badge_figures, current_snapshot, find_public_page, links};
use vigil_app::{Deps, SystemClock};
use vigil_domain::status_page::{BadgeKind, PageDomain, StatusPage, StatuspageDocument, feeds};

/// The cookie a password page's readers carry once they gave the password.
pub const PAGE_ACCESS_COOKIE: &str = "vigil_page_access";
/// How long shared caches may serve a public page's answer: short, since a page in an outage
/// changes by the minute, long enough that a crowd costs one request per cache.
pub const PUBLIC_CACHING: &str = "public, max-age=30, stale-while-revalidate=30";
/// Answers of protected pages are for their reader only.
pub const PRIVATE_CACHING: &str = "private, no-cache";

/// Who reads: the signed-in person (for members-only pages) and the page's access cookie.
pub(crate) struct PageReader(pub(crate) Reader);

impl FromRequestParts<Deps> for PageReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        let user = match session_cookie(&parts.headers) {
            Some(cookie) => {
                let cmd = AuthenticateSession { cookie, origin: origin_of(parts) };
                // An expired or unknown session reads as anyone.
                authenticate_session(deps, cmd, SystemClock::now()).await.ok().map(|(_, _, user)| user.id)
            }
            None => None,
        };
        let access_token = cookie(&parts.headers, PAGE_ACCESS_COOKIE).map(|t| t.expose().to_owned());
        Ok(PageReader(Reader { user, access_token }))
    }
}

/// An answer of `bytes` as `content_type`, cached as `caching` says, with an `ETag` of its
/// bytes; 304 when the reader has it already.
pub fn cached(request: &HeaderMap, content_type: &'static str, caching: &'static str, bytes: Vec<u8>) -> Response {
    let etag = etag_of(&bytes);
    let matches = has_already(request, &etag);
    let etag = HeaderValue::from_str(&etag).expect("hex digits and quotes");
    let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, HeaderValue::from_static(caching))];
    if matches {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], Body::from(bytes)).into_response()
}

/// A Statuspage-compatible document of a page: `summary.json`, `status.json`,
/// `components.json`, `incidents.json`, `incidents/unresolved.json` or
/// `scheduled-maintenances/upcoming.json`.
#[utoipa::path(get, path = "/status/{slug}/api/v2/{document}", tag = "status pages", operation_id = "statuspage_document", security(()),
    params(("slug" = String, Path, description = "The page's slug"),
           ("document" = String, Path, description = "`summary.json`, `status.json`, `components.json`, `incidents.json`, `incidents/unresolved.json` or `scheduled-maintenances/upcoming.json`")),
    responses((status = 200, description = "The document, as Atlassian Statuspage's public API shapes it", body = Object, content_type = "application/json"),
              (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
              (status = 401, description = "A password page, and no access cookie"),
              (status = 403, description = "A members-only page, and the reader is not a member"),
              (status = 404, description = "No such page or document")))]
pub(crate) async fn statuspage_document(
    State(deps): State<Deps>,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path((slug, document)): Path<(String, String)>,
    PageReader(reader): PageReader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = StatuspageDocument::at(&document).ok_or_else(|| ApiError::not_found(format!("there is no document {document}")))?;
    let key = format!("{slug}/api/v2/{document}");
    kept_or(&deps, &kept, key, &headers, PageAddress::Slug(slug), &reader, "application/json", |read| {
        serde_json::to_vec(&kind.render(&read.snapshot, &read.url, read.now)).expect("JSON values serialize")
    })
    .await
}

/// The answer kept under `key`, or `render`ed from the snapshot of the page `address` names
/// if `reader` may see it (and kept when anyone may).
#[allow(clippy::too_many_arguments)]
async fn kept_or(
    deps: &Deps,
    kept: &AnswerCache,
    key: String,
    headers: &HeaderMap,
    address: PageAddress,
    reader: &Reader,
    content_type: &'static str,
    render: impl FnOnce(&Readable) -> Vec<u8>,
) -> Result<Response, ApiError> {
    if let Some(answer) = kept.get(&key) {
        return Ok(answer.answer(headers, PUBLIC_CACHING));
    }
    let read = readable(deps, address, reader).await?;
    let body = render(&read);
    if read.caching == PUBLIC_CACHING {
        return Ok(kept.put(key, KeptAnswer::new(content_type, body)).answer(headers, PUBLIC_CACHING));
    }
    Ok(cached(headers, content_type, read.caching, body))
}

/// A page a reader may see, as of its snapshot.
struct Readable {
    snapshot: vigil_domain::status_page::PageSnapshot,
    url: String,
    caching: &'static str,
    now: jiff::Timestamp,
}

/// The page at `slug`, whoever reads.
pub(crate) async fn page_at(deps: &Deps, slug: &str) -> Result<StatusPage, ApiError> {
    page_addressed(deps, &PageAddress::Slug(slug.to_owned())).await
}

/// The page `address` names, whoever reads.
async fn page_addressed(deps: &Deps, address: &PageAddress) -> Result<StatusPage, ApiError> {
    let named = match address {
        PageAddress::Slug(slug) => slug,
        PageAddress::Domain(domain) => domain,
    };
    find_public_page(deps, address).await?.ok_or_else(|| ApiError::not_found(format!("there is no status page {named}")))
}

/// The page at `slug`, if `reader` may see it.
pub(crate) async fn readable_page(deps: &Deps, slug: &str, reader: &Reader) -> Result<StatusPage, ApiError> {
    admitted(deps, &PageAddress::Slug(slug.to_owned()), reader).await
}

/// The page `address` names, if `reader` may see it.
async fn admitted(deps: &Deps, address: &PageAddress, reader: &Reader) -> Result<StatusPage, ApiError> {
    let page = page_addressed(deps, address).await?;
    match admit(deps, &page, reader).await? {
        Ok(()) => Ok(page),
        Err(Refusal::Password) => Err(ApiError::unauthorized("this status page wants its password")),
        Err(Refusal::Members) => Err(ApiError::forbidden("this status page is for members of its organisation")),
    }
}

/// The snapshot of the page `address` names, if `reader` may see it.
async fn readable(deps: &Deps, address: PageAddress, reader: &Reader) -> Result<Readable, ApiError> {
    let page = admitted(deps, &address, reader).await?;
    let now = SystemClock::now();
    let snapshot = current_snapshot(deps, &page, now).await?;
    let url = links::page_url(deps, &page.slug, page.custom_domain.as_ref());
    let caching = if page.access.kind() == "public" { PUBLIC_CACHING } else { PRIVATE_CACHING };
    Ok(Readable { snapshot, url, caching, now })
}

/// The RSS 2.0 feed of a page's incidents and their updates, newest first.
#[utoipa::path(get, path = "/status/{slug}/history.rss", tag = "status pages", operation_id = "status_page_rss", security(()),
    params(("slug" = String, Path, description = "The page's slug")),
    responses((status = 200, description = "The feed", body = String, content_type = "application/rss+xml"),
              (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
              (status = 401, description = "A password page, and no access cookie"),
              (status = 403, description = "A members-only page, and the reader is not a member"),
              (status = 404, description = "No such page")))]
pub(crate) async fn rss(
    State(deps): State<Deps>,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path(slug): Path<String>,
    PageReader(reader): PageReader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = format!("{slug}/history.rss");
    kept_or(&deps, &kept, key, &headers, PageAddress::Slug(slug), &reader, "application/rss+xml; charset=utf-8", |read| {
        feeds::rss(&read.snapshot, &read.url).into_bytes()
    })
    .await
}

/// The Atom feed of a page's incidents and their updates, newest first.
#[utoipa::path(get, path = "/status/{slug}/history.atom", tag = "status pages", operation_id = "status_page_atom", security(()),
    params(("slug" = String, Path, description = "The page's slug")),
    responses((status = 200, description = "The feed", body = String, content_type = "application/atom+xml"),
              (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
              (status = 401, description = "A password page, and no access cookie"),
              (status = 403, description = "A members-only page, and the reader is not a member"),
              (status = 404, description = "No such page")))]
pub(crate) async fn atom(
    State(deps): State<Deps>,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path(slug): Path<String>,
    PageReader(reader): PageReader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = format!("{slug}/history.atom");
    kept_or(&deps, &kept, key, &headers, PageAddress::Slug(slug), &reader, "application/atom+xml; charset=utf-8", |read| {
        feeds::atom(&read.snapshot, &read.url).into_bytes()
    })
    .await
}

/// A badge: `<kind>.svg` or, for Shields.io's endpoint badge, `<kind>.json`; kinds are
/// `status`, `uptime-24h`, `uptime-7d`, `uptime-30d` and `response-time`.
#[utoipa::path(get, path = "/badges/{token}/{file}", tag = "status pages", operation_id = "badge", security(()),
    params(("token" = String, Path, description = "The badge's token"),
           ("file" = String, Path, description = "`<kind>.svg` or `<kind>.json`, kind one of `status`, `uptime-24h`, `uptime-7d`, `uptime-30d`, `response-time`")),
    responses((status = 200, description = "The badge as SVG, or Shields.io endpoint JSON", body = String, content_type = "image/svg+xml"),
              (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
              (status = 404, description = "No such badge or kind")))]
pub(crate) async fn badge(
    State(deps): State<Deps>,
    Path((token, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let unknown = || ApiError::not_found("there is no such badge");
    let (name, format) = file.rsplit_once('.').ok_or_else(unknown)?;
    let kind = BadgeKind::parse(name).ok_or_else(unknown)?;
    let (badge, figures) = badge_figures(&deps, &token, SystemClock::now()).await?.ok_or_else(unknown)?;
    let face = figures.face(kind, badge.label.as_deref());
    match format {
        "svg" => Ok(cached(&headers, "image/svg+xml", PUBLIC_CACHING, face.svg().into_bytes())),
        "json" => Ok(cached(&headers, "application/json", PUBLIC_CACHING, serde_json::to_vec(&face.shields()).expect("JSON serializes"))),
        _ => Err(unknown()),
    }
}

/// The page whose own domain is the request's `Host`.
fn host_address(headers: &HeaderMap) -> Result<PageAddress, ApiError> {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let domain = PageDomain::of_host_header(host).ok_or_else(|| ApiError::not_found("there is no status page on this host"))?;
    Ok(PageAddress::Domain(domain.as_str().to_owned()))
}

/// A Statuspage-compatible document of the page whose own domain is the request's `Host`
/// (behind a reverse proxy or an API Gateway custom domain).
#[utoipa::path(get, path = "/api/v2/{document}", tag = "status pages", operation_id = "statuspage_document_by_host", security(()),
    params(("document" = String, Path, description = "As under `/status/{slug}/api/v2/`")),
    responses((status = 200, description = "The document", body = Object, content_type = "application/json"),
              (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
              (status = 401, description = "A password page, and no access cookie"),
              (status = 403, description = "A members-only page, and the reader is not a member"),
              (status = 404, description = "No page on this host, or no such document")))]
pub(crate) async fn statuspage_document_by_host(
    State(deps): State<Deps>,
    Path(document): Path<String>,
    PageReader(reader): PageReader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = StatuspageDocument::at(&document).ok_or_else(|| ApiError::not_found(format!("there is no document {document}")))?;
    let read = readable(&deps, host_address(&headers)?, &reader).await?;
    let body = serde_json::to_vec(&kind.render(&read.snapshot, &read.url, read.now)).expect("JSON values serialize");
    Ok(cached(&headers, "application/json", read.caching, body))
}
