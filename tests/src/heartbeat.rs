//! Helpers for end-to-end tests of heartbeat tasks: creating tasks, sending pings as a job
//! would, and waiting for the status changes the app publishes.

use crate::app::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use tokio::sync::broadcast;
use vigil_domain::events::{DomainEvent, TaskStatusChanged};

/// A ping's answer: status, body text and the `Ping-Body-Limit` header.
#[derive(Debug)]
pub struct PingReply {
    /// HTTP status.
    pub status: StatusCode,
    /// Body.
    pub text: String,
    /// `Ping-Body-Limit`, if sent.
    pub body_limit: Option<String>,
}

impl TestApp {
    /// Creates a task and returns its JSON, failing the test if it is refused.
    pub async fn create_task(&self, body: Value) -> Value {
        let reply = self.call(Method::POST, "/v1/tasks", Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "creating a task: {:?}", reply.json);
        reply.json
    }

    /// Sends a ping: `url` is absolute (as the API shows it) or a path.
    pub async fn ping(&self, method: Method, url: &str, body: Option<Vec<u8>>) -> PingReply {
        let url = if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", self.base) };
        let mut request = self.client.request(method, url);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("the ping reached the app");
        let status = response.status();
        let body_limit = response.headers().get("ping-body-limit").and_then(|v| v.to_str().ok()).map(str::to_owned);
        PingReply { status, text: response.text().await.expect("reading the answer"), body_limit }
    }

    /// Subscribes to the app's events.
    pub fn events(&self) -> broadcast::Receiver<DomainEvent> {
        self.server.as_ref().expect("running").bus.subscribe()
    }

    /// A task's JSON.
    pub async fn task(&self, id: &str) -> Value {
        let reply = self.call(Method::GET, &format!("/v1/tasks/{id}"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        reply.json
    }

    /// A task's runs or pings (`what`), newest first.
    pub async fn history(&self, id: &str, what: &str) -> Vec<Value> {
        let reply = self.call(Method::GET, &format!("/v1/tasks/{id}/{what}?limit=100"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        reply.json["items"].as_array().cloned().unwrap_or_default()
    }
}

/// Waits for the next status change of task `id` to `to`, failing after `timeout`; other
/// events are skipped.
pub async fn wait_for_change(events: &mut broadcast::Receiver<DomainEvent>, id: &str, to: &str, timeout: Duration) -> TaskStatusChanged {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("task {id} did not change to {to} within {timeout:?}"))
            .expect("the event bus is open");
        if let DomainEvent::TaskStatusChanged(change) = event
            && change.task_id.to_string() == id
            && change.to.as_str() == to
        {
            return change;
        }
    }
}
