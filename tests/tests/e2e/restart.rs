use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use vigil_tests::app::TestApp;
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_state_and_history_survive_a_restart_and_checking_resumes() {
    let target = Target::http().await;
    let app = TestApp::spawn().await;
    let id = app.create_monitor(json!({"name": "durable", "url": target.url("/"), "interval_seconds": 10, "failure_threshold": 1})).await;
    target.set_status(500);
    let down = app.check_now(&id).await;
    assert_eq!(down["status"], "down");
    let before = app.call(Method::GET, &format!("/v1/monitors/{id}/checks"), None).await;
    let checks_before = before.json["items"].as_array().unwrap().len();

    let app = app.restart().await;
    let monitor = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(monitor.json["name"], "durable");
    assert_eq!(monitor.json["status"], "down");
    assert_eq!(monitor.json["status_since"], down["status_since"]);
    let transitions = app.call(Method::GET, &format!("/v1/monitors/{id}/transitions"), None).await;
    assert_eq!(transitions.json["items"][0]["to"], "down");

    // The scheduler picks the monitor up again on its own.
    let checks = app.wait_for_checks(&id, checks_before + 1, Duration::from_secs(25)).await;
    assert_eq!(checks[0]["result"], "down");
    target.set_status(200);
    app.wait_for_status(&id, "up", Duration::from_secs(25)).await;
}
