//! The SDK's HTTP client against servers on loopback: plain HTTP (an emulator), HTTPS with a
//! certificate authority of the test's own, nobody listening, and a server that never answers.

use super::*;
use aws_smithy_runtime_api::client::http::HttpConnectorSettings;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on loopback that reads one request head and body (up to the body's length) from
/// each connection through `wrap`, hands it back, and answers `201` with a body.
async fn answering<S, F, Fut>(wrap: F) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = S> + Send,
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, heard) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let mut stream = wrap(socket).await;
            let mut received = Vec::new();
            let mut buffer = [0u8; 4096];
            loop {
                let n = stream.read(&mut buffer).await.unwrap();
                received.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&received).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|line| {
                            line.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if received.len() >= end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            seen.send(String::from_utf8_lossy(&received).to_string()).unwrap();
            stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 8\r\nx-amzn-requestid: r-1\r\n\r\nanswered").await.unwrap();
            stream.flush().await.unwrap();
        }
    });
    (format!("127.0.0.1:{port}"), heard)
}

fn request(url: &str) -> HttpRequest {
    let request = http::Request::builder()
        .method("POST")
        .uri(url)
        .header("x-amz-target", "DynamoDB_20120810.GetItem")
        .body(SdkBody::from(r#"{"TableName":"vigil"}"#))
        .unwrap();
    HttpRequest::try_from(request).unwrap()
}

fn settings() -> HttpConnectorSettings {
    HttpConnectorSettings::builder().connect_timeout(Duration::from_secs(2)).read_timeout(Duration::from_millis(500)).build()
}

async fn body_of(response: HttpResponse) -> String {
    let bytes = aws_smithy_types::byte_stream::ByteStream::new(response.into_body()).collect().await.unwrap().into_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_request_goes_out_whole_over_plain_http_and_its_answer_comes_back() {
    let (address, mut heard) = answering(|socket| async move { socket }).await;
    let connector = SdkHttpClient::new().connector(&settings());
    let response = connector.call(request(&format!("http://{address}/"))).await.expect("an answer");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers().get("x-amzn-requestid"), Some("r-1"));
    assert_eq!(body_of(response).await, "answered");
    let seen = heard.recv().await.unwrap();
    assert!(seen.starts_with("POST / HTTP/1.1\r\n"), "{seen}");
    assert!(seen.to_ascii_lowercase().contains("x-amz-target: dynamodb_20120810.getitem"), "{seen}");
    assert!(seen.ends_with(r#"{"TableName":"vigil"}"#), "{seen}");
}

#[tokio::test]
async fn https_verifies_the_server_against_the_roots_and_speaks_http_1_1() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let authority = CertifiedIssuer::self_signed(authority, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&key, &*authority).unwrap();
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let (address, mut heard) = answering(move |socket| {
        let acceptor = acceptor.clone();
        async move { acceptor.accept(socket).await.expect("a TLS handshake") }
    })
    .await;
    let port = address.rsplit(':').next().unwrap();

    let trusting = SdkHttpClient::trusting(authority.der().clone()).connector(&settings());
    let response = trusting.call(request(&format!("https://localhost:{port}/"))).await.expect("an answer over TLS");
    assert_eq!((response.status().as_u16(), body_of(response).await.as_str()), (201, "answered"));
    assert!(heard.recv().await.unwrap().starts_with("POST / HTTP/1.1\r\n"));

    // The webpki roots alone do not know the test's authority: the handshake fails, and the
    // SDK is told it may try again (a connection that could not be made).
    let error = SdkHttpClient::new().connector(&settings()).call(request(&format!("https://localhost:{port}/"))).await.unwrap_err();
    assert!(error.is_io(), "{error:?}");
    assert!(format!("{:?}", error).contains("UnknownIssuer"), "{error:?}");
}

#[tokio::test]
async fn nobody_listening_is_an_io_error_the_sdk_retries() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let error = SdkHttpClient::new().connector(&settings()).call(request(&format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
    assert!(error.is_io(), "{error:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_after_the_read_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let started = std::time::Instant::now();
    let error = SdkHttpClient::new().connector(&settings()).call(request(&format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "gave up after {:?}", started.elapsed());
}

#[test]
fn connectors_of_the_same_timeouts_share_one_pool() {
    let client = SdkHttpClient::new();
    let other = HttpConnectorSettings::builder().connect_timeout(Duration::from_secs(9)).build();
    let _ = (client.connector(&settings()), client.connector(&settings()), client.connector(&other));
    assert_eq!(client.connectors.lock().unwrap().len(), 2);
}
