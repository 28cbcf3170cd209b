//! An HTTP proxy between the AWS SDK and the emulator that can play dead, throttle or refuse
//! one service, so that tests can fail the emulator mid-batch and bring it back with its data
//! intact (stopping moto itself would lose the queues whose messages must survive).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How the proxy treats requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Close every connection without an answer, as a dead host would.
    Down,
    /// Pass `n` more requests through, then play dead.
    DownAfter(u32),
    /// Answer the next `n` DynamoDB requests with DynamoDB's throttling error.
    ThrottleDynamoDb(u32),
    /// Pass `after` more requests through, then play dead for `lasting`, then pass everything
    /// (the emulator stopped mid-batch and started again).
    Outage {
        /// Requests passed before it starts.
        after: u32,
        /// How long it lasts.
        lasting: Duration,
    },
    /// Pass everything until the first request for `operation` (the end of its `x-amz-target`,
    /// as `TransactWriteItems`), then play dead from that request on for `lasting`.
    OutageAt {
        /// The operation that starts it.
        operation: &'static str,
        /// How long it lasts.
        lasting: Duration,
    },
    /// Play dead until this instant, then pass everything (what an outage becomes once it has
    /// started).
    DownUntil(Instant),
    /// Pass `after` more requests for `service` (as it signs them: `sns`, `sqs`, `dynamodb`),
    /// then refuse every request for it; other services pass.
    RefuseService {
        /// The service.
        service: &'static str,
        /// Its requests passed first.
        after: u32,
    },
}

/// A request to hold: the first for `operation` whose body contains `needle`.
struct HoldSpec {
    operation: &'static str,
    needle: &'static str,
    reached: Arc<Notify>,
    release: Arc<Notify>,
}

/// A request held by the proxy until released, to put another client's requests between a
/// client's read and its write.
pub struct Held {
    reached: Arc<Notify>,
    release: Arc<Notify>,
}

impl Held {
    /// Waits until the request arrives (and is held).
    pub async fn reached(&self) {
        self.reached.notified().await;
    }

    /// Lets the request go on to the emulator.
    pub fn release(&self) {
        self.release.notify_one();
    }
}

struct State {
    fault: Mutex<Fault>,
    hold: Mutex<Option<HoldSpec>>,
    dynamodb_requests: AtomicU64,
    throttled: AtomicU64,
    refused: AtomicU64,
    upstream: String,
    client: reqwest::Client,
}

/// A running proxy.
pub struct FaultProxy {
    /// Where clients should send requests.
    pub endpoint: String,
    state: Arc<State>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` on a free loopback port.
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding the proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("proxy address"));
        let state = Arc::new(State {
            fault: Mutex::new(Fault::None),
            hold: Mutex::new(None),
            dynamodb_requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            upstream: upstream.to_owned(),
            client: reqwest::Client::new(),
        });
        let serving = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&serving);
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(Arc::clone(&state), request));
                    // A dead host: the connection ends without an answer.
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Self { endpoint, state }
    }

    /// Changes how requests are treated from now on.
    pub fn set(&self, fault: Fault) {
        *self.state.fault.lock().expect("fault") = fault;
    }

    /// Holds the next request for `operation` (the end of its `x-amz-target`, as `UpdateItem`)
    /// whose body contains `needle`, until the returned [`Held`] releases it. Faults apply to
    /// the requests around it as usual.
    pub fn hold(&self, operation: &'static str, needle: &'static str) -> Held {
        let (reached, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        *self.state.hold.lock().expect("hold") =
            Some(HoldSpec { operation, needle, reached: Arc::clone(&reached), release: Arc::clone(&release) });
        Held { reached, release }
    }

    /// DynamoDB requests seen (throttled ones included).
    pub fn dynamodb_requests(&self) -> u64 {
        self.state.dynamodb_requests.load(Ordering::SeqCst)
    }

    /// Requests answered with a throttling error.
    pub fn throttled(&self) -> u64 {
        self.state.throttled.load(Ordering::SeqCst)
    }

    /// Requests refused while playing dead.
    pub fn refused(&self) -> u64 {
        self.state.refused.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
struct PlayingDead;

impl std::fmt::Display for PlayingDead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the proxy is playing dead")
    }
}

impl std::error::Error for PlayingDead {}

/// The service a request is signed for: the fourth part of its SigV4 credential scope
/// (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`).
fn signed_service(request: &Request<Incoming>) -> Option<&str> {
    let authorization = request.headers().get("authorization")?.to_str().ok()?;
    let scope = authorization.split("Credential=").nth(1)?;
    scope.split('/').nth(3)
}

