//! A fake Lambda Runtime API: what Lambda runs beside a function's `bootstrap` binary. It hands
//! out one event, records the function's answer, and then, like a frozen sandbox, never hands
//! out another. [`invoke_binary`] spawns a real function binary against it, which proves the
//! binary's wiring (configuration, adapters, runtime loop), not only its handler, and measures
//! its start-up and memory.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How an invocation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The function returned this payload.
    Response(Value),
    /// The function reported this error for the invocation.
    Error(Value),
    /// The function reported this error during initialisation.
    InitError(Value),
}

#[derive(Default)]
struct State {
    event: Option<Value>,
    first_poll: Option<Instant>,
    answer: Option<Answer>,
    answered_at: Option<Instant>,
}

/// A running fake Runtime API.
pub struct FakeRuntime {
    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    state: Arc<Mutex<State>>,
    answered: Arc<Notify>,
}

/// The request id of the one invocation.
pub const REQUEST_ID: &str = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

impl FakeRuntime {
    /// Starts serving `event` as the first (and only) invocation.
    pub async fn start(event: Value) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding the runtime API");
        let address = listener.local_addr().expect("address").to_string();
        let state = Arc::new(Mutex::new(State { event: Some(event), ..State::default() }));
        let answered = Arc::new(Notify::new());
        let (serving, notify) = (Arc::clone(&state), Arc::clone(&answered));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, notify) = (Arc::clone(&serving), Arc::clone(&notify));
                tokio::spawn(async move {
                    let service = service_fn(move |request| route(Arc::clone(&state), Arc::clone(&notify), request));
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Self { address, state, answered }
    }

    /// The function's answer, waiting up to `timeout` for it.
    pub async fn answer(&self, timeout: Duration) -> Option<Answer> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(answer) = self.state.lock().expect("state").answer.clone() {
                return Some(answer);
            }
            if tokio::time::timeout_at(deadline, self.answered.notified()).await.is_err() {
                return self.state.lock().expect("state").answer.clone();
            }
        }
    }

    /// When the function first asked for an event (its initialisation was over).
    pub fn first_poll(&self) -> Option<Instant> {
        self.state.lock().expect("state").first_poll
    }

    /// When the function answered.
    pub fn answered_at(&self) -> Option<Instant> {
        self.state.lock().expect("state").answered_at
    }
}

fn reply(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder().status(status).body(Full::new(body.into())).expect("a response")
}

async fn route(state: Arc<Mutex<State>>, answered: Arc<Notify>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let body = request.into_body().collect().await?.to_bytes();
    let json = || serde_json::from_slice::<Value>(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let record = |answer: Answer| {
        {
            let mut state = state.lock().expect("state");
            state.answer = Some(answer);
            state.answered_at = Some(Instant::now());
        }
        answered.notify_waiters();
        reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
    };
    Ok(match (method, path.as_str()) {
        (Method::GET, "/2018-06-01/runtime/invocation/next") => {
            let event = {
                let mut state = state.lock().expect("state");
                state.first_poll.get_or_insert_with(Instant::now);
                state.event.take()
            };
            let Some(event) = event else {
                // A frozen sandbox: no second event, ever.
                std::future::pending::<()>().await;
                unreachable!()
            };
            let deadline = jiff::Timestamp::now().as_millisecond() + 60_000;
            Response::builder()
                .status(StatusCode::OK)
                .header("lambda-runtime-aws-request-id", REQUEST_ID)
                .header("lambda-runtime-deadline-ms", deadline.to_string())
                .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:vigil-test")
                .header("lambda-runtime-trace-id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(event.to_string())))
                .expect("an event")
        }
        (Method::POST, "/2018-06-01/runtime/init/error") => record(Answer::InitError(json())),
        (Method::POST, p) if p.ends_with("/response") => record(Answer::Response(json())),
        (Method::POST, p) if p.ends_with("/error") => record(Answer::Error(json())),
        _ => reply(StatusCode::NOT_FOUND, "unknown runtime API path"),
    })
}

/// What running a function binary for one event showed.
#[derive(Debug)]
pub struct Invocation {
    /// The answer, if it gave one before the timeout.
    pub answer: Option<Answer>,
    /// From spawning the process to its first request for an event: the cold start's init.
    pub init: Option<Duration>,
    /// From spawning the process to its answer: init plus the first event.
    pub answered: Option<Duration>,
    /// Peak resident memory (VmHWM) after answering, in KiB.
    pub peak_rss_kib: Option<u64>,
    /// The exit status, if the process ended by itself (a refused configuration).
    pub exit: Option<std::process::ExitStatus>,
    /// What it wrote to stderr (its logs).
    pub stderr: String,
}

/// Runs the function binary at `binary` with `env` against a fake Runtime API serving `event`,
/// waits for its answer (or its exit), then stops it.
pub async fn invoke_binary(binary: &Path, env: &[(&str, String)], event: Value) -> Invocation {
    let runtime = FakeRuntime::start(event).await;
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", &runtime.address)
        .env("AWS_LAMBDA_FUNCTION_NAME", "vigil-test")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/vigil-test")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]0123456789abcdef")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let spawned = Instant::now();
    let mut child = command.spawn().unwrap_or_else(|e| panic!("spawning {}: {e}", binary.display()));
    let pid = child.id();
    let mut stderr = child.stderr.take().expect("stderr");
    let collect = tokio::spawn(async move {
        let mut text = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut stderr, &mut text).await;
        String::from_utf8_lossy(&text).into_owned()
    });
    let exit = tokio::select! {
        answer = runtime.answer(Duration::from_secs(60)) => { let _ = answer; None }
        status = child.wait() => status.ok(),
    };
    let peak_rss_kib = pid.and_then(peak_rss_kib);
    let _ = child.start_kill();
    let _ = child.wait().await;
    let stderr = tokio::time::timeout(Duration::from_secs(5), collect).await.ok().and_then(Result::ok).unwrap_or_default();
    Invocation {
        answer: runtime.answer(Duration::ZERO).await,
        init: runtime.first_poll().map(|at| at - spawned),
        answered: runtime.answered_at().map(|at| at - spawned),
        peak_rss_kib,
        exit,
        stderr,
    }
}

/// VmHWM of a process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| line.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
