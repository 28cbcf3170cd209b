//! What a receiver's answer makes of an attempt, against a server on loopback reached by a
//! name the guard resolves: the verdict per status, the quoted body, the request as it left.

use super::*;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vigil_probe::{PolicyVetter, StaticResolver};

/// A server answering every connection with `answer` (a whole HTTP/1.1 response) after reading
/// the request, which it hands back.
async fn receiver(answer: &'static str) -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, heard) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 4096];
            while !String::from_utf8_lossy(&received).contains("}") {
                let n = socket.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..n]);
            }
            let _ = seen.send(String::from_utf8_lossy(&received).into_owned());
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
    });
    (port, heard)
}

fn sender(policy: NetworkPolicy) -> HttpSender {
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let resolver = StaticResolver::new().with("hooks.test", [loopback]);
    HttpSender::new(NetworkGuard::new(Arc::new(resolver), Arc::new(PolicyVetter)), policy)
}

async fn post(sender: &HttpSender, port: u16) -> AttemptResult {
    let headers = [("content-type".to_owned(), "application/json".to_owned()), ("x-vigil-signature".to_owned(), "v1=abc".to_owned())];
    sender.post(&format!("http://hooks.test:{port}/hook"), &headers, br#"{"text":"down"}"#.to_vec(), Duration::from_secs(5)).await
}

#[tokio::test]
async fn each_answer_gives_its_verdict() {
    let long = Box::leak(format!("HTTP/1.1 400 Bad Request\r\ncontent-length: 1000\r\n\r\n{}", "n".repeat(1000)).into_boxed_str());
    let table: [(&'static str, AttemptResult); 6] = [
        ("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", AttemptResult::Accepted { status_code: Some(200) }),
        ("HTTP/1.1 204 No Content\r\n\r\n", AttemptResult::Accepted { status_code: Some(204) }),
        (
            "HTTP/1.1 404 Not Found\r\ncontent-length: 14\r\n\r\n no such hook \n",
            AttemptResult::Rejected { status_code: Some(404), error: "HTTP 404: no such hook".into(), retryable: false },
        ),
        (
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\nbusy",
            AttemptResult::Rejected { status_code: Some(503), error: "HTTP 503: busy".into(), retryable: true },
        ),
        (
            "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n",
            AttemptResult::Rejected { status_code: Some(429), error: "HTTP 429".into(), retryable: true },
        ),
        (
            long,
            AttemptResult::Rejected {
                status_code: Some(400),
                error: format!("HTTP 400: {}", "n".repeat(ERROR_BODY_CHARS)),
                retryable: false,
            },
        ),
    ];
    let sender = sender(NetworkPolicy::AllowPrivate);
    for (answer, expected) in table {
        let (port, _) = receiver(answer).await;
        assert_eq!(post(&sender, port).await, expected, "{answer:.40}");
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_not_retried() {
    let (port, mut heard) =
        receiver("HTTP/1.1 301 Moved Permanently\r\nlocation: http://hooks.test:1/elsewhere\r\ncontent-length: 0\r\n\r\n").await;
    match post(&sender(NetworkPolicy::AllowPrivate), port).await {
        AttemptResult::Rejected { status_code: Some(301), error, retryable: false } => {
            assert!(error.contains("do not follow redirects"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    heard.recv().await.unwrap();
    assert!(heard.try_recv().is_err(), "one request, the redirect not followed");
}

#[tokio::test]
async fn the_request_leaves_as_built_with_who_sent_it() {
    let (port, mut heard) = receiver("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
    assert_eq!(post(&sender(NetworkPolicy::AllowPrivate), port).await, AttemptResult::Accepted { status_code: Some(200) });
    let request = heard.recv().await.unwrap();
    let lower = request.to_ascii_lowercase();
    assert!(request.starts_with("POST /hook HTTP/1.1\r\n"), "{request}");
    assert!(lower.contains(&format!("host: hooks.test:{port}")), "{request}");
    assert!(lower.contains(&format!("user-agent: vigil/{}", env!("CARGO_PKG_VERSION"))), "{request}");
    assert!(lower.contains("x-vigil-signature: v1=abc") && lower.contains("content-type: application/json"), "{request}");
    assert!(request.ends_with(r#"{"text":"down"}"#), "{request}");
}

#[tokio::test]
async fn the_guard_refuses_loopback_under_the_public_policy_and_nothing_connects() {
    let (port, mut heard) = receiver("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
    match post(&sender(NetworkPolicy::PublicOnly), port).await {
        AttemptResult::Rejected { status_code: None, error, retryable: false } => {
            assert!(error.contains("only delivers to public addresses"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    let literal =
        sender(NetworkPolicy::PublicOnly).post(&format!("http://127.0.0.1:{port}/hook"), &[], Vec::new(), Duration::from_secs(5)).await;
    assert!(matches!(literal, AttemptResult::Rejected { retryable: false, .. }), "{literal:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(heard.try_recv().is_err(), "nothing reached the server");
}

#[tokio::test]
async fn nobody_listening_and_no_answer_in_time_are_retried() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let closed = post(&sender(NetworkPolicy::AllowPrivate), port).await;
    assert_eq!(closed, AttemptResult::Rejected { status_code: None, error: "could not connect".into(), retryable: true });

    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (_socket, _) = silent.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let slow = sender(NetworkPolicy::AllowPrivate)
        .post(&format!("http://hooks.test:{port}/hook"), &[], Vec::new(), Duration::from_millis(300))
        .await;
    assert_eq!(slow, AttemptResult::Rejected { status_code: None, error: "no answer within 300 ms".into(), retryable: true });
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_not_retried_and_does_not_show_the_url() {
    let headers = [("bad header".to_owned(), "x".to_owned())];
    let result =
        sender(NetworkPolicy::AllowPrivate).post("http://hooks.test:9/T000/SECRETPART", &headers, Vec::new(), Duration::from_secs(1)).await;
    match result {
        AttemptResult::Rejected { status_code: None, error, retryable: false } => assert!(!error.contains("SECRETPART"), "{error}"),
        other => panic!("{other:?}"),
    }
}
