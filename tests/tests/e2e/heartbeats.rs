//! The ping protocol end to end: real HTTP clients (curl included, when installed) against the
//! real app, and the status changes it publishes.

use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use vigil_tests::app::TestApp;
use vigil_tests::heartbeat::wait_for_change;

const RID_A: &str = "123e4567-e89b-12d3-a456-426614174000";
const RID_B: &str = "9d2b4a9e-0c3f-4a4e-8f51-6e1e0a6b7c01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_and_finish_pairs_with_and_without_rid() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "backup", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    assert_eq!(task["status"], "new");

    let reply = app.ping(Method::GET, &format!("{url}/start"), None).await;
    assert_eq!((reply.status, reply.text.as_str()), (StatusCode::OK, "OK"));
    assert_eq!(app.task(id).await["status"], "running");
    tokio::time::sleep(Duration::from_millis(30)).await;
    app.ping(Method::POST, url, Some(b"backup of 3 databases done".to_vec())).await;
    let task = app.task(id).await;
    assert_eq!((task["status"].as_str(), task["running"].as_u64()), (Some("up"), Some(0)));

    // Two concurrent runs, finished in the other order, each paired by its rid.
    app.ping(Method::GET, &format!("{url}/start?rid={RID_A}"), None).await;
    app.ping(Method::GET, &format!("{url}/start?rid={RID_B}"), None).await;
    assert_eq!(app.task(id).await["running"], 2);
    app.ping(Method::POST, &format!("{url}/0?rid={RID_B}"), Some(b"b ok".to_vec())).await;
    assert_eq!(app.task(id).await["status"], "running", "run A is still open");
    app.ping(Method::POST, &format!("{url}/1?rid={RID_A}"), Some(b"a broke".to_vec())).await;

    let runs = app.history(id, "runs").await;
    assert_eq!(runs.len(), 3, "{runs:?}");
    // Newest first by when each run began: B started after A.
    let (b, a, first) = (&runs[0], &runs[1], &runs[2]);
    assert_eq!((a["rid"].as_str(), a["state"].as_str(), a["exit_status"].as_u64()), (Some(RID_A), Some("failed"), Some(1)));
    assert_eq!(a["log"], "a broke");
    assert_eq!(a["reason"], "the job exited with status 1");
    assert_eq!((b["rid"].as_str(), b["state"].as_str(), b["exit_status"].as_u64()), (Some(RID_B), Some("completed"), Some(0)));
    assert_eq!(b["log"], "b ok");
    assert_eq!((first["state"].as_str(), first["log"].as_str()), (Some("completed"), Some("backup of 3 databases done")));
    assert!(first["duration_ms"].as_i64().unwrap() >= 30, "{first:?}");
    for run in &runs {
        assert!(run["started_at"].is_string() && run["finished_at"].is_string(), "{run:?}");
    }
    let task = app.task(id).await;
    assert_eq!(task["status"], "down", "the last run failed");
    assert_eq!(task["pings"], 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_fail_log_and_methods() {
    let app = TestApp::spawn().await;
    let mut events = app.events();
    let task = app.create_task(json!({"name": "etl", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());

    app.ping(Method::HEAD, &format!("{url}/0"), None).await;
    let up = wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;
    assert_eq!(up.from.as_str(), "new");
    let reply = app.ping(Method::GET, &format!("{url}/3"), None).await;
    assert_eq!(reply.text, "OK");
    let down = wait_for_change(&mut events, id, "down", Duration::from_secs(5)).await;
    assert_eq!(down.reason, "the job exited with status 3");
    assert_eq!(down.task_name, "etl");

    app.ping(Method::POST, &format!("{url}/log"), Some(b"step 2 of 5".to_vec())).await;
    assert_eq!(app.task(id).await["status"], "down", "a log changes no status");
    app.ping(Method::POST, url, None).await;
    wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;
    app.ping(Method::GET, &format!("{url}/fail"), None).await;
    let failed = wait_for_change(&mut events, id, "down", Duration::from_secs(5)).await;
    assert_eq!(failed.reason, "the job reported a failure");

    let pings = app.history(id, "pings").await;
    let kinds: Vec<_> = pings.iter().map(|p| (p["kind"].as_str().unwrap(), p["method"].as_str().unwrap())).collect();
    assert_eq!(kinds, [("fail", "GET"), ("success", "POST"), ("log", "POST"), ("exit", "GET"), ("exit", "HEAD")]);
    assert_eq!(pings[2]["body"], "step 2 of 5");
    assert_eq!((pings[3]["exit_status"].as_u64(), pings[4]["exit_status"].as_u64()), (Some(3), Some(0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_deadline_is_down_and_a_late_ping_resolves_it() {
    let app = TestApp::spawn().await;
    let mut events = app.events();
    let task = app.create_task(json!({"name": "every second", "period_seconds": 1, "grace_seconds": 1})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    app.ping(Method::GET, url, None).await;
    let up = wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;

    let late = wait_for_change(&mut events, id, "late", Duration::from_secs(5)).await;
    let down = wait_for_change(&mut events, id, "down", Duration::from_secs(5)).await;
    // Deadline: one period for late, plus the grace for down. The sweeper ticks every 100 ms;
    // the upper bounds leave room for a loaded machine (the bar is 60 s).
    let after = |event: &vigil_domain::events::TaskStatusChanged| event.at.duration_since(up.at).as_millis();
    assert!((1000..3000).contains(&after(&late)), "late {} ms after the ping", after(&late));
    assert!((2000..4000).contains(&after(&down)), "down {} ms after the ping", after(&down));
    assert!(down.reason.starts_with("no ping since") && down.reason.contains("grace 1 s"), "{}", down.reason);
    assert_eq!(app.task(id).await["status"], "down");

    app.ping(Method::GET, url, None).await;
    let resolved = wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;
    assert_eq!(resolved.from.as_str(), "down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_longer_than_its_limit_fails() {
    let app = TestApp::spawn().await;
    let mut events = app.events();
    let task = app.create_task(json!({"name": "slow", "period_seconds": 3600, "grace_seconds": 600, "max_run_seconds": 1})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    app.ping(Method::GET, &format!("{url}/start"), None).await;
    wait_for_change(&mut events, id, "running", Duration::from_secs(5)).await;
    let down = wait_for_change(&mut events, id, "down", Duration::from_secs(5)).await;
    assert!(down.reason.contains("did not finish within 1 s"), "{}", down.reason);
    let runs = app.history(id, "runs").await;
    assert_eq!((runs[0]["state"].as_str(), runs[0]["duration_ms"].as_i64()), (Some("failed"), Some(1000)));
    // The late finish of the same run is a new run without a start; it resolves the task.
    app.ping(Method::GET, url, None).await;
    wait_for_change(&mut events, id, "up", Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_capped_with_a_note() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "noisy", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    let cap = vigil_app::HeartbeatSettings::DEFAULT_BODY_CAP;
    let reply = app.ping(Method::POST, url, Some(vec![b'y'; 250_000])).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body_limit, Some(cap.to_string()));
    app.ping(Method::POST, &format!("{url}/log"), Some(b"short".to_vec())).await;

    let pings = app.history(id, "pings").await;
    let big = &pings[1];
    assert_eq!((big["body_bytes_received"].as_u64(), big["body_truncated"].as_bool()), (Some(250_000), Some(true)));
    let text = big["body"].as_str().unwrap();
    assert!(text.starts_with(&"y".repeat(cap)), "the first {cap} bytes are kept");
    assert!(text.ends_with(&format!("[vigil: truncated, 250000 bytes received, the first {cap} kept]\n")), "{}", &text[cap..]);
    assert_eq!((pings[0]["body"].as_str(), pings[0]["body_truncated"].as_bool()), (Some("short"), Some(false)));
    let runs = app.history(id, "runs").await;
    assert!(runs[0]["log"].as_str().unwrap().contains("[vigil: truncated"), "the run's log is the capped body");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_keeps_its_newest_pings_and_every_run() {
    let app = TestApp::spawn_configured(|c| c.pings_kept = vigil_domain::heartbeat::PingCap::new(5).unwrap()).await;
    let task = app.create_task(json!({"name": "in a loop", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    for n in 0..23 {
        let reply = app.ping(Method::POST, url, Some(format!("pass {n}").into_bytes())).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let pings = app.history(id, "pings").await;
    let bodies: Vec<&str> = pings.iter().map(|p| p["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["pass 22", "pass 21", "pass 20", "pass 19", "pass 18"], "the newest five");
    assert_eq!(app.task(id).await["pings"], 23, "every ping is counted");
    let runs = app.history(id, "runs").await;
    assert_eq!(runs.len(), 23, "runs are kept whole");
    assert_eq!(runs[0]["log"], "pass 22");
    let logs: Vec<&str> = runs.iter().map(|run| run["log"].as_str().unwrap_or("(none)")).collect();
    let expected: Vec<String> = (0..23).rev().map(|n| format!("pass {n}")).collect();
    assert_eq!(logs, expected, "a run keeps the end of its log after the cap prunes its finishing ping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tokens_and_malformed_paths_store_nothing() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "quiet", "slug": "quiet", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    let token = url.rsplit('/').next().unwrap();
    let cases: Vec<(Method, String, u16, &str)> = vec![
        (Method::GET, "/ping/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278".into(), 404, "not found"),
        (Method::POST, "/ping/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278/start".into(), 404, "not found"),
        (Method::GET, "/ping/not-a-uuid".into(), 400, "invalid url format"),
        (Method::GET, format!("/ping/{token}/256"), 400, "invalid url format"),
        (Method::GET, format!("/ping/{token}/stop"), 400, "invalid url format"),
        (Method::GET, format!("/ping/{token}/start/now"), 400, "invalid url format"),
        (Method::GET, format!("/ping/{token}?rid=123"), 400, "invalid uuid format"),
        (Method::GET, "/ping/nosuchkey/quiet".into(), 404, "not found"),
        (Method::GET, "/ping/somekey/Quiet".into(), 400, "invalid url format"),
        (Method::PUT, format!("/ping/{token}"), 405, "method not allowed"),
        (Method::DELETE, format!("/ping/{token}/fail"), 405, "method not allowed"),
    ];
    for (method, path, status, text) in cases {
        let reply = app.ping(method.clone(), &path, Some(b"payload".to_vec())).await;
        assert_eq!(reply.status.as_u16(), status, "{method} {path}: {}", reply.text);
        assert!(reply.text.starts_with(text), "{method} {path}: {}", reply.text);
    }
    assert!(app.history(id, "pings").await.is_empty(), "nothing stored");
    assert!(app.history(id, "runs").await.is_empty());
    let task = app.task(id).await;
    assert_eq!((task["status"].as_str(), task["pings"].as_u64()), (Some("new"), Some(0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slug_urls_ping_the_task() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "DB backup", "slug": "db-backup", "period_seconds": 3600})).await;
    let id = task["id"].as_str().unwrap();
    let urls = &task["slug_ping_urls"];
    let success = urls["success"].as_str().unwrap();
    assert!(success.starts_with(&format!("{}/ping/", app.base)) && success.ends_with("/db-backup"), "{success}");
    app.ping(Method::GET, urls["start"].as_str().unwrap(), None).await;
    assert_eq!(app.task(id).await["status"], "running");
    let reply = app.ping(Method::GET, &urls["exit_status"].as_str().unwrap().replace("{exit-status}", "0"), None).await;
    assert_eq!(reply.text, "OK");
    assert_eq!(app.task(id).await["status"], "up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crontab_line_with_curl_pings() {
    if std::process::Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl is not installed: the crontab-line test is skipped (the other tests use an HTTP client library)");
        return;
    }
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "cron job", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap().to_owned(), task["ping_url"].as_str().unwrap().to_owned());
    let line = format!("true && curl -fsS -m 10 --retry 5 {url}");
    let output = tokio::task::spawn_blocking(move || std::process::Command::new("sh").args(["-c", &line]).output().unwrap()).await.unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "OK");
    let failing = format!("false; curl -fsS -m 10 --retry 5 {url}/$?");
    let output =
        tokio::task::spawn_blocking(move || std::process::Command::new("sh").args(["-c", &failing]).output().unwrap()).await.unwrap();
    assert!(output.status.success(), "{output:?}");
    let unknown = format!("curl -fsS -m 10 --retry 5 {}/ping/5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278", app.base);
    let output =
        tokio::task::spawn_blocking(move || std::process::Command::new("sh").args(["-c", &unknown]).output().unwrap()).await.unwrap();
    assert_eq!(output.status.code(), Some(22), "curl -f fails on the 404 of an unknown token: {output:?}");
    let pings = app.history(&id, "pings").await;
    assert_eq!(pings.iter().map(|p| p["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["exit", "success"]);
    assert_eq!(pings[0]["exit_status"], 1);
    assert_eq!(app.task(&id).await["status"], "down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_runs_and_deadlines_survive_a_restart() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "kept", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap().to_owned(), task["ping_url"].as_str().unwrap().to_owned());
    app.ping(Method::POST, &url, Some(b"before".to_vec())).await;
    let before = app.task(&id).await;
    let app = app.restart().await;
    let after = app.task(&id).await;
    assert_eq!(after["status"], "up");
    assert_eq!(after["next_deadline_at"], before["next_deadline_at"]);
    assert_eq!(app.history(&id, "runs").await[0]["log"], "before");
    // The base URL moved with the new port; the token did not.
    let token = url.rsplit('/').next().unwrap();
    let reply = app.ping(Method::GET, &format!("/ping/{token}"), None).await;
    assert_eq!(reply.text, "OK");
    assert_eq!(app.task(&id).await["pings"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ping_router_alone_serves_pings_and_nothing_else() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "lambda", "period_seconds": 3600})).await;
    let (id, url) = (task["id"].as_str().unwrap(), task["ping_url"].as_str().unwrap());
    let token = url.rsplit('/').next().unwrap();
    // What the heartbeat Lambda serves: the same use case over the same store, nothing else.
    let router = vigil_http::ping_router(app.server.as_ref().unwrap().deps.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let reply = app.ping(Method::POST, &format!("{base}/ping/{token}/0"), Some(b"from the lambda router".to_vec())).await;
    assert_eq!((reply.status, reply.text.as_str()), (StatusCode::OK, "OK"));
    let api = app.client.get(format!("{base}/v1/tasks")).bearer_auth(&app.key).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND, "no JSON API behind the ping router");
    assert_eq!(app.history(id, "runs").await[0]["log"], "from the lambda router");
}
