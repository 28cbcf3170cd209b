use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use vigil_tests::app::TestApp;
use vigil_tests::target::{Behaviour, Target};

fn outcome(check: &Value) -> (&str, Option<&str>) {
    (check["check"]["result"].as_str().unwrap_or_default(), check["check"]["failure"]["class"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_records_status_timings_and_history() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app.create_quiet_monitor(json!({"name": "t", "url": target.url("/")})).await;

    let first = app.check_now(&id).await;
    assert_eq!(outcome(&first), ("up", None));
    assert_eq!(first["status"], "up");
    assert_eq!(first["check"]["status_code"], 200);
    assert_eq!(first["check"]["response_bytes"], 2);
    assert_eq!(first["check"]["remote_ip"], "127.0.0.1");
    let timings = &first["check"]["timings_ms"];
    assert!(timings["dns"].is_null(), "an IP literal needs no DNS");
    assert!(timings["connect"].as_f64().unwrap() >= 0.0);
    assert!(timings["first_byte"].as_f64().unwrap() <= timings["total"].as_f64().unwrap());

    target.set_status(503);
    app.check_now(&id).await;
    let history = app.call(Method::GET, &format!("/v1/monitors/{id}/checks"), None).await;
    let items = history.json["items"].as_array().unwrap();
    assert!(items.len() >= 2);
    assert_eq!(items[0]["result"], "down", "newest first");
    assert_eq!(items[0]["failure"]["class"], "bad_status");
    assert_eq!(items[0]["failure"]["message"], "status 503 is not one of the expected 2xx");

    let detail = app.call(Method::GET, &format!("/v1/monitors/{id}/checks/{}", items[0]["id"].as_str().unwrap()), None).await;
    assert_eq!(detail.json["artefact"]["status_code"], 503);
    assert_eq!(detail.json["artefact"]["body_excerpt"], "OK");
    assert!(detail.json["artefact"]["request"].as_str().unwrap().starts_with("GET http://127.0.0.1:"));

    let monitor = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(monitor.json["last_check"]["id"], items[0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspicious_then_down_at_the_threshold_then_recovery() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app.create_quiet_monitor(json!({"name": "t", "url": target.url("/"), "failure_threshold": 3, "recovery_threshold": 2})).await;
    let first = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(first.json["status"], "up", "the first scheduled check passed");
    target.set_status(500);
    assert_eq!(app.check_now(&id).await["status"], "suspicious");
    assert_eq!(app.check_now(&id).await["status"], "suspicious");
    let down = app.check_now(&id).await;
    assert_eq!(down["status"], "down");
    let down_since = down["status_since"].clone();
    assert_eq!(app.check_now(&id).await["status_since"], down_since, "staying down keeps the time it went down");

    target.set_status(200);
    assert_eq!(app.check_now(&id).await["status"], "recovering");
    assert_eq!(app.check_now(&id).await["status"], "up");

    let transitions = app.call(Method::GET, &format!("/v1/monitors/{id}/transitions"), None).await;
    let path: Vec<String> = transitions.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|t| format!("{}->{}", t["from"].as_str().unwrap(), t["to"].as_str().unwrap()))
        .collect();
    assert_eq!(path, ["pending->up", "up->suspicious", "suspicious->down", "down->recovering", "recovering->up"]);
    let went_down = &transitions.json["items"][2];
    assert_eq!(went_down["to"], "down");
    assert_eq!(went_down["cause"]["kind"], "check");
    assert_eq!(went_down["cause"]["outcome"]["failure"]["class"], "bad_status");

    let uptime = app.call(Method::GET, &format!("/v1/monitors/{id}/uptime"), None).await;
    let day = &uptime.json["windows"][0];
    assert_eq!(day["window"], "24h");
    assert_eq!(day["up"], 3);
    assert_eq!(day["down"], 4);
    let percent = day["uptime_percent"].as_f64().unwrap();
    assert!((percent - 300.0 / 7.0).abs() < 1e-9, "{percent}");
    assert!(day["latency"]["p50_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(uptime.json["windows"][2]["window"], "30d");
    assert_eq!(uptime.json["windows"][2]["up"], 3);

    let summary = app.call(Method::GET, "/v1/summary", None).await;
    assert_eq!(summary.json["by_status"]["up"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_target_times_out_at_the_monitor_timeout() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    target.set(Behaviour { delay: Duration::from_secs(5), ..Behaviour::default() });
    let id = app.create_quiet_monitor(json!({"name": "slow", "url": target.url("/"), "timeout_ms": 500, "failure_threshold": 1})).await;
    let started = Instant::now();
    let check = app.check_now(&id).await;
    assert!(started.elapsed() < Duration::from_secs(3), "the check ended at its timeout, not the target's delay");
    assert_eq!(outcome(&check), ("down", Some("timeout")));
    assert_eq!(check["status"], "down");
    let total = check["check"]["timings_ms"]["total"].as_f64().unwrap();
    assert!((450.0..2000.0).contains(&total), "{total}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_body_ends_at_the_timeout() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app.create_quiet_monitor(json!({"name": "endless", "url": target.url("/endless"), "timeout_ms": 800})).await;
    let started = Instant::now();
    let check = app.check_now(&id).await;
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(outcome(&check), ("down", Some("timeout")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_cap_truncates_and_fails_assertions_that_need_the_body() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let plain = app.create_quiet_monitor(json!({"name": "big", "url": target.url("/big")})).await;
    let check = app.check_now(&plain).await;
    assert_eq!(outcome(&check), ("up", None), "nothing reads the body, so its size does not matter");
    assert_eq!(check["check"]["response_bytes"], 1024 * 1024);
    assert_eq!(check["check"]["body_truncated"], true);

    let reading = app.create_quiet_monitor(json!({"name": "big", "url": target.url("/big"), "assertions": ["[BODY] == pat(*x*)"]})).await;
    let check = app.check_now(&reading).await;
    assert_eq!(outcome(&check), ("down", Some("body_too_large")));
    assert_eq!(check["check"]["failure"]["assertion"]["index"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assertions_on_the_body_status_and_headers() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app
        .create_quiet_monitor(json!({"name": "json", "url": target.url("/json"), "assertions": [
            "[STATUS] == 200", "[BODY].data.status == UP", "len([BODY].items) > 1", "[RESPONSE_TIME] < 5000"
        ]}))
        .await;
    assert_eq!(outcome(&app.check_now(&id).await), ("up", None));

    let failing = app
        .create_quiet_monitor(
            json!({"name": "json", "url": target.url("/json"), "assertions": ["[STATUS] < 300", "[BODY].data.status == DOWN"]}),
        )
        .await;
    let check = app.check_now(&failing).await;
    assert_eq!(outcome(&check), ("down", Some("assertion_failed")));
    let assertion = &check["check"]["failure"]["assertion"];
    assert_eq!(assertion["index"], 1);
    assert_eq!(assertion["expression"], "[BODY].data.status == DOWN");
    assert!(assertion["actual"].as_str().unwrap().contains("UP"), "{assertion}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_fails_verification_unless_told_otherwise() {
    let app = TestApp::spawn().await;
    let target = Target::https_self_signed(30).await;
    let verified = app.create_quiet_monitor(json!({"name": "tls", "url": target.url("/"), "failure_threshold": 1})).await;
    let check = app.check_now(&verified).await;
    assert_eq!(outcome(&check), ("down", Some("tls")));
    assert_eq!(target.hits(), 0, "no request is sent over an untrusted connection");

    let unverified = app
        .create_quiet_monitor(json!({"name": "tls", "url": target.url("/"), "verify_tls": false,
        "assertions": ["[CERTIFICATE_EXPIRATION] > 48h"]}))
        .await;
    let hits = target.hits();
    let check = app.check_now(&unverified).await;
    assert_eq!(outcome(&check), ("up", None));
    let expiry: jiff::Timestamp = check["check"]["certificate_expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(Some(expiry), target.certificate_not_after);
    assert!(check["check"]["timings_ms"]["tls"].as_f64().unwrap() > 0.0);
    assert_eq!(target.hits(), hits + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_classified() {
    let app = TestApp::spawn().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let id = app.create_quiet_monitor(json!({"name": "closed", "url": format!("http://127.0.0.1:{closed}/")})).await;
    assert_eq!(outcome(&app.check_now(&id).await), ("down", Some("connection_refused")));
}
