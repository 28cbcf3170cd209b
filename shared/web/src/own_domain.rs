//! Status pages on their own domain: a request whose `Host` is not the public URL's and names a
//! page's domain is served as that page, so `https://status.example.com/` is
//! `/status/<slug>`, `/history` its history, `/history.rss` its feed. Paths that are already
//! the page's own (`/status/…`), the assets and the Statuspage documents (routed by `Host`
//! in vigil-http) pass unchanged. Which page a host names is kept in memory for a minute, so
//! a crowd on the domain costs no store read.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_app::Deps;
use vigil_domain::status_page::PageDomain;

/// Marks a request that came on a page's own domain, so that the page sets its cookies for the
/// whole domain and sends members to sign in on Vigil's own address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OnOwnDomain;

/// How long the page a host names is trusted.
const KNOWN_FOR: Duration = Duration::from_secs(60);
/// The most hosts remembered; past it, all are forgotten.
const MOST_HOSTS: usize = 1_000;

/// The slug of the page a host named (`None`: no page), and when that was read.
type Named = (Option<String>, Instant);

/// The pages hosts named lately.
#[derive(Clone, Default)]
pub(crate) struct Hosts(Arc<Mutex<HashMap<String, Named>>>);

impl Hosts {
    /// The slug of the page on `domain`, read from the store at most once a minute.
    async fn slug_of(&self, deps: &Deps, domain: &PageDomain) -> Option<String> {
        let remembered = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(domain.as_str()).cloned();
        if let Some((slug, at)) = remembered
            && at.elapsed() < KNOWN_FOR
        {
            return slug;
        }
        // A failed read serves the request as it came (and is not remembered).
        let slug = deps.stores.status_pages.page_by_domain(domain.as_str()).await.ok()?.map(|page| page.slug.to_string());
        let mut hosts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.len() >= MOST_HOSTS {
            hosts.clear();
        }
        hosts.insert(domain.as_str().to_owned(), (slug.clone(), Instant::now()));
        slug
    }
}

/// The path `path` asks for on the page `slug`'s own domain, or `None` if it passes unchanged.
pub(crate) fn page_path(slug: &str, path: &str) -> Option<String> {
    let own = ["/status/", "/assets/", "/api/v2/", "/badges/"];
    if own.iter().any(|prefix| path.starts_with(prefix)) {
        return None;
    }
    Some(if path == "/" { format!("/status/{slug}") } else { format!("/status/{slug}{path}") })
}

/// Rewrites a request to a page's own domain into the page's path, before routing.
pub(crate) async fn route(State((deps, hosts)): State<(Deps, Hosts)>, mut request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let public = deps.settings.public_url.host_str().unwrap_or_default();
    // Every request passes here, pings included: the public host (or none) goes on unparsed.
    let bare = host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(name, _)| name);
    let domain = if host.is_empty() || bare.eq_ignore_ascii_case(public) {
        None
    } else {
        PageDomain::of_host_header(host).filter(|d| !d.as_str().eq_ignore_ascii_case(public))
    };
    let slug = match domain {
        Some(domain) => hosts.slug_of(&deps, &domain).await,
        None => None,
    };
    if slug.is_some() {
        request.extensions_mut().insert(OnOwnDomain);
    }
    if let Some(slug) = slug
        && let Some(path) = page_path(&slug, request.uri().path())
    {
        let target = match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        if let Ok(uri) = target.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::page_path;

    #[test]
    fn the_domains_paths_are_the_pages() {
        let cases = [
            ("/", Some("/status/acme")),
            ("/history", Some("/status/acme/history")),
            ("/history.rss", Some("/status/acme/history.rss")),
            ("/incidents/x", Some("/status/acme/incidents/x")),
            ("/status/acme/unlock", None),
            ("/assets/app.css", None),
            ("/api/v2/summary.json", None),
            ("/badges/t/status.svg", None),
        ];
        for (path, want) in cases {
            assert_eq!(page_path("acme", path).as_deref(), want, "{path}");
        }
    }
}
