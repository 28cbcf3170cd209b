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

/// A database written by an earlier build, kept in tests/fixtures (made with `vigil backup` of a
/// server with a monitor, its checks and incident, a channel and a pinged task): this build
/// opens it, migrates it if its schema is older, and shows everything. When a migration is
/// added, the fixture of the schema before it stays, and a new one is made for the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_an_earlier_build_opens_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sqlite-schema-3.db");
    std::fs::copy(fixture, dir.path().join("vigil.db")).unwrap();
    let app = TestApp::spawn_in(dir.path(), vigil_domain::probe::NetworkPolicy::AllowPrivate).await.unwrap();

    let monitors = app.call(Method::GET, "/v1/monitors", None).await;
    assert_eq!(monitors.status, 200, "the fixture's admin key still works: {:?}", monitors.json);
    let monitor = &monitors.json["items"][0];
    assert_eq!(monitor["name"], "fixture shop");
    assert_eq!(monitor["tags"], json!(["fixture"]));
    let id = monitor["id"].as_str().unwrap();
    let checks = app.call(Method::GET, &format!("/v1/monitors/{id}/checks"), None).await;
    // The fixture's two checks are there; a restart may add one as soon as it runs the overdue
    // monitor, so the fixture's are found by id.
    let ids: Vec<&str> = checks.json["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for fixture_check in ["01a24269-6735-80c1-b1f8-84c7004bcbe1", "01a24269-73b1-80c1-b1f8-84c7004bcbe1"] {
        assert!(ids.contains(&fixture_check), "{fixture_check} in {:?}", checks.json);
    }
    let incidents = app.call(Method::GET, "/v1/incidents", None).await;
    // The task of the fixture may be overdue by now, and down with an incident of its own.
    let shop = incidents.json["items"].as_array().unwrap().iter().find(|i| i["subject"]["name"] == "fixture shop").cloned();
    assert_eq!(shop.map(|i| i["status"].clone()), Some(json!("open")), "{:?}", incidents.json);
    let channels = app.call(Method::GET, "/v1/channels", None).await;
    assert_eq!(channels.json["items"][0]["name"], "fixture hook");
    let tasks = app.call(Method::GET, "/v1/tasks", None).await;
    assert_eq!(tasks.json["items"][0]["name"], "fixture backup");
    assert_eq!(tasks.json["items"][0]["pings"], 2);
}

/// A database of schema 8 (made with `vigil backup` of a server with one task pinged every way:
/// success, a start and its exit with a body and a run id, fail, log, an exit status and a start
/// left running): schema 9 re-keys heartbeat history by task, and every run and ping reads back
/// as the API listed it before, field for field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_history_of_schema_8_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sqlite-schema-8.db");
    std::fs::copy(fixture, dir.path().join("vigil.db")).unwrap();
    let before: serde_json::Value =
        serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sqlite-schema-8-history.json"))).unwrap();
    let app = TestApp::spawn_in(dir.path(), vigil_domain::probe::NetworkPolicy::AllowPrivate).await.unwrap();

    let tasks = app.call(Method::GET, "/v1/tasks", None).await;
    assert_eq!(tasks.json["items"][0]["name"], "fixture nightly", "{:?}", tasks.json);
    let id = tasks.json["items"][0]["id"].as_str().unwrap();
    let pings = app.call(Method::GET, &format!("/v1/tasks/{id}/pings"), None).await;
    assert_eq!(pings.json["items"], before["pings"]);
    assert_eq!(pings.json["items"].as_array().map(Vec::len), Some(7));
    let runs = app.call(Method::GET, &format!("/v1/tasks/{id}/runs"), None).await;
    let (runs, runs_before) = (runs.json["items"].as_array().unwrap(), before["runs"].as_array().unwrap());
    assert_eq!(runs.len(), 5, "{runs:?}");
    // The newest run was left running; by the time this runs its task may be overdue, so only
    // what a missed deadline cannot change is compared.
    assert_eq!((&runs[0]["id"], &runs[0]["started_at"]), (&runs_before[0]["id"], &runs_before[0]["started_at"]));
    assert_eq!(runs[1..], runs_before[1..]);
    assert_eq!(runs[2]["log"], "disk full", "a failed run's log is its ping's body");
    assert_eq!(runs[3]["rid"], "6f1d2c3b-0000-4000-8000-00000000abcd");
}
