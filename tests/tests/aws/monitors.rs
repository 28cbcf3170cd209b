//! The monitors function on the emulator: every route API Gateway sends it (`/v1/monitors` and
//! below, but "check now", the check-now function's), on its own wiring, so a store its routes
//! reach but it leaves unwired fails here; and every request it and the check-now function make
//! is one functions/manifest.json declares for them.

use crate::pipeline::assert_declared;
use serde_json::{Value, json};
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, clients};
use vigil_tests::lambda::{ApiAnswer, api_request, call_api};
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitors_function_serves_a_monitor_from_creation_to_deletion() {
    let session = Session::start().await;
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&session.deps(), Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let failing = Target::http().await;
    failing.set_status(503);

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let monitors = vigil_fn_api::monitors_app(wiring::monitors_deps(&counted, &session.store_config()).unwrap());
    let check_now_counter = RequestCounter::default();
    let check_now_clients =
        clients(&session.endpoint, ClientOptions { counter: Some(check_now_counter.clone()), ..ClientOptions::default() }).await;
    let check_now = vigil_fn_api::check_now_app(vigil_fn_api::check_now_deps(&check_now_clients, &session.store_config()).unwrap());
    let call = |router: &axum::Router, method: &str, path: &str, body: Option<Value>| {
        let (router, event) = (router.clone(), api_request(method, path, Some(TEST_KEY), body.as_ref()));
        async move { call_api(&router, event).await }
    };
    let expect = |answer: &ApiAnswer, status: u16| assert_eq!(answer.status, status, "{}", answer.raw);

    let body = json!({"name": "shop", "url": failing.url("/"), "interval_seconds": 3600, "failure_threshold": 1});
    let created = call(&monitors, "POST", "/v1/monitors", Some(body)).await;
    expect(&created, 201);
    let id = created.json["id"].as_str().unwrap().to_owned();
    let listed = call(&monitors, "GET", "/v1/monitors", None).await;
    expect(&listed, 200);
    assert_eq!(listed.json["items"][0]["id"], id.as_str());
    let renamed = call(&monitors, "PATCH", &format!("/v1/monitors/{id}"), Some(json!({"name": "shop front"}))).await;
    expect(&renamed, 200);
    assert_eq!(call(&monitors, "GET", &format!("/v1/monitors/{id}"), None).await.json["name"], "shop front");
    assert_eq!(call(&monitors, "POST", &format!("/v1/monitors/{id}/pause"), None).await.json["status"], "paused");
    assert_eq!(call(&monitors, "POST", &format!("/v1/monitors/{id}/resume"), None).await.json["status"], "pending");

    // "Check now" is the check-now function's (API Gateway routes it there): the monitors
    // function has no probe engine and does not know the route, nor the check-now function any
    // other.
    expect(&call(&monitors, "POST", &format!("/v1/monitors/{id}/check"), None).await, 404);
    expect(&call(&check_now, "GET", &format!("/v1/monitors/{id}"), None).await, 404);
    let checked = call(&check_now, "POST", &format!("/v1/monitors/{id}/check"), None).await;
    assert!(checked.status < 300, "{}", checked.raw);
    assert_eq!(failing.hits(), 1);

    // The check, its failure's artefact from S3, uptime and the transition it caused.
    let checks = call(&monitors, "GET", &format!("/v1/monitors/{id}/checks"), None).await;
    expect(&checks, 200);
    let check_id = checks.json["items"][0]["id"].as_str().unwrap().to_owned();
    let check = call(&monitors, "GET", &format!("/v1/monitors/{id}/checks/{check_id}"), None).await;
    expect(&check, 200);
    assert_eq!(check.json["failure"]["class"], "bad_status", "{}", check.json);
    assert!(!check.json["artefact"].is_null(), "the failure's response, kept in S3: {}", check.json);
    let uptime = call(&monitors, "GET", &format!("/v1/monitors/{id}/uptime"), None).await;
    expect(&uptime, 200);
    let transitions = call(&monitors, "GET", &format!("/v1/monitors/{id}/transitions"), None).await;
    assert_eq!(transitions.json["items"][0]["to"], "down", "{}", transitions.json);

    expect(&call(&monitors, "PUT", &format!("/v1/monitors/{id}/mute"), Some(json!({}))).await, 200);
    expect(&call(&monitors, "DELETE", &format!("/v1/monitors/{id}/mute"), None).await, 204);
    let unknown = call(&monitors, "GET", &format!("/v1/monitors/{id}/nothing-here"), None).await;
    expect(&unknown, 404);
    assert_eq!(unknown.raw["headers"]["content-type"], "application/problem+json");

    // Deletion resolves the monitor's incident and announces it.
    expect(&call(&monitors, "DELETE", &format!("/v1/monitors/{id}"), None).await, 204);
    expect(&call(&monitors, "GET", &format!("/v1/monitors/{id}/checks/{check_id}"), None).await, 404);

    // What it did is in the audit log, from the caller's address as API Gateway gave it.
    // The audit log is read through the accounts function.
    let accounts = vigil_fn_api::accounts_app(session.wired(wiring::accounts_deps));
    let log = call(&accounts, "GET", "/v1/audit-log?target_kind=monitor", None).await;
    let actions: Vec<&str> = log.json["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["monitor.create", "monitor.update", "monitor.pause", "monitor.resume", "monitor.mute", "monitor.unmute"] {
        assert!(actions.contains(&action), "{action} is not in {actions:?}");
    }
    let unmuted = log.json["items"].as_array().unwrap().iter().find(|e| e["action"] == "monitor.unmute").unwrap();
    assert_eq!(unmuted["origin"]["ip"], "203.0.113.10", "{unmuted}");

    assert_declared("monitors", &counter);
    assert_declared("check-now", &check_now_counter);
}
