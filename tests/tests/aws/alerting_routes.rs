//! The alerting function on the emulator: every route API Gateway sends it (channels and their
//! test send, alert rules, maintenance windows and failed deliveries), on its own wiring; every
//! request it makes is one functions/manifest.json declares for it.

use crate::pipeline::assert_declared;
use serde_json::{Value, json};
use std::time::Duration;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{EMAIL_FROM, Session, clients};
use vigil_tests::lambda::{ApiAnswer, api_request, call_api};
use vigil_tests::receiver::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alerting_function_serves_channels_rules_and_windows_from_creation_to_deletion() {
    let session = Session::start().await;
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&session.deps(), Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let receiver = Receiver::start().await;

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let alerting = vigil_fn_api::alerting_app(wiring::alerting_deps(&counted, &session.store_config()).unwrap());
    let call = |router: &axum::Router, method: &str, path: &str, key: Option<&str>, body: Option<Value>| {
        let (router, event) = (router.clone(), api_request(method, path, key, body.as_ref()));
        async move { call_api(&router, event).await }
    };
    let expect = |answer: &ApiAnswer, status: u16| assert_eq!(answer.status, status, "{}", answer.raw);

    // A channel, from creation to a change.
    let hook = json!({"name": "hook", "type": "webhook", "url": receiver.url()});
    let channel = call(&alerting, "POST", "/v1/channels", Some(TEST_KEY), Some(hook)).await;
    expect(&channel, 201);
    let channel_id = channel.json["id"].as_str().unwrap().to_owned();
    assert_eq!(call(&alerting, "GET", "/v1/channels", Some(TEST_KEY), None).await.json["items"][0]["id"], channel_id.as_str());
    let renamed = json!({"name": "ops hook", "type": "webhook", "url": receiver.url()});
    expect(&call(&alerting, "PUT", &format!("/v1/channels/{channel_id}"), Some(TEST_KEY), Some(renamed)).await, 200);
    assert_eq!(call(&alerting, "GET", &format!("/v1/channels/{channel_id}"), Some(TEST_KEY), None).await.json["name"], "ops hook");

    // Its test send reaches the receiver; an email channel's goes through SES.
    let sent = call(&alerting, "POST", &format!("/v1/channels/{channel_id}/test"), Some(TEST_KEY), None).await;
    expect(&sent, 200);
    assert_eq!(sent.json["delivered"], true, "{}", sent.raw);
    assert_eq!(receiver.wait_for_accepted(1, Duration::from_secs(10)).await.len(), 1, "the test message was sent");
    session.clients.ses().create_email_identity().email_identity(EMAIL_FROM).send().await.expect("verifying the sender");
    let mail = json!({"name": "ops mail", "type": "email", "to": ["ops@example.com"]});
    let mail_id = call(&alerting, "POST", "/v1/channels", Some(TEST_KEY), Some(mail)).await.json["id"].as_str().unwrap().to_owned();
    let mailed = call(&alerting, "POST", &format!("/v1/channels/{mail_id}/test"), Some(TEST_KEY), None).await;
    assert_eq!((mailed.status, &mailed.json["delivered"]), (200, &json!(true)), "{}", mailed.raw);
    let outbox = crate::account_mail::sent_mail(&session.endpoint).await;
    assert!(outbox.iter().any(|m| m.to_string().contains("ops@example.com")), "{outbox:?}");
    expect(&call(&alerting, "DELETE", &format!("/v1/channels/{mail_id}"), Some(TEST_KEY), None).await, 204);

    // A rule sending to it.
    let rule = json!({"name": "all", "select": {"all": true}, "channels": [channel_id]});
    let created = call(&alerting, "POST", "/v1/alert-rules", Some(TEST_KEY), Some(rule)).await;
    expect(&created, 201);
    let rule_id = created.json["id"].as_str().unwrap().to_owned();
    let replaced = json!({"name": "everything", "select": {"all": true}, "channels": [channel_id], "notify_on": {"resolved": false}});
    expect(&call(&alerting, "PUT", &format!("/v1/alert-rules/{rule_id}"), Some(TEST_KEY), Some(replaced)).await, 200);
    assert_eq!(call(&alerting, "GET", &format!("/v1/alert-rules/{rule_id}"), Some(TEST_KEY), None).await.json["name"], "everything");
    assert_eq!(call(&alerting, "GET", "/v1/alert-rules", Some(TEST_KEY), None).await.json["items"].as_array().map(Vec::len), Some(1));
    let dangling = json!({"name": "nowhere", "select": {"all": true}, "channels": ["00000000-0000-7000-8000-000000000000"]});
    let refused = call(&alerting, "POST", "/v1/alert-rules", Some(TEST_KEY), Some(dangling)).await;
    assert_eq!(refused.raw["headers"]["content-type"], "application/problem+json", "{}", refused.raw);
    assert!(refused.status >= 400 && refused.status < 500, "{}", refused.raw);

    // A maintenance window, active now.
    let now = jiff::Timestamp::now();
    let schedule = json!({"type": "one_off", "starts_at": now - jiff::SignedDuration::from_mins(5), "ends_at": now + jiff::SignedDuration::from_hours(1)});
    let window = json!({"name": "db upgrade", "select": {"all": true}, "schedule": schedule});
    let created = call(&alerting, "POST", "/v1/maintenance-windows", Some(TEST_KEY), Some(window)).await;
    expect(&created, 201);
    assert_eq!(created.json["active"], true, "{}", created.json);
    let window_id = created.json["id"].as_str().unwrap().to_owned();
    let longer = json!({"name": "db upgrade, longer", "select": {"all": true}, "schedule": schedule});
    expect(&call(&alerting, "PUT", &format!("/v1/maintenance-windows/{window_id}"), Some(TEST_KEY), Some(longer)).await, 200);
    let read = call(&alerting, "GET", &format!("/v1/maintenance-windows/{window_id}"), Some(TEST_KEY), None).await;
    assert_eq!(read.json["name"], "db upgrade, longer", "{}", read.json);
    let windows = call(&alerting, "GET", "/v1/maintenance-windows", Some(TEST_KEY), None).await;
    assert_eq!(windows.json["items"][0]["id"], window_id.as_str(), "{}", windows.json);

    // Nothing has failed here (incidents.rs lists a delivery that did, through this function).
    let failed = call(&alerting, "GET", "/v1/deliveries/failed", Some(TEST_KEY), None).await;
    expect(&failed, 200);
    assert_eq!(failed.json["items"], json!([]), "{}", failed.json);

    let unknown = call(&alerting, "GET", "/v1/deliveries/nothing-here", Some(TEST_KEY), None).await;
    expect(&unknown, 404);
    assert_eq!(unknown.raw["headers"]["content-type"], "application/problem+json");
    expect(&call(&alerting, "GET", "/v1/channels", None, None).await, 401);

    let made = [format!("/v1/maintenance-windows/{window_id}"), format!("/v1/alert-rules/{rule_id}"), format!("/v1/channels/{channel_id}")];
    for path in made {
        expect(&call(&alerting, "DELETE", &path, Some(TEST_KEY), None).await, 204);
        expect(&call(&alerting, "GET", &path, Some(TEST_KEY), None).await, 404);
    }

    // What it changed is in the audit log, from the caller's address as API Gateway gave it.
    // The audit log is read through the accounts function.
    let accounts = vigil_fn_api::accounts_app(session.wired(wiring::accounts_deps));
    let log = call(&accounts, "GET", "/v1/audit-log", Some(TEST_KEY), None).await;
    let entries = log.json["items"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["channel.create", "alert_rule.delete", "window.create", "window.update", "channel.delete"] {
        assert!(actions.contains(&action), "{action} is not in {actions:?}");
    }
    let of_the_group =
        |entry: &&Value| entry["action"].as_str().is_some_and(|a| ["channel.", "alert_rule.", "window."].iter().any(|p| a.starts_with(p)));
    let ours: Vec<&Value> = entries.iter().filter(of_the_group).collect();
    assert!(ours.len() >= 8 && ours.iter().all(|e| e["origin"]["ip"] == "203.0.113.10"), "{entries:?}");

    assert_declared("alerting", &counter);
    assert!(counter.snapshot().keys().any(|(service, _)| service.eq_ignore_ascii_case("sesv2")), "the test mail went through SES");
    assert!(!counter.snapshot().is_empty(), "the function's requests were counted");
}
