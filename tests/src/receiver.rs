//! A webhook receiver the tests control: it records every request and answers from a script
//! (`500` then `200`, or never), and verifies Standard Webhooks signatures with its own
//! HMAC-SHA256, independent of Vigil's.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::Instant;

/// How the receiver answers one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// With this status.
    Status(u16),
    /// Never (the connection stays open until the sender gives up).
    Never,
}

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    /// When it arrived.
    pub at: Instant,
    /// Its headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: Bytes,
    /// How it was answered.
    pub answer: Answer,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Whether it was answered with a 2xx.
    pub fn accepted(&self) -> bool {
        matches!(self.answer, Answer::Status(200..=299))
    }

    /// Whether its `webhook-signature` verifies with `secret` (`whsec_<base64>`): HMAC-SHA256
    /// over `{webhook-id}.{webhook-timestamp}.{body}`, any `v1,` entry matching, the timestamp
    /// within five minutes of now.
    pub fn signature_verifies(&self, secret: &str) -> bool {
        let (Some(id), Some(timestamp), Some(signatures)) =
            (self.header("webhook-id"), self.header("webhook-timestamp"), self.header("webhook-signature"))
        else {
            return false;
        };
        let Ok(seconds) = timestamp.parse::<i64>() else { return false };
        if (jiff::Timestamp::now().as_second() - seconds).abs() > 300 {
            return false;
        }
        let Some(key) = secret.strip_prefix("whsec_").and_then(|k| STANDARD.decode(k).ok()) else { return false };
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key size");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(&self.body);
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        signatures.split(' ').any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Answer>>,
    otherwise: Mutex<Option<Answer>>,
}

/// A running receiver.
pub struct Receiver {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// A receiver answering 200 to everything.
    pub async fn start() -> Self {
        Self::scripted(&[], Answer::Status(200)).await
    }

    /// A receiver answering `script` in order, then `otherwise`.
    pub async fn scripted(script: &[Answer], otherwise: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding a receiver port");
        let addr = listener.local_addr().expect("receiver address");
        let shared = Arc::new(Shared::default());
        shared.script.lock().expect("script").extend(script.iter().copied());
        *shared.otherwise.lock().expect("otherwise") = Some(otherwise);
        let app = Router::new().route("/{*path}", post(receive)).route("/", post(receive)).with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    /// The URL to give Vigil.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.addr.port())
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().expect("received").clone()
    }

    /// Requests answered with a 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.received().into_iter().filter(Received::accepted).collect()
    }

    /// Waits until `count` requests were accepted, failing after `timeout`.
    pub async fn wait_for_accepted(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let accepted = self.accepted();
            if accepted.len() >= count {
                return accepted;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} accepted messages within {timeout:?}, got {}: {:?}",
                accepted.len(),
                self.received()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let at = Instant::now();
    let answer = {
        let next = shared.script.lock().expect("script").pop_front();
        next.or(*shared.otherwise.lock().expect("otherwise")).unwrap_or(Answer::Status(200))
    };
    let headers = headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    shared.received.lock().expect("received").push(Received { at, headers, body, answer });
    match answer {
        Answer::Status(code) => StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
        Answer::Never => {
            // Longer than any test; the sender's deadline ends the exchange.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK
        }
    }
}
