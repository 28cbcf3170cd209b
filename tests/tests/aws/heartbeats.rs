//! Heartbeats through the AWS functions on the emulator: pings through the heartbeat function
//! (API Gateway events), their runs and bodies (large ones on S3) through the tasks function, and
//! a failed run opening an incident through the incidents function that the next success
//! resolves.

use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::wiring;
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{PUBLIC_URL, Session, queue_arn};
use vigil_tests::lambda::{ApiAnswer, api_request, call_api, receive_all, settle, sqs_event};

fn ping_event(method: &str, path: &str, body: Option<&str>) -> Value {
    let mut event = api_request(method, path, None, None);
    if let Some(body) = body {
        event["body"] = json!(body);
    }
    event
}

async fn handle_incident_events(session: &Session) -> usize {
    let r = &session.resources;
    let messages = receive_all(session.clients.sqs(), &r.incident_queue_url).await;
    let event = LambdaEvent::new(sqs_event(&messages, &queue_arn(&r.incident_queue_url)), Context::default());
    let response = vigil_fn_incidents::handle(&session.wired(wiring::incidents_deps), event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    settle(session.clients.sqs(), &r.incident_queue_url, &messages, &[]).await;
    messages.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_through_the_heartbeat_function_make_runs_and_incidents() {
    let session = Session::start().await;
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&session.deps(), Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let http_api = crate::http_api::http_api(&session);
    let heartbeat = vigil_fn_heartbeat::app(session.wired(wiring::heartbeat_deps));
    let call = |method: &str, path: &str, body: Option<Value>| {
        let event = api_request(method, path, Some(TEST_KEY), body.as_ref());
        let http_api = http_api.clone();
        async move { call_api(&http_api, event).await }
    };
    let ping = |method: &str, path: &str, body: Option<&str>| {
        let event = ping_event(method, path, body);
        let heartbeat = heartbeat.clone();
        async move { call_api(&heartbeat, event).await }
    };
    let text = |answer: &ApiAnswer| answer.raw["body"].as_str().unwrap_or_default().to_owned();

    let task = call("POST", "/v1/tasks", Some(json!({"name": "backup", "period_seconds": 3600}))).await;
    assert_eq!(task.status, 201, "{:?}", task.json);
    let id = task.json["id"].as_str().unwrap().to_owned();
    let url = task.json["ping_url"].as_str().unwrap().to_owned();
    let path = url.strip_prefix(PUBLIC_URL.trim_end_matches('/')).expect("ping URLs start with the public URL").to_owned();

    let started = ping("GET", &format!("{path}/start?rid=123e4567-e89b-12d3-a456-426614174000"), None).await;
    assert_eq!((started.status, text(&started)), (200, "OK".to_owned()));
    assert_eq!(call("GET", &format!("/v1/tasks/{id}"), None).await.json["status"], "running");
    let big = "x".repeat(5000);
    let done = ping("POST", &format!("{path}/0?rid=123e4567-e89b-12d3-a456-426614174000"), Some(&big)).await;
    assert_eq!(done.status, 200);
    assert_eq!(call("GET", &format!("/v1/tasks/{id}"), None).await.json["status"], "up");
    let runs = call("GET", &format!("/v1/tasks/{id}/runs"), None).await;
    assert_eq!(runs.json["items"][0]["state"], "completed", "{:?}", runs.json);
    assert_eq!(runs.json["items"][0]["log"].as_str().map(str::len), Some(5000), "a body beyond the inline size comes back from S3");

    // A failed run opens an incident through the events topic and the incidents function.
    handle_incident_events(&session).await;
    assert_eq!(ping("GET", &format!("{path}/fail"), None).await.status, 200);
    assert_eq!(call("GET", &format!("/v1/tasks/{id}"), None).await.json["status"], "down");
    assert!(handle_incident_events(&session).await >= 1);
    let incidents = call("GET", &format!("/v1/incidents?task_id={id}"), None).await;
    assert_eq!(incidents.json["items"][0]["status"], "open", "{:?}", incidents.json);
    assert_eq!(ping("GET", &path, None).await.status, 200);
    handle_incident_events(&session).await;
    let incidents = call("GET", &format!("/v1/incidents?task_id={id}"), None).await;
    assert_eq!(incidents.json["items"][0]["status"], "resolved", "{:?}", incidents.json);
    assert_eq!(incidents.json["items"].as_array().map(Vec::len), Some(1));

    // Unknown tokens and malformed paths: a clear answer, nothing stored.
    let unknown = ping("GET", "/ping/7c9e6679-7425-40de-944b-e07fc1f90ae7", None).await;
    assert_eq!((unknown.status, text(&unknown)), (404, "not found".to_owned()));
    assert_eq!(ping("GET", "/ping/not-a-token", None).await.status, 400);
    assert_eq!(call("GET", &format!("/v1/tasks/{id}"), None).await.json["pings"], 4);
}