/// What the proxy does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Forward,
    PlayDead,
    Throttle,
}

/// What to do with one request, and how the fault goes on from it.
fn verdict(fault: &mut Fault, service: Option<&str>, target: Option<&str>) -> Action {
    match *fault {
        Fault::None => Action::Forward,
        Fault::Down => Action::PlayDead,
        Fault::DownAfter(0) => {
            *fault = Fault::Down;
            Action::PlayDead
        }
        Fault::DownAfter(n) => {
            *fault = Fault::DownAfter(n - 1);
            Action::Forward
        }
        Fault::ThrottleDynamoDb(n) if service == Some("dynamodb") && n > 0 => {
            *fault = Fault::ThrottleDynamoDb(n - 1);
            Action::Throttle
        }
        Fault::ThrottleDynamoDb(_) => Action::Forward,
        Fault::Outage { after: 0, lasting } => {
            *fault = Fault::DownUntil(Instant::now() + lasting);
            Action::PlayDead
        }
        Fault::Outage { after, lasting } => {
            *fault = Fault::Outage { after: after - 1, lasting };
            Action::Forward
        }
        Fault::OutageAt { operation, lasting } if target.is_some_and(|t| t.ends_with(&format!(".{operation}"))) => {
            *fault = Fault::DownUntil(Instant::now() + lasting);
            Action::PlayDead
        }
        Fault::OutageAt { .. } => Action::Forward,
        Fault::DownUntil(until) if Instant::now() < until => Action::PlayDead,
        Fault::DownUntil(_) => {
            *fault = Fault::None;
            Action::Forward
        }
        Fault::RefuseService { service: refused, after } if service == Some(refused) => {
            if after == 0 {
                return Action::PlayDead;
            }
            *fault = Fault::RefuseService { service: refused, after: after - 1 };
            Action::Forward
        }
        Fault::RefuseService { .. } => Action::Forward,
    }
}

async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, PlayingDead> {
    let service = signed_service(&request).map(str::to_owned);
    let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if service.as_deref() == Some("dynamodb") {
        state.dynamodb_requests.fetch_add(1, Ordering::SeqCst);
    }
    let verdict = verdict(&mut state.fault.lock().expect("fault"), service.as_deref(), target.as_deref());
    match verdict {
        Action::PlayDead => {
            state.refused.fetch_add(1, Ordering::SeqCst);
            Err(PlayingDead)
        }
        Action::Throttle => {
            state.throttled.fetch_add(1, Ordering::SeqCst);
            let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#;
            Ok(Response::builder()
                .status(StatusCode::BAD_REQUEST)
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amzn-errortype", "ProvisionedThroughputExceededException")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .expect("a throttling answer"))
        }
        Action::Forward => {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            if let Some(release) = held(&state, target.as_deref(), &body) {
                release.notified().await;
            }
            Ok(forward(&state, parts, body).await)
        }
    }
}

/// If this request is the one to hold, takes the hold, says it was reached, and returns what
/// releases it.
fn held(state: &State, target: Option<&str>, body: &[u8]) -> Option<Arc<Notify>> {
    let mut hold = state.hold.lock().expect("hold");
    let spec = hold.as_ref()?;
    let operation = target.is_some_and(|t| t.ends_with(&format!(".{}", spec.operation)));
    let needle = spec.needle.as_bytes();
    if !operation || !body.windows(needle.len()).any(|w| w == needle) {
        return None;
    }
    let spec = hold.take()?;
    spec.reached.notify_one();
    Some(spec.release)
}

async fn forward(state: &State, parts: hyper::http::request::Parts, body: Bytes) -> Response<Full<Bytes>> {
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).expect("a method");
    let mut upstream = state.client.request(method, format!("{}{path}", state.upstream)).body(body);
    for (name, value) in &parts.headers {
        if !matches!(name.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
            upstream = upstream.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(error) => {
            return Response::builder().status(StatusCode::BAD_GATEWAY).body(Full::new(Bytes::from(error.to_string()))).expect("a 502");
        }
    };
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if !matches!(name.as_str(), "content-length" | "connection" | "transfer-encoding") {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    response.body(Full::new(bytes)).expect("a forwarded answer")
}
