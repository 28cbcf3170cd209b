//! Redirects: where a 3xx leads, with which method, and when to stop following.

use url::Url;
use vigil_domain::monitor::HttpMethod;
use vigil_domain::probe::ProbeRequest;

/// Whether `status` is a redirect that is followed (given a Location).
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The request a redirect leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NextHop {
    pub(crate) url: Url,
    pub(crate) method: HttpMethod,
    /// Whether the request body (and its Content-* headers) goes along.
    pub(crate) keeps_body: bool,
}

/// Why a redirect is not followed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RedirectError {
    #[error("the redirect Location {0:?} is not a valid URL")]
    InvalidLocation(String),
    #[error("the redirect Location is not valid text")]
    UnreadableLocation,
    #[error("redirect to unsupported scheme {0:?} (only http and https are followed)")]
    UnsupportedScheme(String),
    #[error("redirect loop: {0} was already visited")]
    Loop(Url),
    #[error("too many redirects (more than {0})")]
    TooMany(u8),
}

/// Resolves a redirect from `current` (requested with `method`) answered with `status` and
/// `location`, which may be relative. 303 turns anything but HEAD into a bodiless GET; 301 and
/// 302 do so for POST only (what browsers do); 307 and 308 keep method and body.
pub(crate) fn next_hop(current: &Url, method: HttpMethod, status: u16, location: &[u8]) -> Result<NextHop, RedirectError> {
    let location = std::str::from_utf8(location).map_err(|_| RedirectError::UnreadableLocation)?.trim();
    let mut url = current.join(location).map_err(|_| RedirectError::InvalidLocation(location.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RedirectError::UnsupportedScheme(url.scheme().to_owned()));
    }
    if url.host().is_none() {
        return Err(RedirectError::InvalidLocation(location.to_owned()));
    }
    url.set_fragment(None);
    let becomes_get = match status {
        303 => method != HttpMethod::Head,
        301 | 302 => method == HttpMethod::Post,
        _ => false,
    };
    Ok(if becomes_get { NextHop { url, method: HttpMethod::Get, keeps_body: false } } else { NextHop { url, method, keeps_body: true } })
}

/// The URLs visited so far, to stop loops and over-long chains.
#[derive(Debug)]
pub(crate) struct RedirectChain {
    visited: Vec<Url>,
}

impl RedirectChain {
    /// A chain starting at `start`.
    pub(crate) fn new(start: &Url) -> Self {
        let mut start = start.clone();
        start.set_fragment(None);
        RedirectChain { visited: vec![start] }
    }

    /// Records a hop to `next`, returning the number of hops followed.
    pub(crate) fn follow(&mut self, next: &Url) -> Result<u8, RedirectError> {
        if self.visited.contains(next) {
            return Err(RedirectError::Loop(next.clone()));
        }
        let hops = self.visited.len();
        if hops > usize::from(ProbeRequest::MAX_REDIRECTS) {
            return Err(RedirectError::TooMany(ProbeRequest::MAX_REDIRECTS));
        }
        self.visited.push(next.clone());
        Ok(u8::try_from(hops).unwrap_or(u8::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HttpMethod::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn locations_resolve_against_the_current_url() {
        let base = url("https://a.test/dir/page?q=1");
        let cases = [
            ("/root", "https://a.test/root"),
            ("sibling", "https://a.test/dir/sibling"),
            ("../up", "https://a.test/up"),
            ("?q=2", "https://a.test/dir/page?q=2"),
            ("//b.test/x", "https://b.test/x"),
            ("http://c.test:8080/y#frag", "http://c.test:8080/y"),
            ("  /trimmed ", "https://a.test/trimmed"),
            ("/ünï", "https://a.test/%C3%BCn%C3%AF"),
        ];
        for (location, expected) in cases {
            let hop = next_hop(&base, Get, 302, location.as_bytes()).expect(location);
            assert_eq!(hop.url.as_str(), expected, "{location}");
        }
    }

    #[test]
    fn methods_change_like_browsers() {
        let base = url("http://a.test/");
        let cases = [
            (301, Post, Get, false),
            (302, Post, Get, false),
            (303, Post, Get, false),
            (303, Put, Get, false),
            (303, Head, Head, true),
            (301, Put, Put, true),
            (302, Delete, Delete, true),
            (307, Post, Post, true),
            (308, Patch, Patch, true),
            (301, Get, Get, true),
        ];
        for (status, method, expected, keeps_body) in cases {
            let hop = next_hop(&base, method, status, b"/next").expect("valid");
            assert_eq!((hop.method, hop.keeps_body), (expected, keeps_body), "{status} {method}");
        }
    }

    #[test]
    fn bad_locations_are_refused() {
        let base = url("http://a.test/");
        assert_eq!(next_hop(&base, Get, 302, b"ftp://a.test/f"), Err(RedirectError::UnsupportedScheme("ftp".into())));
        assert_eq!(next_hop(&base, Get, 302, b"javascript:alert(1)"), Err(RedirectError::UnsupportedScheme("javascript".into())));
        assert_eq!(next_hop(&base, Get, 302, b"http://[::1"), Err(RedirectError::InvalidLocation("http://[::1".into())));
        assert_eq!(next_hop(&base, Get, 302, b"\xff\xfe"), Err(RedirectError::UnreadableLocation));
    }

    #[test]
    fn only_redirect_statuses_are_followed() {
        for status in [301, 302, 303, 307, 308] {
            assert!(is_redirect(status));
        }
        for status in [200, 300, 304, 305, 306, 400] {
            assert!(!is_redirect(status));
        }
    }

    #[test]
    fn chains_stop_at_loops_and_at_the_limit() {
        let mut chain = RedirectChain::new(&url("http://a.test/#top"));
        assert_eq!(chain.follow(&url("http://a.test/b")), Ok(1));
        assert_eq!(chain.follow(&url("http://a.test/")), Err(RedirectError::Loop(url("http://a.test/"))));

        let mut chain = RedirectChain::new(&url("http://a.test/0"));
        for hop in 1..=ProbeRequest::MAX_REDIRECTS {
            assert_eq!(chain.follow(&url(&format!("http://a.test/{hop}"))), Ok(hop));
        }
        assert_eq!(chain.follow(&url("http://a.test/last")), Err(RedirectError::TooMany(ProbeRequest::MAX_REDIRECTS)));
    }
}
