//! What the incident and notification tests share: channels, rules and incidents through the
//! API, waiting with deadlines rather than sleeps.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::time::Instant;
use vigil_tests::app::TestApp;
use vigil_tests::receiver::Receiver;
use vigil_tests::target::Target;

/// Creates a webhook channel to `receiver`; returns its id and signing secret.
pub async fn webhook(app: &TestApp, name: &str, receiver: &Receiver) -> (String, String) {
    let reply = app.call(Method::POST, "/v1/channels", Some(json!({"name": name, "type": "webhook", "url": receiver.url()}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
    (reply.json["id"].as_str().unwrap().to_owned(), reply.json["secret"].as_str().unwrap().to_owned())
}

/// Creates an alert rule.
pub async fn rule(app: &TestApp, body: Value) -> String {
    let reply = app.call(Method::POST, "/v1/alert-rules", Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
    reply.json["id"].as_str().unwrap().to_owned()
}

/// A monitor of `target` that is Up, with failure threshold 1, checked only when a test says.
pub async fn watched(app: &TestApp, target: &Target, name: &str) -> String {
    let id = app.create_quiet_monitor(json!({"name": name, "url": target.url("/"), "failure_threshold": 1, "tags": ["e2e"]})).await;
    app.wait_for_status(&id, "up", Duration::from_secs(10)).await;
    id
}

/// The monitor's incidents, newest first.
pub async fn incidents_of(app: &TestApp, monitor: &str) -> Vec<Value> {
    let reply = app.call(Method::GET, &format!("/v1/incidents?monitor_id={monitor}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    reply.json["items"].as_array().cloned().unwrap_or_default()
}

/// Waits until the monitor's newest incident has `status`.
pub async fn wait_for_incident(app: &TestApp, monitor: &str, status: &str, timeout: Duration) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let incidents = incidents_of(app, monitor).await;
        if let Some(newest) = incidents.first().filter(|i| i["status"] == status) {
            return newest.clone();
        }
        assert!(Instant::now() < deadline, "no {status} incident for {monitor}: {incidents:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An incident with its timeline and deliveries.
pub async fn detail(app: &TestApp, incident: &str) -> Value {
    let reply = app.call(Method::GET, &format!("/v1/incidents/{incident}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
    reply.json
}

/// Waits until `check` holds for the incident's detail.
pub async fn wait_for_detail(app: &TestApp, incident: &str, timeout: Duration, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + timeout;
    loop {
        let detail = detail(app, incident).await;
        if check(&detail) {
            return detail;
        }
        assert!(Instant::now() < deadline, "the incident never reached the expected state: {detail:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The types of a timeline, in order.
pub fn timeline_types(detail: &Value) -> Vec<String> {
    detail["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

/// Makes the monitor go down now (the target answers 500 and a check runs).
pub async fn go_down(app: &TestApp, target: &Target, monitor: &str) {
    target.set_status(500);
    assert_eq!(app.check_now(monitor).await["status"], "down");
}

/// Makes the monitor come back up now.
pub async fn come_back(app: &TestApp, target: &Target, monitor: &str) {
    target.set_status(200);
    assert_eq!(app.check_now(monitor).await["status"], "up");
}
