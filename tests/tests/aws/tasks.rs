//! The tasks function on the emulator: every route API Gateway sends it (`/v1/tasks` and
//! below), on its own wiring, with pings through the heartbeat function; every request it makes
//! is one functions/manifest.json declares for it.

use crate::pipeline::assert_declared;
use serde_json::{Value, json};
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{PUBLIC_URL, Session, clients};
use vigil_tests::lambda::{ApiAnswer, api_request, call_api};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tasks_function_serves_a_task_from_creation_to_deletion() {
    let session = Session::start().await;
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&session.deps(), Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let tasks = vigil_fn_api::tasks_app(wiring::tasks_deps(&counted, &session.store_config()).unwrap());
    let heartbeat = vigil_fn_heartbeat::app(session.wired(wiring::heartbeat_deps));
    let call = |router: &axum::Router, method: &str, path: &str, key: Option<&str>, body: Option<Value>| {
        let (router, event) = (router.clone(), api_request(method, path, key, body.as_ref()));
        async move { call_api(&router, event).await }
    };
    let expect = |answer: &ApiAnswer, status: u16| assert_eq!(answer.status, status, "{}", answer.raw);

    let created = call(&tasks, "POST", "/v1/tasks", Some(TEST_KEY), Some(json!({"name": "backup", "period_seconds": 3600}))).await;
    expect(&created, 201);
    let id = created.json["id"].as_str().unwrap().to_owned();
    let url = created.json["ping_url"].as_str().unwrap().to_owned();
    let ping_path = url.strip_prefix(PUBLIC_URL.trim_end_matches('/')).expect("ping URLs start with the public URL").to_owned();
    assert_eq!(call(&tasks, "GET", "/v1/tasks", Some(TEST_KEY), None).await.json["items"][0]["id"], id.as_str());
    expect(&call(&tasks, "PATCH", &format!("/v1/tasks/{id}"), Some(TEST_KEY), Some(json!({"name": "nightly backup"}))).await, 200);
    assert_eq!(call(&tasks, "GET", &format!("/v1/tasks/{id}"), Some(TEST_KEY), None).await.json["name"], "nightly backup");

    // A run whose log is too big to keep inline: its body goes to S3, and comes back from there.
    let start = api_request("GET", &format!("{ping_path}/start?rid=123e4567-e89b-12d3-a456-426614174000"), None, None);
    expect(&call_api(&heartbeat, start).await, 200);
    let mut done = api_request("POST", &format!("{ping_path}/0?rid=123e4567-e89b-12d3-a456-426614174000"), None, None);
    done["body"] = json!("x".repeat(5000));
    expect(&call_api(&heartbeat, done).await, 200);
    let runs = call(&tasks, "GET", &format!("/v1/tasks/{id}/runs"), Some(TEST_KEY), None).await;
    assert_eq!(runs.json["items"][0]["state"], "completed", "{}", runs.json);
    assert_eq!(runs.json["items"][0]["log"].as_str().map(str::len), Some(5000), "the log comes back from S3");
    let pings = call(&tasks, "GET", &format!("/v1/tasks/{id}/pings"), Some(TEST_KEY), None).await;
    assert_eq!(pings.json["items"].as_array().map(Vec::len), Some(2), "{}", pings.json);

    assert_eq!(call(&tasks, "POST", &format!("/v1/tasks/{id}/pause"), Some(TEST_KEY), None).await.json["status"], "paused");
    expect(&call(&tasks, "POST", &format!("/v1/tasks/{id}/resume"), Some(TEST_KEY), None).await, 200);
    let unknown = call(&tasks, "GET", &format!("/v1/tasks/{id}/nothing-here"), Some(TEST_KEY), None).await;
    expect(&unknown, 404);
    assert_eq!(unknown.raw["headers"]["content-type"], "application/problem+json");
    expect(&call(&tasks, "GET", "/v1/tasks", None, None).await, 401);
    expect(&call(&tasks, "DELETE", &format!("/v1/tasks/{id}"), Some(TEST_KEY), None).await, 204);
    expect(&call(&tasks, "GET", &format!("/v1/tasks/{id}"), Some(TEST_KEY), None).await, 404);

    // What it did is in the audit log, from the caller's address as API Gateway gave it.
    // The audit log is read through the accounts function.
    let accounts = vigil_fn_api::accounts_app(session.wired(wiring::accounts_deps));
    let log = call(&accounts, "GET", "/v1/audit-log?target_kind=task", Some(TEST_KEY), None).await;
    let entries = log.json["items"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["task.create", "task.update", "task.pause", "task.resume", "task.delete"] {
        assert!(actions.contains(&action), "{action} is not in {actions:?}");
    }
    assert!(entries.iter().all(|e| e["origin"]["ip"] == "203.0.113.10"), "{entries:?}");

    assert_declared("tasks", &counter);
    assert!(counter.snapshot().keys().any(|(service, _)| service.eq_ignore_ascii_case("s3")), "the log was read from S3 by the function");
}
