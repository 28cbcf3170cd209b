//! The real Vigil server, started in this process on a free port with its own data directory,
//! and a client for its API.

use anyhow::Context;
use jiff::SignedDuration;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;
use vigil::serve::IncidentWorkersConfig;
use vigil::serve::{DeliveryConfig, ServeConfig, Server, start};
use vigil_domain::notify::RetryPolicy;
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};

/// A running app and a client holding its admin key.
pub struct TestApp {
    /// The server.
    pub server: Option<Server>,
    /// Its base URL.
    pub base: String,
    /// The admin key.
    pub key: String,
    /// HTTP client.
    pub client: reqwest::Client,
    data_dir: PathBuf,
    _owned_dir: Option<TempDir>,
}

/// A response: status and JSON body (or `Null`).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Content type.
    pub content_type: String,
    /// Body as JSON, `Value::Null` if empty or not JSON.
    pub json: Value,
}

/// The admin key tests use.
pub const TEST_KEY: &str = "vk_test_key_for_end_to_end_tests_0001";

/// A serve configuration over `data_dir` on a free port.
pub fn config(data_dir: &Path, policy: NetworkPolicy) -> ServeConfig {
    ServeConfig {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        data_dir: data_dir.to_owned(),
        admin_key: Some(TEST_KEY.to_owned()),
        network_policy: policy,
        body_cap: ProbeRequest::DEFAULT_BODY_CAP,
        max_in_flight: 64,
        retention: SignedDuration::from_hours(24 * 90),
        extra_ca_file: None,
        public_url: None,
        delivery: DeliveryConfig {
            // Short waits so that retry tests run in seconds.
            retry: RetryPolicy { max_attempts: 3, first_delay: Duration::from_millis(300), max_delay: Duration::from_secs(2) },
            send_timeout: Duration::from_millis(1500),
            workers: IncidentWorkersConfig {
                delivery_tick: Duration::from_millis(50),
                timer_tick: Duration::from_millis(100),
                lease: Duration::from_secs(10),
                ..IncidentWorkersConfig::default()
            },
            ..DeliveryConfig::default()
        },
        smtp: None,
        accounts: vigil_app::AccountSettings::default(),
        owner: None,
        oidc: None,
        ping_body_cap: vigil_app::HeartbeatSettings::DEFAULT_BODY_CAP,
        pings_kept: vigil_domain::heartbeat::PingCap::default(),
        // Fast, so that tests see missed deadlines within a fraction of a second.
        sweep_interval: Duration::from_millis(100),
        // Most tests wait for a new monitor's first check; the scheduler test turns the spread on.
        first_check_within: Duration::ZERO,
        config_file: None,
        live_updates: Default::default(),
    }
}

impl TestApp {
    /// Starts an app with a fresh data directory and private addresses allowed.
    pub async fn spawn() -> Self {
        Self::spawn_with(NetworkPolicy::AllowPrivate).await
    }

    /// Starts an app with a fresh data directory and the given policy.
    pub async fn spawn_with(policy: NetworkPolicy) -> Self {
        let dir = tempfile::tempdir().expect("temporary data directory");
        let mut app = Self::spawn_in(dir.path(), policy).await.expect("starting the app");
        app._owned_dir = Some(dir);
        app
    }

