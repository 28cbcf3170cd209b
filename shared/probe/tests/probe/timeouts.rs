//! The deadline covers the whole check; the cap bounds what is read.

use crate::support::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use vigil_domain::ports::Prober;
use vigil_domain::probe::TransportFailure;

#[tokio::test]
async fn a_response_later_than_the_timeout_is_a_timeout() {
    let server = http_server(|_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        reply(200, "too late")
    })
    .await;
    let mut request = get(&server.url("/slow"));
    request.timeout = Duration::from_millis(300);

    let started = Instant::now();
    let (failure, message, timings, _) = unreachable(prober().probe(&request).await);

    assert_eq!(failure, TransportFailure::Timeout);
    assert_eq!(message, format!("timed out after 300 ms waiting for the response from {}", server.addr.ip()));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(timings.total >= Duration::from_millis(300), "{timings:?}");
    assert!(timings.connect.is_some() && timings.first_byte.is_none(), "{timings:?}");
}

#[tokio::test]
async fn an_endless_slow_body_ends_at_the_timeout() {
    let server = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        if !write(&mut stream, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n").await {
            return;
        }
        while write(&mut stream, b"tick\n").await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let mut request = get(&server.url("/stream"));
    request.timeout = Duration::from_millis(500);

    let started = Instant::now();
    let (failure, message, timings, _) = unreachable(prober().probe(&request).await);

    assert_eq!(failure, TransportFailure::Timeout);
    assert!(message.starts_with("timed out after 500 ms reading the body ("), "{message}");
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(timings.first_byte.is_some(), "the head arrived: {timings:?}");
}

#[tokio::test]
async fn a_big_slow_body_is_truncated_at_exactly_the_cap() {
    const TOTAL: usize = 5 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let gave_up = Arc::new(AtomicBool::new(false));
    let flag = gave_up.clone();
    let server = raw_server(move |mut stream| {
        let flag = flag.clone();
        async move {
            read_head(&mut stream).await;
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {TOTAL}\r\n\r\n");
            if !write(&mut stream, head.as_bytes()).await {
                return;
            }
            // 80 chunks 40 ms apart: the whole body would take over 3 s.
            let body: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
            for chunk in body.chunks(CHUNK) {
                if !write(&mut stream, chunk).await {
                    flag.store(true, Ordering::SeqCst);
                    return;
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }
    })
    .await;
    let mut request = get(&server.url("/big"));
    request.body_cap = 1024 * 1024;
    request.timeout = Duration::from_secs(20);

    let started = Instant::now();
    let (response, _, _) = responded(prober().probe(&request).await);
    let took = started.elapsed();

    assert_eq!(response.body.len(), 1024 * 1024);
    assert!(response.body_truncated);
    assert!(response.body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8), "bytes kept in order");
    assert!(took < Duration::from_millis(2500), "returned after {took:?}, well before the body would end");
    // The connection was dropped, so the server's writes start failing.
    for _ in 0..100 {
        if gave_up.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server kept writing: the connection was not dropped at the cap");
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_not_truncated() {
    let server = http_server(|seen| async move {
        let body: &'static str = if seen.path_and_query == "/exact" { "0123456789" } else { "0123456789A" };
        reply(200, body)
    })
    .await;
    let prober = prober();
    let mut request = get(&server.url("/exact"));
    request.body_cap = 10;
    let (exact, _, _) = responded(prober.probe(&request).await);
    assert_eq!((exact.body.as_slice(), exact.body_truncated), (&b"0123456789"[..], false));

    request.url = server.url("/longer").parse().expect("url");
    let (longer, _, _) = responded(prober.probe(&request).await);
    assert_eq!((longer.body.as_slice(), longer.body_truncated), (&b"0123456789"[..], true));
}

#[tokio::test]
async fn a_silent_tls_server_times_out_in_the_handshake() {
    let server = raw_server(|mut stream| async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        write(&mut stream, b"").await;
    })
    .await;
    let mut request = get(&format!("https://app.test:{}/", server.addr.port()));
    request.timeout = Duration::from_millis(300);
    let (failure, message, timings, _) = unreachable(prober().probe(&request).await);
    assert_eq!(failure, TransportFailure::Timeout);
    assert_eq!(message, "timed out after 300 ms in the TLS handshake with app.test");
    assert!(timings.dns.is_some() && timings.connect.is_some() && timings.tls.is_none(), "{timings:?}");
}

#[tokio::test]
async fn the_timeout_covers_all_redirect_hops() {
    let server = http_server(|seen| async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        match seen.path_and_query.as_str() {
            "/one" => redirect(302, "/two"),
            "/two" => redirect(302, "/three"),
            _ => reply(200, "finally"),
        }
    })
    .await;
    let mut request = get(&server.url("/one"));
    request.timeout = Duration::from_millis(600);
    let (failure, _, timings, _) = unreachable(prober().probe(&request).await);
    assert_eq!(failure, TransportFailure::Timeout);
    assert!(timings.total < Duration::from_millis(1000), "{timings:?}");
}
