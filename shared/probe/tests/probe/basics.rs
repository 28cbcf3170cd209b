//! Plain HTTP checks that get an answer.

use crate::support::*;
use std::time::Duration;
use vigil_domain::monitor::HttpMethod;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{NetworkPolicy, Timings};
use vigil_probe::{HttpProber, ProberConfig};

/// Phases happen one after another inside the total.
#[track_caller]
pub fn assert_ordered(timings: &Timings) {
    let phases = [timings.dns, timings.connect, timings.tls, timings.first_byte];
    let sum: Duration = phases.iter().flatten().sum();
    assert!(sum <= timings.total, "phases {sum:?} exceed total {:?}: {timings:?}", timings.total);
}

#[tokio::test]
async fn a_200_with_body_and_headers() {
    let server = http_server(|_| async {
        let mut response = reply(200, "hello, vigil");
        response.headers_mut().insert("X-Served-By", "test-server".parse().expect("value"));
        response
    })
    .await;
    let mut request = get(&server.url("/health?full=1#ignored"));
    request.headers = vec![("X-Api-Key".to_owned(), "k-123".to_owned())];

    let (response, timings, redirects) = responded(prober().probe(&request).await);

    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"hello, vigil");
    assert!(!response.body_truncated);
    assert!(response.headers.contains(&("x-served-by".to_owned(), "test-server".to_owned())), "{:?}", response.headers);
    assert_eq!(response.header("content-length"), Some("12"));
    assert_eq!(response.remote_ip, Some(LOCALHOST));
    assert_eq!(response.certificate_expires_at, None);
    assert_eq!(response.response_time, timings.total);
    assert_eq!(redirects, 0);
    assert_eq!(timings.dns, None, "an IP literal is not looked up");
    assert_eq!(timings.tls, None, "no TLS over http");
    assert!(timings.connect.is_some() && timings.first_byte.is_some(), "{timings:?}");
    assert_ordered(&timings);

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let header = |name: &str| seen[0].headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(seen[0].method, http::Method::GET);
    assert_eq!(seen[0].path_and_query, "/health?full=1");
    assert_eq!(header("host"), Some(server.addr.to_string()));
    assert_eq!(header("user-agent").as_deref(), Some(ProberConfig::DEFAULT_USER_AGENT));
    assert_eq!(header("accept").as_deref(), Some("*/*"));
    assert_eq!(header("connection").as_deref(), Some("close"));
    assert_eq!(header("x-api-key").as_deref(), Some("k-123"));
    assert_eq!(header("accept-encoding").as_deref(), Some("identity"));
}

#[tokio::test]
async fn every_status_is_a_response() {
    let server = http_server(|seen| async move {
        let status = seen.path_and_query.trim_start_matches('/').parse().unwrap_or(500);
        reply(status, "")
    })
    .await;
    let prober = prober();
    for status in [200u16, 201, 204, 302, 400, 401, 404, 418, 500, 502, 503] {
        let mut request = get(&server.url(&format!("/{status}")));
        // Without a Location a 302 is simply the answer.
        request.follow_redirects = true;
        let (response, _, _) = responded(prober.probe(&request).await);
        assert_eq!(response.status, status);
    }
    assert_eq!(server.connections(), 11, "a fresh connection per check");
}

#[tokio::test]
async fn a_post_sends_its_body_and_length() {
    let server = http_server(|_| async { reply(201, "created") }).await;
    let mut request = get(&server.url("/items"));
    request.method = HttpMethod::Post;
    request.body = Some(r#"{"name":"x"}"#.to_owned());
    request.headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];

    let (response, _, _) = responded(prober().probe(&request).await);

    assert_eq!(response.status, 201);
    let seen = &server.seen()[0];
    assert_eq!(seen.method, http::Method::POST);
    assert_eq!(seen.body, r#"{"name":"x"}"#);
    assert_eq!(seen.headers.get("content-length").and_then(|v| v.to_str().ok()), Some("12"));
    assert_eq!(seen.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
}

#[tokio::test]
async fn a_monitor_user_agent_replaces_the_default() {
    let server = http_server(|_| async { reply(200, "") }).await;
    let mut request = get(&server.url("/"));
    request.headers = vec![("user-agent".to_owned(), "my-agent/2".to_owned())];
    responded(prober().probe(&request).await);
    let agents: Vec<_> = server.seen()[0].headers.get_all("user-agent").iter().cloned().collect();
    assert_eq!(agents, ["my-agent/2"]);
}

#[tokio::test]
async fn head_has_no_body() {
    let server = http_server(|_| async { reply(200, "not sent for HEAD") }).await;
    let mut request = get(&server.url("/"));
    request.method = HttpMethod::Head;
    let (response, _, _) = responded(prober().probe(&request).await);
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty());
    assert_eq!(server.seen()[0].method, http::Method::HEAD);
}

#[tokio::test]
async fn a_name_is_resolved_and_sent_as_host() {
    let server = http_server(|_| async { reply(200, "named") }).await;
    let request = get(&format!("http://app.test:{}/", server.addr.port()));
    let (response, timings, _) = responded(prober().probe(&request).await);
    assert_eq!(response.body, b"named");
    assert!(timings.dns.is_some(), "{timings:?}");
    assert_ordered(&timings);
    let host = server.seen()[0].headers.get("host").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(host, Some(format!("app.test:{}", server.addr.port())));
}

#[tokio::test]
async fn the_production_prober_checks_an_ip_literal() {
    // IP literals need no DNS, so the system-configured prober can run here without a network.
    let prober = HttpProber::new(ProberConfig::default()).expect("production prober builds");
    let server = http_server(|_| async { reply(200, "prod") }).await;
    let mut request = get(&server.url("/"));
    request.network_policy = NetworkPolicy::AllowPrivate;
    let (response, _, _) = responded(prober.probe(&request).await);
    assert_eq!(response.body, b"prod");
}

#[test]
fn a_bad_configuration_fails_at_start_up() {
    let bad_agent = ProberConfig { user_agent: "line\nbreak".to_owned(), ..ProberConfig::default() };
    assert!(matches!(prober_result(bad_agent), Err(vigil_probe::ProberInitError::UserAgent(_))));
    let bad_roots = ProberConfig { extra_root_certificates_pem: Some(b"nothing here".to_vec()), ..ProberConfig::default() };
    assert!(matches!(prober_result(bad_roots), Err(vigil_probe::ProberInitError::NoRootCertificates)));
}

fn prober_result(config: ProberConfig) -> Result<HttpProber, vigil_probe::ProberInitError> {
    HttpProber::with_seams(config, std::sync::Arc::new(names()), std::sync::Arc::new(vigil_probe::PolicyVetter))
}
