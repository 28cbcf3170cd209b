//! The SSRF guard: addresses are vetted after resolution and before any connection, on every
//! hop, and only vetted addresses are dialled.

use crate::support::*;
use std::time::Duration;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{NetworkPolicy, TransportFailure};
use vigil_probe::{HttpProber, PolicyVetter, ProberConfig};

/// Gives any stray connection time to show up before asserting there was none.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn public_only_refuses_loopback_before_connecting() {
    let server = http_server(|_| async { reply(200, "") }).await;
    let prober = prober();
    let cases = [
        (server.url("/"), "refusing to connect to 127.0.0.1: loopback address".to_owned()),
        (
            format!("http://app.test:{}/", server.addr.port()),
            "refusing to connect to 127.0.0.1: loopback address (resolved from app.test)".to_owned(),
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{}/", server.addr.port()),
            "refusing to connect to ::ffff:127.0.0.1: loopback address".to_owned(),
        ),
    ];
    for (url, expected) in cases {
        let mut request = get(&url);
        request.network_policy = NetworkPolicy::PublicOnly;
        let (failure, message, timings, _) = unreachable(prober.probe(&request).await);
        assert_eq!(failure, TransportFailure::Blocked, "{url}");
        assert_eq!(message, expected);
        assert_eq!(timings.connect, None, "{url}");
    }
    settle().await;
    assert_eq!(server.connections(), 0, "the server saw no connection");
}

#[tokio::test]
async fn the_production_prober_refuses_loopback_under_public_only() {
    let prober = HttpProber::new(ProberConfig::default()).expect("production prober builds");
    let server = http_server(|_| async { reply(200, "") }).await;
    let mut request = get(&server.url("/"));
    request.network_policy = NetworkPolicy::PublicOnly;
    let (failure, _, _, _) = unreachable(prober.probe(&request).await);
    assert_eq!(failure, TransportFailure::Blocked);
    settle().await;
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn a_redirect_to_a_refused_address_is_blocked() {
    let refused = http_server_on(OTHER_LOOPBACK, 0, |_| async { reply(200, "must not be reached") }).await;
    let target = format!("http://{}/internal", refused.addr);
    let allowed = http_server(move |_| {
        let target = target.clone();
        async move { redirect(302, &target) }
    })
    .await;
    let prober = prober_with(ProberConfig::default(), names(), refuse_other_loopback);

    let (failure, message, _, _) = unreachable(prober.probe(&get(&allowed.url("/"))).await);

    assert_eq!(failure, TransportFailure::Blocked);
    assert_eq!(message, "refusing to connect to 127.0.0.2: private address, which redirect 1 of the check led to");
    settle().await;
    assert_eq!(allowed.connections(), 1);
    assert_eq!(refused.connections(), 0, "the redirect target was vetted before connecting");
}

#[tokio::test]
async fn only_the_allowed_address_of_a_name_is_dialled() {
    let allowed = http_server(|_| async { reply(200, "allowed") }).await;
    let port = allowed.addr.port();
    let refused = http_server_on(OTHER_LOOPBACK, port, |_| async { reply(200, "refused") }).await;
    let names = names().with("multi.test", [OTHER_LOOPBACK, LOCALHOST]);
    let prober = prober_with(ProberConfig::default(), names, refuse_other_loopback);

    let (response, _, _) = responded(prober.probe(&get(&format!("http://multi.test:{port}/"))).await);

    assert_eq!(response.body, b"allowed");
    assert_eq!(response.remote_ip, Some(LOCALHOST));
    settle().await;
    assert_eq!(refused.connections(), 0);
}

#[tokio::test]
async fn addresses_are_tried_in_order_until_one_connects() {
    let server = http_server(|_| async { reply(200, "second address") }).await;
    let port = server.addr.port();
    // Nothing listens on 127.0.0.3 at that port, so the first attempt is refused at once.
    let names = names().with("fallback.test", ["127.0.0.3".parse().expect("ip"), LOCALHOST]);
    let prober = prober_with(ProberConfig::default(), names, PolicyVetter);

    let (response, _, _) = responded(prober.probe(&get(&format!("http://fallback.test:{port}/"))).await);
    assert_eq!(response.body, b"second address");
    assert_eq!(response.remote_ip, Some(LOCALHOST));

    let none_listen = names_only_closed(port);
    let (failure, message, _, _) = unreachable(none_listen.probe(&get(&format!("http://closed.test:{port}/"))).await);
    assert_eq!(failure, TransportFailure::ConnectionRefused);
    assert_eq!(message, format!("connection refused by 127.0.0.3:{port} (all 2 addresses failed)"));
}

fn names_only_closed(_port: u16) -> HttpProber {
    let closed = names().with("closed.test", ["127.0.0.3".parse().expect("ip"), "127.0.0.4".parse().expect("ip")]);
    prober_with(ProberConfig::default(), closed, PolicyVetter)
}
