//! A target server for checks to hit, over plain HTTP or TLS with a self-signed certificate.
//! Tests change how `/` answers while monitors watch it.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures::stream;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How `/` answers.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Status code.
    pub status: u16,
    /// Delay before answering.
    pub delay: Duration,
    /// Body.
    pub body: String,
    /// Content type.
    pub content_type: &'static str,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self { status: 200, delay: Duration::ZERO, body: "OK".into(), content_type: "text/plain" }
    }
}

#[derive(Default)]
struct Shared {
    behaviour: Mutex<Behaviour>,
    hits: AtomicU64,
}

/// A running target.
pub struct Target {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Whether it speaks TLS.
    pub tls: bool,
    /// When its self-signed certificate expires (TLS only).
    pub certificate_not_after: Option<jiff::Timestamp>,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Target {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Target {
    /// A plain HTTP target on a free loopback port.
    pub async fn http() -> Self {
        Self::start(None).await
    }

    /// A TLS target with a self-signed certificate for `localhost` and 127.0.0.1, valid for
    /// `valid_days` more days.
    pub async fn https_self_signed(valid_days: i64) -> Self {
        Self::start(Some(valid_days)).await
    }

    async fn start(tls_days: Option<i64>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding a target port");
        let addr = listener.local_addr().expect("target address");
        let shared = Arc::new(Shared::default());
        let app = routes(Arc::clone(&shared));
        let (acceptor, not_after) = match tls_days {
            Some(days) => {
                let (acceptor, not_after) = self_signed_acceptor(days);
                (Some(acceptor), Some(not_after))
            }
            None => (None, None),
        };
        let tls = acceptor.is_some();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { continue };
                let app = app.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let service = hyper_util::service::TowerToHyperService::new(app);
                    let builder = hyper::server::conn::http1::Builder::new();
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(socket).await {
                                let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(socket), service).await;
                        }
                    }
                });
            }
        });
        Self { addr, tls, certificate_not_after: not_after, shared, task }
    }

    /// The URL of `path` on this target.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}{path}", self.addr.port())
    }

    /// Changes how `/` answers.
    pub fn set(&self, behaviour: Behaviour) {
        *self.shared.behaviour.lock().expect("behaviour lock") = behaviour;
    }

    /// Makes `/` answer with `status`.
    pub fn set_status(&self, status: u16) {
        self.shared.behaviour.lock().expect("behaviour lock").status = status;
    }

    /// Requests served so far on `/`.
    pub fn hits(&self) -> u64 {
        self.shared.hits.load(Ordering::SeqCst)
    }
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(configured))
        .route("/big", get(|| async { Body::from(vec![b'x'; 5 * 1024 * 1024]) }))
        .route("/endless", get(endless))
        .route("/json", get(|| async { ([("content-type", "application/json")], r#"{"data":{"status":"UP"},"items":[1,2]}"#) }))
        .route("/redirect-home", get(|| async { (StatusCode::FOUND, [("location", "/")]) }))
        .with_state(shared)
}

async fn configured(State(shared): State<Arc<Shared>>) -> Response {
    shared.hits.fetch_add(1, Ordering::SeqCst);
    let behaviour = shared.behaviour.lock().expect("behaviour lock").clone();
    if !behaviour.delay.is_zero() {
        tokio::time::sleep(behaviour.delay).await;
    }
    let mut response = (StatusCode::from_u16(behaviour.status).unwrap_or(StatusCode::OK), behaviour.body).into_response();
    response.headers_mut().insert("content-type", HeaderValue::from_static(behaviour.content_type));
    response
}

/// A body that never ends: a chunk every 50 ms.
async fn endless() -> Body {
    let chunks = stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(&[b'y'; 1024])), ()))
    });
    Body::from_stream(chunks)
}

fn self_signed_acceptor(valid_days: i64) -> (TlsAcceptor, jiff::Timestamp) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).expect("certificate params");
    // rcgen takes a calendar date; the certificate then expires at that day's midnight UTC.
    let expiry_day =
        (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * valid_days)).to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    params.not_after = rcgen::date_time_ymd(i32::from(expiry_day.year()), expiry_day.month() as u8, expiry_day.day() as u8);
    let not_after = expiry_day.to_zoned_datetime(jiff::tz::TimeZone::UTC).expect("expiry midnight").timestamp();
    let key = rcgen::KeyPair::generate().expect("key pair");
    let cert = params.self_signed(&key).expect("self-signed certificate");
    let chain = vec![cert.der().clone()];
    let private = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).expect("private key");
    let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, private).expect("server config");
    (TlsAcceptor::from(Arc::new(config)), not_after)
}
