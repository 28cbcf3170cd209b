//! Public answers of status pages kept for a few seconds, rendered and gzipped once: an
//! outage's crowd asks for the same few answers thousands of times a second, and every one of
//! them would otherwise read the page's snapshot and render it again. Only answers anyone may
//! read are kept (public pages, no notice), so serving one skips nothing a reader must pass;
//! a change shows within [`KEPT_FOR`] here, as `Cache-Control` already lets shared caches
//! serve an answer for 30 seconds.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an answer is served as it was rendered.
pub const KEPT_FOR: Duration = Duration::from_secs(5);
/// The most answers kept (pages × views × languages); past it, the stale ones go, and then all.
const MOST_KEPT: usize = 2_000;
/// Bodies smaller than this are sent as they are: gzip would save less than its header costs.
const GZIP_FROM: usize = 1_024;

/// One rendered answer, with its gzipped body and `ETag`.
#[derive(Debug)]
pub struct KeptAnswer {
    content_type: &'static str,
    body: Bytes,
    gzip: Option<Bytes>,
    etag: String,
    made: Instant,
}

impl KeptAnswer {
    /// `body` as `content_type`, with its `ETag` and, when worth it, its gzipped form.
    pub fn new(content_type: &'static str, body: Vec<u8>) -> Self {
        let etag = etag_of(&body);
        let gzip = (body.len() >= GZIP_FROM).then(|| gzipped(&body)).flatten();
        Self { content_type, body: Bytes::from(body), gzip, etag, made: Instant::now() }
    }

    /// The answer to a request with `request`'s headers: 304 when it has this one already,
    /// gzipped when it takes gzip, cached as `caching` says.
    pub fn answer(&self, request: &HeaderMap, caching: &'static str) -> Response {
        let gzip = self.gzip.as_ref().filter(|_| takes_gzip(request));
        // The gzipped form is another representation: its own (weak) validator.
        let etag = if gzip.is_some() { format!("W/{}", self.etag) } else { self.etag.clone() };
        let matches = has_already(request, &self.etag);
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex digits and quotes"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if matches {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        let body = match gzip {
            Some(gzip) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                gzip.clone()
            }
            None => self.body.clone(),
        };
        (headers, Body::from(body)).into_response()
    }
}

/// The strong `ETag` of `body`: a hash of its bytes and their count.
pub fn etag_of(body: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// Whether the request's `If-None-Match` names `etag` (in either strength) or `*`.
pub fn has_already(request: &HeaderMap, etag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| sent.split(',').any(|tag| tag.trim().trim_start_matches("W/") == etag || tag.trim() == "*"))
}

fn gzipped(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 8), flate2::Compression::new(6));
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// Whether the request takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
fn takes_gzip(request: &HeaderMap) -> bool {
    request.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|coding| {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| matches!(p.trim().strip_prefix("q="), Some(q) if q.trim().parse::<f32>().is_ok_and(|q| q == 0.0)));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// The answers kept, by key (the page, the view and the language).
#[derive(Debug, Default)]
pub struct AnswerCache {
    kept: Mutex<HashMap<String, Arc<KeptAnswer>>>,
}

impl AnswerCache {
    /// The answer kept under `key`, if still fresh.
    pub fn get(&self, key: &str) -> Option<Arc<KeptAnswer>> {
        let kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.get(key).filter(|answer| answer.made.elapsed() < KEPT_FOR).cloned()
    }

    /// Keeps `answer` under `key` and returns it.
    pub fn put(&self, key: String, answer: KeptAnswer) -> Arc<KeptAnswer> {
        let answer = Arc::new(answer);
        let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= MOST_KEPT {
            kept.retain(|_, a| a.made.elapsed() < KEPT_FOR);
            if kept.len() >= MOST_KEPT {
                kept.clear();
            }
        }
        kept.insert(key, Arc::clone(&answer));
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(n, v)| (header::HeaderName::from_static(n), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn gzip_is_sent_to_who_takes_it_and_either_form_revalidates() {
        let answer = KeptAnswer::new("text/html; charset=utf-8", "<li>day</li>".repeat(500).into_bytes());
        let cases = [
            (vec![], StatusCode::OK, None),
            (vec![("accept-encoding", "gzip, br")], StatusCode::OK, Some("gzip")),
            (vec![("accept-encoding", "br, gzip;q=0")], StatusCode::OK, None),
            (vec![("accept-encoding", "*")], StatusCode::OK, Some("gzip")),
        ];
        for (sent, status, encoding) in cases {
            let response = answer.answer(&headers(&sent), "public");
            assert_eq!(response.status(), status, "{sent:?}");
            assert_eq!(response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()), encoding, "{sent:?}");
        }
        let plain = answer.answer(&HeaderMap::new(), "public").headers()[header::ETAG].clone();
        let zipped = answer.answer(&headers(&[("accept-encoding", "gzip")]), "public").headers()[header::ETAG].clone();
        assert_eq!(zipped.to_str().unwrap(), format!("W/{}", plain.to_str().unwrap()));
        for tag in [plain, zipped] {
            let mut request = headers(&[("accept-encoding", "gzip")]);
            request.insert(header::IF_NONE_MATCH, tag);
            assert_eq!(answer.answer(&request, "public").status(), StatusCode::NOT_MODIFIED);
        }
        let small = KeptAnswer::new("application/json", b"{}".to_vec());
        assert!(small.answer(&headers(&[("accept-encoding", "gzip")]), "public").headers().get(header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn answers_are_kept_until_stale_and_the_cache_stays_bounded() {
        let cache = AnswerCache::default();
        assert!(cache.get("a").is_none());
        cache.put("a".into(), KeptAnswer::new("text/plain", b"one".to_vec()));
        assert_eq!(cache.get("a").unwrap().body, Bytes::from_static(b"one"));
        for i in 0..MOST_KEPT + 10 {
            cache.put(format!("k{i}"), KeptAnswer::new("text/plain", vec![]));
        }
        assert!(cache.kept.lock().unwrap().len() <= MOST_KEPT);
    }
}
