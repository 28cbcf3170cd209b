//! Test servers on loopback and helpers to build probers and requests.

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use url::Url;
use vigil_domain::probe::{AddressClass, NetworkPolicy, ProbeReport, ProbeRequest, ResponseObservation, Timings, TransportFailure};
use vigil_probe::{AddressVetter, HttpProber, PolicyVetter, ProberConfig, StaticResolver};

pub const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// Linux routes all of 127/8 to lo, so a second loopback address stands in for "another host".
pub const OTHER_LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// What a test server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A server on a loopback port, stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub type Reply = Response<Full<Bytes>>;

pub fn reply(status: u16, body: &'static str) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = StatusCode::from_u16(status).expect("valid status");
    response
}

pub fn redirect(status: u16, location: &str) -> Reply {
    let mut response = reply(status, "moved");
    response.headers_mut().insert("location", location.parse().expect("valid location"));
    response
}

/// An HTTP/1.1 server on 127.0.0.1 answering with `handler`.
pub async fn http_server<F, Fut>(handler: F) -> TestServer
where
    F: Fn(Seen) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    serve_http(bind(LOCALHOST, 0).await, None, handler)
}

/// Like [`http_server`] on a chosen address and port.
pub async fn http_server_on<F, Fut>(ip: IpAddr, port: u16, handler: F) -> TestServer
where
    F: Fn(Seen) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    serve_http(bind(ip, port).await, None, handler)
}

/// An HTTPS server on 127.0.0.1 presenting `chain`.
pub async fn https_server<F, Fut>(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>, handler: F) -> TestServer
where
    F: Fn(Seen) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate");
    serve_http(bind(LOCALHOST, 0).await, Some(TlsAcceptor::from(Arc::new(config))), handler)
}

/// A server that hands each accepted connection to `behaviour`, for answers hyper would not
/// produce (malformed, slow, endless).
pub async fn raw_server<F, Fut>(behaviour: F) -> TestServer
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = bind(LOCALHOST, 0).await;
    let addr = listener.local_addr().expect("bound");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let behaviour = Arc::new(behaviour);
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(behaviour(stream));
        }
    });
    TestServer { addr, connections, seen: Arc::default(), task }
}

/// Reads a request head (up to the blank line) from a raw connection.
pub async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Writes `bytes`, ignoring a client that has gone away.
pub async fn write(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok()
}

async fn bind(ip: IpAddr, port: u16) -> TcpListener {
    TcpListener::bind(SocketAddr::new(ip, port)).await.expect("bind a loopback port")
}

fn serve_http<F, Fut>(listener: TcpListener, tls: Option<TlsAcceptor>, handler: F) -> TestServer
where
    F: Fn(Seen) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let addr = listener.local_addr().expect("bound");
    let connections = Arc::new(AtomicUsize::new(0));
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let handler = Arc::new(handler);
    let (counter, log) = (connections.clone(), seen.clone());
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (handler, log, tls) = (handler.clone(), log.clone(), tls.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let (handler, log) = (handler.clone(), log.clone());
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let path_and_query = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
                        let seen = Seen { method: parts.method, path_and_query, headers: parts.headers, body };
                        log.lock().expect("not poisoned").push(seen.clone());
                        Ok::<_, Infallible>(handler(seen).await)
                    }
                });
                let server = hyper::server::conn::http1::Builder::new();
                match tls {
                    None => {
                        let _ = server.serve_connection(TokioIo::new(stream), service).await;
                    }
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(stream).await {
                            let _ = server.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                }
            });
        }
    });
    TestServer { addr, connections, seen, task }
}

/// A port on 127.0.0.1 that nothing listens on.
pub async fn closed_port() -> u16 {
    let listener = bind(LOCALHOST, 0).await;
    listener.local_addr().expect("bound").port()
}

/// The names tests use: `app.test` is 127.0.0.1.
pub fn names() -> StaticResolver {
    StaticResolver::new().with("app.test", [LOCALHOST])
}

/// A prober on the static names with production vetting.
pub fn prober() -> HttpProber {
    prober_with(ProberConfig::default(), names(), PolicyVetter)
}

pub fn prober_with(config: ProberConfig, names: StaticResolver, vetter: impl AddressVetter + 'static) -> HttpProber {
    HttpProber::with_seams(config, Arc::new(names), Arc::new(vetter)).expect("prober builds")
}

/// The test vetting rule: loopback is allowed except 127.0.0.2.
pub fn refuse_other_loopback(_: NetworkPolicy, ip: IpAddr) -> Result<(), AddressClass> {
    if ip == OTHER_LOOPBACK { Err(AddressClass::Private) } else { Ok(()) }
}

/// A GET with a 5 s timeout, redirects followed, TLS verified, 1 MiB cap, private addresses
/// allowed.
pub fn get(url: &str) -> ProbeRequest {
    ProbeRequest::get(Url::parse(url).expect("test URL"), NetworkPolicy::AllowPrivate)
}

/// The response of a report that must have one.
#[track_caller]
pub fn responded(report: ProbeReport) -> (ResponseObservation, Timings, u8) {
    match report {
        ProbeReport::Responded { response, timings, redirects } => (response, timings, redirects),
        other => panic!("expected a response, got {other:?}"),
    }
}

/// The failure of a report that must be Unreachable.
#[track_caller]
pub fn unreachable(report: ProbeReport) -> (TransportFailure, String, Timings, Option<jiff::Timestamp>) {
    match report {
        ProbeReport::Unreachable { failure, message, timings, certificate_expires_at } => {
            (failure, message, timings, certificate_expires_at)
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
}
