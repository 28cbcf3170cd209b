//! Redirects: followed hop by hop on fresh connections, within limits.

use crate::support::*;
use vigil_domain::monitor::HttpMethod;
use vigil_domain::ports::Prober;
use vigil_domain::probe::TransportFailure;

fn header(seen: &Seen, name: &str) -> Option<String> {
    seen.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The port from a request's Host header, so handlers can build absolute URLs.
fn port_of(seen: &Seen) -> String {
    header(seen, "host").and_then(|h| h.rsplit(':').next().map(str::to_owned)).unwrap_or_default()
}

#[tokio::test]
async fn relative_and_absolute_redirects_are_followed() {
    let server = http_server(|seen| async move {
        match seen.path_and_query.as_str() {
            "/start" => redirect(302, "middle"),
            "/middle" => redirect(301, &format!("http://app.test:{}/end", port_of(&seen))),
            "/end" => reply(200, "arrived"),
            _ => reply(404, ""),
        }
    })
    .await;
    let (response, timings, redirects) = responded(prober().probe(&get(&server.url("/start"))).await);
    assert_eq!((response.status, response.body.as_slice(), redirects), (200, &b"arrived"[..], 2));
    assert!(timings.dns.is_some(), "timings are the last hop's (by name): {timings:?}");
    let paths: Vec<_> = server.seen().iter().map(|s| s.path_and_query.clone()).collect();
    assert_eq!(paths, ["/start", "/middle", "/end"]);
    assert_eq!(server.connections(), 3, "each hop on a fresh connection");
}

#[tokio::test]
async fn see_other_turns_a_post_into_a_get_and_307_keeps_it() {
    let server = http_server(|seen| async move {
        match seen.path_and_query.as_str() {
            "/submit" => redirect(303, "/done"),
            "/keep" => redirect(307, "/again"),
            _ => reply(200, "ok"),
        }
    })
    .await;
    let prober = prober();
    let post = |path: &str| {
        let mut request = get(&server.url(path));
        request.method = HttpMethod::Post;
        request.body = Some("payload".to_owned());
        request.headers = vec![("Content-Type".to_owned(), "text/plain".to_owned())];
        request
    };

    responded(prober.probe(&post("/submit")).await);
    responded(prober.probe(&post("/keep")).await);

    let seen = server.seen();
    let done = &seen[1];
    assert_eq!((done.path_and_query.as_str(), &done.method), ("/done", &http::Method::GET));
    assert!(done.body.is_empty());
    assert_eq!(header(done, "content-length"), None);
    assert_eq!(header(done, "content-type"), None, "content headers go with the body");
    let again = &seen[3];
    assert_eq!((again.path_and_query.as_str(), &again.method), ("/again", &http::Method::POST));
    assert_eq!(again.body, "payload");
    assert_eq!(header(again, "content-type").as_deref(), Some("text/plain"));
}

#[tokio::test]
async fn redirects_are_reported_as_is_when_not_followed() {
    let server = http_server(|_| async { redirect(302, "/elsewhere") }).await;
    let mut request = get(&server.url("/"));
    request.follow_redirects = false;
    let (response, _, redirects) = responded(prober().probe(&request).await);
    assert_eq!((response.status, redirects), (302, 0));
    assert_eq!(response.header("location"), Some("/elsewhere"));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_redirect_loop_is_a_protocol_failure() {
    let server =
        http_server(|seen| async move { if seen.path_and_query == "/a" { redirect(302, "/b") } else { redirect(302, "/a") } }).await;
    let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/a"))).await);
    assert_eq!(failure, TransportFailure::Protocol);
    assert_eq!(message, format!("redirect loop: {} was already visited", server.url("/a")));
}

#[tokio::test]
async fn too_many_redirects_is_a_protocol_failure() {
    let server = http_server(|seen| async move {
        let n: u32 = seen.path_and_query.trim_start_matches("/r/").parse().unwrap_or(0);
        redirect(302, &format!("/r/{}", n + 1))
    })
    .await;
    let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/r/0"))).await);
    assert_eq!(failure, TransportFailure::Protocol);
    assert_eq!(message, "too many redirects (more than 10)");
    assert_eq!(server.seen().len(), 11, "the first request and ten followed hops");
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_a_protocol_failure() {
    let server = http_server(|_| async { redirect(301, "ftp://files.test/x") }).await;
    let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/"))).await);
    assert_eq!(failure, TransportFailure::Protocol);
    assert!(message.contains("unsupported scheme \"ftp\""), "{message}");
}

#[tokio::test]
async fn credentials_stay_with_the_monitored_origin() {
    let server = http_server(|seen| async move {
        match seen.path_and_query.as_str() {
            "/private" => redirect(302, &format!("http://app.test:{}/landing", port_of(&seen))),
            _ => reply(200, "landed"),
        }
    })
    .await;
    let mut request = get(&server.url("/private"));
    request.headers = vec![("Authorization".to_owned(), "Bearer s3cret".to_owned()), ("X-Trace".to_owned(), "t1".to_owned())];
    responded(prober().probe(&request).await);
    let seen = server.seen();
    assert_eq!(header(&seen[0], "authorization").as_deref(), Some("Bearer s3cret"));
    assert_eq!(header(&seen[1], "authorization"), None, "another origin gets no credentials");
    assert_eq!(header(&seen[1], "x-trace").as_deref(), Some("t1"));
}
