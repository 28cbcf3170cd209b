//! Targets that do not answer properly, and checks the prober itself cannot perform.

use crate::support::*;
use std::time::Duration;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{ProbeReport, TransportFailure};

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let port = closed_port().await;
    let report = prober().probe(&get(&format!("http://127.0.0.1:{port}/"))).await;
    let (failure, message, timings, _) = unreachable(report);
    assert_eq!(failure, TransportFailure::ConnectionRefused);
    assert_eq!(message, format!("connection refused by 127.0.0.1:{port}"));
    assert!(timings.connect.is_some() && timings.first_byte.is_none(), "{timings:?}");
}

#[tokio::test]
async fn an_unknown_name_is_a_dns_failure() {
    let report = prober().probe(&get("http://no-such-host.invalid/")).await;
    let (failure, message, timings, _) = unreachable(report);
    assert_eq!(failure, TransportFailure::Dns);
    assert_eq!(message, "no-such-host.invalid does not resolve: no such domain");
    assert!(timings.dns.is_some() && timings.connect.is_none(), "{timings:?}");
}

#[tokio::test]
async fn a_malformed_status_line_is_a_protocol_failure() {
    for answer in [&b"HTTP/1.1 abc OK\r\n\r\n"[..], b"hello there\r\n\r\n", b"HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n"] {
        let server = raw_server(move |mut stream| async move {
            read_head(&mut stream).await;
            write(&mut stream, answer).await;
        })
        .await;
        let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/"))).await);
        assert_eq!(failure, TransportFailure::Protocol, "{message}");
        assert!(message.starts_with("the server sent a malformed HTTP response"), "{message}");
    }
}

#[tokio::test]
async fn an_empty_reply_is_a_protocol_failure() {
    let server = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
    })
    .await;
    let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/"))).await);
    assert_eq!(failure, TransportFailure::Protocol);
    assert_eq!(message, "the server closed the connection without sending a response");
}

#[tokio::test]
async fn a_reset_connection_is_a_connect_failure() {
    let server = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        // Closing with a zero linger sends RST instead of FIN.
        let _ = stream.set_zero_linger();
    })
    .await;
    let (failure, message, _, _) = unreachable(prober().probe(&get(&server.url("/"))).await);
    assert_eq!(failure, TransportFailure::Connect, "{message}");
    assert!(message.contains("reset"), "{message}");
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_protocol_failure() {
    let server = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        write(&mut stream, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort").await;
    })
    .await;
    let (failure, message, timings, _) = unreachable(prober().probe(&get(&server.url("/"))).await);
    assert_eq!(failure, TransportFailure::Protocol);
    assert_eq!(message, "the body ended early: the connection closed after 5 bytes");
    assert!(timings.first_byte.is_some());
}

#[tokio::test]
async fn an_unsendable_header_is_a_probe_error_and_sends_nothing() {
    let server = http_server(|_| async { reply(200, "") }).await;
    let mut request = get(&server.url("/"));
    request.headers = vec![("Bad Name".to_owned(), "x".to_owned())];
    let report = prober().probe(&request).await;
    assert!(matches!(&report, ProbeReport::ProbeError { message } if message.contains("Bad Name")), "{report:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn an_unsupported_scheme_is_a_probe_error() {
    let report = prober().probe(&get("ftp://127.0.0.1/file")).await;
    assert!(matches!(report, ProbeReport::ProbeError { .. }), "{report:?}");
}
