//! The task management API: validation, slugs, updates, pause and resume, deletion.

use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use vigil_tests::app::TestApp;
use vigil_tests::heartbeat::wait_for_change;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_are_validated_listed_updated_and_deleted() {
    let app = TestApp::spawn().await;
    let post = |body| app.call(Method::POST, "/v1/tasks", Some(body));
    post(json!({"period_seconds": 60})).await.assert_problem(400, "name: is required");
    post(json!({"name": "x", "cron": "61 * * * *"})).await.assert_problem(400, "cron: bad minute");
    post(json!({"name": "x", "cron": "0 2 * * *", "timezone": "Mars/Olympus"})).await.assert_problem(400, "timezone");
    post(json!({"name": "x", "period_seconds": 0})).await.assert_problem(400, "period_seconds");
    post(json!({"name": "x", "slug": "Bad Slug"})).await.assert_problem(400, "slug");
    post(json!({"name": "x", "colour": "red"})).await.assert_problem(400, "`colour` is not a field of this object");
    let reply = post(json!({"name": "x", "max_run_seconds": 5, "min_run_seconds": 9})).await;
    reply.assert_problem(400, "min_run_seconds");
    assert_eq!(reply.json["type"], "https://vigil.dev/problems/invalid-task");

    let nightly = app
        .create_task(json!({"name": "nightly", "slug": "nightly", "cron": "30 2 * * *", "timezone": "Europe/Riga", "grace_seconds": 900}))
        .await;
    assert_eq!((nightly["cron"].as_str(), nightly["timezone"].as_str()), (Some("30 2 * * *"), Some("Europe/Riga")));
    assert_eq!(nightly["max_run_seconds"], serde_json::Value::Null);
    assert!(nightly["ping_url"].as_str().unwrap().starts_with(&format!("{}/ping/", app.base)));
    for (kind, suffix) in [("start", "/start"), ("fail", "/fail"), ("log", "/log"), ("exit_status", "/{exit-status}")] {
        assert_eq!(nightly["ping_urls"][kind].as_str().unwrap(), format!("{}{suffix}", nightly["ping_url"].as_str().unwrap()));
    }
    let token = nightly["ping_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_eq!(token.parse::<uuid::Uuid>().unwrap().get_version_num(), 4, "a random UUIDv4 token");
    post(json!({"name": "clash", "slug": "nightly"})).await.assert_problem(409, "nightly");

    let id = nightly["id"].as_str().unwrap();
    let patched = app.call(Method::PATCH, &format!("/v1/tasks/{id}"), Some(json!({"period_seconds": 600, "max_run_seconds": 120}))).await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.json);
    assert_eq!((patched.json["period_seconds"].as_u64(), patched.json["cron"].as_str()), (Some(600), None));
    assert_eq!((patched.json["revision"].as_u64(), patched.json["max_run_seconds"].as_u64()), (Some(2), Some(120)));
    let cleared = app.call(Method::PATCH, &format!("/v1/tasks/{id}"), Some(json!({"max_run_seconds": null}))).await;
    assert_eq!(cleared.json["max_run_seconds"], serde_json::Value::Null);
    app.call(Method::PATCH, &format!("/v1/tasks/{id}"), Some(json!({"grace_seconds": 0}))).await.assert_problem(400, "grace_seconds");

    let second = app.create_task(json!({"name": "second"})).await;
    let listed = app.call(Method::GET, "/v1/tasks?limit=1", None).await;
    assert_eq!(listed.json["items"][0]["id"], nightly["id"]);
    let cursor = listed.json["next_cursor"].as_str().unwrap();
    let rest = app.call(Method::GET, &format!("/v1/tasks?limit=1&cursor={cursor}"), None).await;
    assert_eq!(rest.json["items"][0]["id"], second["id"]);
    assert_eq!(rest.json["next_cursor"], serde_json::Value::Null);

    app.call(Method::GET, "/v1/tasks/not-a-uuid", None).await.assert_problem(404, "not-a-uuid");
    app.call(Method::GET, "/v1/tasks/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/runs", None).await.assert_problem(404, "no task");
    app.call_as(None, Method::GET, "/v1/tasks", None).await.assert_problem(401, "Bearer");

    let deleted = app.call(Method::DELETE, &format!("/v1/tasks/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.ping(Method::GET, &format!("/ping/{token}"), None).await.status, StatusCode::NOT_FOUND);
    app.call(Method::GET, &format!("/v1/tasks/{id}"), None).await.assert_problem(404, "no task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_and_resume_announce_their_changes() {
    let app = TestApp::spawn().await;
    let mut events = app.events();
    let task = app.create_task(json!({"name": "pausable", "period_seconds": 1, "grace_seconds": 1})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    app.ping(Method::GET, url, None).await;
    wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;
    let paused = app.call(Method::POST, &format!("/v1/tasks/{id}/pause"), None).await;
    assert_eq!(paused.json["status"], "paused");
    wait_for_change(&mut events, id, "paused", Duration::from_secs(5)).await;
    // No deadline: the sweeper never looks at a paused task, so it cannot turn late.
    assert_eq!(paused.json["next_deadline_at"], serde_json::Value::Null);
    assert_eq!(paused.json["expected_at"], serde_json::Value::Null);
    let resumed = app.call(Method::POST, &format!("/v1/tasks/{id}/resume"), None).await;
    assert_eq!(resumed.json["status"], "new");
    wait_for_change(&mut events, id, "new", Duration::from_secs(5)).await;
}
