//! The HTTP request of one hop.

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Uri};
use http_body_util::Full;
use url::{Position, Url};
use vigil_domain::monitor::HttpMethod;

use crate::failure::Failure;

/// One request of a check: the first, or one a redirect led to.
#[derive(Clone, Debug)]
pub(crate) struct Hop {
    pub(crate) url: Url,
    pub(crate) method: HttpMethod,
    pub(crate) body: Option<Bytes>,
    /// Authorization, Cookie and Proxy-Authorization go only to the origin the monitor names,
    /// never to wherever a redirect points.
    pub(crate) send_credentials: bool,
    /// The monitor's Content-* headers describe its body; they go only while the body does.
    pub(crate) send_content_headers: bool,
}

impl Hop {
    /// The first hop of a check.
    pub(crate) fn first(url: Url, method: HttpMethod, body: Option<Bytes>) -> Self {
        Hop { url, method, body, send_credentials: true, send_content_headers: true }
    }
}

/// Builds the request for `hop` with the monitor's `headers`. A header the prober cannot
/// send is a [`Failure::Prober`]: the monitor was accepted, so the fault is not the target's.
pub(crate) fn build(hop: &Hop, headers: &[(String, String)], user_agent: &HeaderValue) -> Result<Request<Full<Bytes>>, Failure> {
    let target = &hop.url[Position::BeforePath..Position::AfterQuery];
    let uri = Uri::try_from(target).map_err(|_| Failure::prober(format!("cannot send a request for the path {target:?}")))?;
    let host = host_header(&hop.url)?;

    let mut request = Request::new(Full::new(hop.body.clone().unwrap_or_default()));
    *request.method_mut() = method(hop.method);
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Failure::prober(format!("cannot send the header {name:?}: it is not a valid header name")))?;
        if is_managed(&name)
            || (!hop.send_credentials && is_credential(&name))
            || (!hop.send_content_headers && name.as_str().starts_with("content-"))
        {
            continue;
        }
        // from_bytes, not from_str: obs-text (bytes >= 0x80) is legal in a value.
        let value = HeaderValue::from_bytes(value.as_bytes())
            .map_err(|_| Failure::prober(format!("cannot send the header {name}: its value is not valid")))?;
        map.append(name, value);
    }
    map.insert(header::HOST, host);
    if !map.contains_key(header::USER_AGENT) {
        map.insert(header::USER_AGENT, user_agent.clone());
    }
    if !map.contains_key(header::ACCEPT) {
        map.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
    }
    // The body cap counts raw bytes on the wire; ask for them uncompressed.
    if !map.contains_key(header::ACCEPT_ENCODING) {
        map.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    }
    map.insert(header::CONNECTION, HeaderValue::from_static("close"));
    match &hop.body {
        Some(body) => {
            map.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        // Some servers answer a bodiless POST without a length with 411.
        None if matches!(hop.method, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch) => {
            map.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        None => {}
    }
    Ok(request)
}

fn method(method: HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
    }
}

/// `host[:port]`, the port only when it is not the scheme's default.
fn host_header(url: &Url) -> Result<HeaderValue, Failure> {
    let host = url.host_str().ok_or_else(|| Failure::prober(format!("the URL {url} has no host")))?;
    let value = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    HeaderValue::try_from(value).map_err(|_| Failure::prober(format!("cannot send {host} as the Host header")))
}

/// Headers the prober sets itself; the domain refuses them in monitors, and a duplicate would
/// break framing, so any that get here are ignored.
fn is_managed(name: &HeaderName) -> bool {
    [header::HOST, header::CONTENT_LENGTH, header::TRANSFER_ENCODING, header::CONNECTION, header::UPGRADE, header::TE, header::TRAILER]
        .contains(name)
}

fn is_credential(name: &HeaderName) -> bool {
    [header::AUTHORIZATION, header::COOKIE, header::PROXY_AUTHORIZATION].contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ua() -> HeaderValue {
        HeaderValue::from_static("Vigil-test")
    }

    fn hop(url: &str, method: HttpMethod, body: Option<&'static str>) -> Hop {
        Hop::first(Url::parse(url).expect("test URL"), method, body.map(|b| Bytes::from_static(b.as_bytes())))
    }

    fn header<'a>(request: &'a Request<Full<Bytes>>, name: &str) -> Option<&'a str> {
        request.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn defaults_are_set() {
        let request = build(&hop("http://a.test:8080/p/q?x=1#frag", HttpMethod::Get, None), &[], &ua()).expect("builds");
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "/p/q?x=1");
        assert_eq!(header(&request, "host"), Some("a.test:8080"));
        assert_eq!(header(&request, "user-agent"), Some("Vigil-test"));
        assert_eq!(header(&request, "accept"), Some("*/*"));
        assert_eq!(header(&request, "accept-encoding"), Some("identity"));
        assert_eq!(header(&request, "connection"), Some("close"));
        assert_eq!(header(&request, "content-length"), None);
    }

    #[test]
    fn monitor_headers_win_except_managed_ones() {
        let headers = [
            ("User-Agent".to_owned(), "mine".to_owned()),
            ("Accept".to_owned(), "application/json".to_owned()),
            ("X-Token".to_owned(), "t\u{e9}".to_owned()),
            ("Host".to_owned(), "evil.test".to_owned()),
            ("Connection".to_owned(), "keep-alive".to_owned()),
        ];
        let request = build(&hop("https://[::1]/", HttpMethod::Post, Some("hello")), &headers, &ua()).expect("builds");
        assert_eq!(header(&request, "user-agent"), Some("mine"));
        assert_eq!(header(&request, "accept"), Some("application/json"));
        assert_eq!(request.headers().get("x-token").map(|v| v.as_bytes()), Some("t\u{e9}".as_bytes()));
        assert_eq!(header(&request, "host"), Some("[::1]"));
        assert_eq!(header(&request, "connection"), Some("close"));
        assert_eq!(header(&request, "content-length"), Some("5"));
    }

    #[test]
    fn bodiless_writes_send_a_zero_length() {
        let request = build(&hop("http://a.test/", HttpMethod::Put, None), &[], &ua()).expect("builds");
        assert_eq!(header(&request, "content-length"), Some("0"));
    }

    #[test]
    fn credentials_and_content_headers_stay_behind_when_told() {
        let headers = [
            ("Authorization".to_owned(), "Bearer s3cret".to_owned()),
            ("Cookie".to_owned(), "a=b".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Other".to_owned(), "kept".to_owned()),
        ];
        let mut elsewhere = hop("http://b.test/", HttpMethod::Get, None);
        elsewhere.send_credentials = false;
        elsewhere.send_content_headers = false;
        let request = build(&elsewhere, &headers, &ua()).expect("builds");
        assert_eq!(header(&request, "authorization"), None);
        assert_eq!(header(&request, "cookie"), None);
        assert_eq!(header(&request, "content-type"), None);
        assert_eq!(header(&request, "x-other"), Some("kept"));
    }

    #[test]
    fn unsendable_headers_are_prober_errors() {
        for (name, value) in [("Bad Name", "x"), ("X-Ok", "line\nbreak")] {
            let headers = [(name.to_owned(), value.to_owned())];
            let result = build(&hop("http://a.test/", HttpMethod::Get, None), &headers, &ua());
            assert!(matches!(result, Err(Failure::Prober { .. })), "{name}");
        }
    }
}