    /// Starts an app with a fresh data directory and the test configuration changed by `change`.
    pub async fn spawn_configured(change: impl FnOnce(&mut ServeConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temporary data directory");
        let mut config = config(dir.path(), NetworkPolicy::AllowPrivate);
        change(&mut config);
        let mut app = Self::spawn_config(config).await.expect("starting the app");
        app._owned_dir = Some(dir);
        app
    }

    /// Starts an app on an existing data directory (to test restarts).
    pub async fn spawn_in(data_dir: &Path, policy: NetworkPolicy) -> anyhow::Result<Self> {
        Self::spawn_config(config(data_dir, policy)).await
    }

    async fn spawn_config(config: ServeConfig) -> anyhow::Result<Self> {
        let data_dir = config.data_dir.clone();
        let server = start(config).await.context("starting vigil")?;
        Ok(Self {
            base: format!("http://{}", server.addr),
            server: Some(server),
            key: TEST_KEY.to_owned(),
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
            data_dir,
            _owned_dir: None,
        })
    }

    /// Stops the app and starts it again on the same data directory.
    pub async fn restart(self) -> Self {
        self.restart_after(Duration::ZERO, false).await
    }

    /// Stops the app, waits `down` (clients that reconnect find nobody), and starts it again on
    /// the same data directory, on the same port if `same_port` (as agents expect).
    pub async fn restart_after(mut self, down: Duration, same_port: bool) -> Self {
        let owned = self._owned_dir.take();
        let mut config = config(&self.data_dir, NetworkPolicy::AllowPrivate);
        if let Some(server) = self.server.take() {
            if same_port {
                config.listen = server.addr;
            }
            server.shutdown().await;
        }
        tokio::time::sleep(down).await;
        let mut app = Self::spawn_config(config).await.expect("restarting the app");
        app._owned_dir = owned;
        app
    }

    /// Sends a request with the admin key.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call_as(Some(&self.key), method, path, body).await
    }

    /// Sends a request with `key` (or none).
    pub async fn call_as(&self, key: Option<&str>, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request reached the app");
        Reply::read(response).await
    }

    /// Sends raw bytes with a content type.
    pub async fn call_raw(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request reached the app");
        Reply::read(response).await
    }

    /// Creates a monitor and returns its id, failing the test if it is refused.
    pub async fn create_monitor(&self, body: Value) -> String {
        let reply = self.call(Method::POST, "/v1/monitors", Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "creating a monitor: {:?}", reply.json);
        reply.json["id"].as_str().expect("monitor id").to_owned()
    }

    /// Creates a monitor with a long interval (unless given) and waits for the check the
    /// scheduler runs at once on every new monitor, so that the checks a test then triggers are
    /// the only ones.
    pub async fn create_quiet_monitor(&self, mut body: Value) -> String {
        if body.get("interval_seconds").is_none() {
            body["interval_seconds"] = Value::from(3600);
        }
        let id = self.create_monitor(body).await;
        self.wait_for_checks(&id, 1, Duration::from_secs(10)).await;
        id
    }

    /// Triggers a check now and returns the reply body.
    pub async fn check_now(&self, id: &str) -> Value {
        let reply = self.call(Method::POST, &format!("/v1/monitors/{id}/check"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "triggering a check: {:?}", reply.json);
        reply.json
    }

    /// Waits until the monitor's status is `status`, failing after `timeout`.
    pub async fn wait_for_status(&self, id: &str, status: &str, timeout: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let reply = self.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
            if reply.json["status"] == status {
                return reply.json;
            }
            assert!(tokio::time::Instant::now() < deadline, "monitor {id} did not become {status}: {:?}", reply.json);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the monitor has at least `count` checks and returns them, newest first.
    pub async fn wait_for_checks(&self, id: &str, count: usize, timeout: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let reply = self.call(Method::GET, &format!("/v1/monitors/{id}/checks?limit=100"), None).await;
            let items = reply.json["items"].as_array().cloned().unwrap_or_default();
            if items.len() >= count {
                return items;
            }
            assert!(tokio::time::Instant::now() < deadline, "monitor {id} has {} checks, expected {count}", items.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the app, waiting for everything acknowledged to be stored.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}

impl Reply {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = response.bytes().await.expect("reading the body");
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self { status, content_type, json }
    }

    /// Asserts this is a problem+json response of `status` whose detail contains `needle`.
    pub fn assert_problem(&self, status: u16, needle: &str) {
        assert_eq!(self.status.as_u16(), status, "{:?}", self.json);
        assert_eq!(self.content_type, "application/problem+json", "{:?}", self.json);
        assert_eq!(self.json["status"], status);
        let text = self.json.to_string();
        assert!(text.contains(needle), "expected `{needle}` in {text}");
    }
}
