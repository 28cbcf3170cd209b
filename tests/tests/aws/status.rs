//! The status function on the emulator: a public page, its history and incident pages, feeds,
//! Statuspage documents, a badge and the assets, on Vigil's host and on the page's own domain;
//! a protected page unlocked; a reader's subscription (asked of the api) confirmed and ended by
//! the links the notifier mails through SES. All on the function's own wiring, which reaches
//! nothing but DynamoDB; every request it makes is one functions/manifest.json declares for it.

use crate::account_mail::{mailing_tenant, send, sent_mail};
use crate::alerting::drain;
use crate::pipeline::assert_declared;
use crate::status_mail::link_params;
use http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::{Value, json};
use vigil_aws::config::NotifierConfig;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_fn_notifier::Notifier;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::clients;
use vigil_tests::lambda::{ApiAnswer, api_request, call_api};

/// An anonymous request through API Gateway's event, on `host` when one is given.
async fn read(router: &axum::Router, method: &str, path: &str, host: Option<&str>, form: Option<&str>) -> ApiAnswer {
    let mut event = api_request(method, path, None, None);
    if let Some(host) = host {
        event["headers"]["host"] = json!(host);
    }
    if let Some(form) = form {
        event["headers"]["content-type"] = json!("application/x-www-form-urlencoded");
        event["body"] = json!(form);
    }
    call_api(router, event).await
}

fn body(answer: &ApiAnswer) -> &str {
    answer.raw["body"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_function_serves_public_pages_feeds_badges_and_subscriptions() {
    let (session, _api, _) = mailing_tenant().await;
    // The editors set the page up through the deployment's HTTP API; subscribing is the api's.
    let http_api = crate::http_api::http_api(&session);
    let created = |path: &'static str, body: Value| {
        let http_api = http_api.clone();
        async move {
            let (status, answer) = send(&http_api, Some(TEST_KEY), Method::POST, path, body).await;
            assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
            answer
        }
    };
    let monitor = created("/v1/monitors", json!({"name": "shop", "url": "http://127.0.0.1:9/", "interval_seconds": 60})).await;
    let monitor_id = monitor["id"].as_str().unwrap().to_owned();
    let page = created("/v1/status-pages", json!({"name": "Acme status", "slug": "acme", "custom_domain": "status.acme.test"})).await;
    let page_id = page["id"].as_str().unwrap().to_owned();
    let (status, component) = send(
        &http_api,
        Some(TEST_KEY),
        Method::POST,
        &format!("/v1/status-pages/{page_id}/components"),
        json!({"name": "Shop", "monitors": [monitor_id]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{component}");
    let incident = json!({"name": "Checkout errors", "body": "Payments fail; we are on it."});
    let (status, posted) = send(&http_api, Some(TEST_KEY), Method::POST, &format!("/v1/status-pages/{page_id}/incidents"), incident).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let incident_id = posted["id"].as_str().unwrap().to_owned();
    let badge = created("/v1/badges", json!({"target": "monitor", "id": monitor_id})).await;
    let token = badge["token"].as_str().unwrap().to_owned();
    created("/v1/status-pages", json!({"name": "Internal", "slug": "internal", "access": "password", "password": "open sesame"})).await;

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let status_fn = vigil_fn_api::status_app(wiring::status_deps(&counted, &session.store_config()).unwrap());

    let shown = read(&status_fn, "GET", "/status/acme", None, None).await;
    assert_eq!(shown.status, 200, "{}", shown.raw);
    assert!(body(&shown).contains("Acme status") && body(&shown).contains("Shop") && body(&shown).contains("Checkout errors"));
    assert!(shown.raw["headers"]["content-security-policy"].as_str().is_some(), "the pages' headers: {}", shown.raw["headers"]);
    let stylesheet = body(&shown).split("href=\"").filter_map(|s| s.split('"').next()).find(|href| href.ends_with(".css")).unwrap();
    let asset = read(&status_fn, "GET", stylesheet, None, None).await;
    assert_eq!(asset.status, 200, "{stylesheet}");
    assert!(asset.raw["headers"]["cache-control"].as_str().unwrap_or_default().contains("immutable"));
    for path in ["/status/acme/history", &format!("/status/acme/incidents/{incident_id}"), "/status/acme/history.rss"] {
        let answer = read(&status_fn, "GET", path, None, None).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.raw);
        assert!(body(&answer).contains("Checkout errors") || path.ends_with("/history"), "{path}: {}", body(&answer));
    }
    let summary = read(&status_fn, "GET", "/status/acme/api/v2/summary.json", None, None).await;
    assert_eq!(summary.json["components"][0]["name"], "Shop", "{}", summary.raw);
    let svg = read(&status_fn, "GET", &format!("/badges/{token}/status.svg"), None, None).await;
    assert_eq!(svg.status, 200, "{}", svg.raw);
    assert!(body(&svg).contains("<svg"), "{}", body(&svg));

    // The page's own domain: its root, its documents by Host, and nothing of the dashboard.
    let root = read(&status_fn, "GET", "/", Some("status.acme.test"), None).await;
    assert_eq!(root.status, 200, "{}", root.raw);
    assert!(body(&root).contains("Acme status"));
    let by_host = read(&status_fn, "GET", "/api/v2/status.json", Some("status.acme.test"), None).await;
    assert_eq!(by_host.json["page"]["name"], "Acme status", "{}", by_host.raw);
    assert_eq!(read(&status_fn, "GET", "/sign-in", Some("status.acme.test"), None).await.status, 404);
    let missing = read(&status_fn, "GET", "/status/nobody", None, None).await;
    assert_eq!(missing.status, 404);

    // A protected page: the door, a wrong password, the right one and what its cookie opens.
    assert_eq!(read(&status_fn, "GET", "/status/internal", None, None).await.status, 401);
    let wrong = read(&status_fn, "POST", "/status/internal/unlock", None, Some("password=guess")).await;
    assert_eq!(wrong.status, 401, "{}", wrong.raw);
    let right = read(&status_fn, "POST", "/status/internal/unlock", None, Some("password=open+sesame")).await;
    assert_eq!(right.status, 303, "{}", right.raw);
    let cookies = right.raw["cookies"].as_array().cloned().unwrap_or_default();
    let pair = cookies.iter().filter_map(Value::as_str).next().and_then(|c| c.split(';').next()).expect("an access cookie").to_owned();
    let mut inside = api_request("GET", "/status/internal", None, None);
    inside["cookies"] = json!([pair]);
    assert_eq!(call_api(&status_fn, inside).await.status, 200);

    // A subscription: asked of the api (it queues the mail), mailed by the notifier, confirmed
    // by its link through the status function.
    let (status, asked) = send(&http_api, None, Method::POST, "/status/acme/subscribe", json!({"email": "reader@example.com"})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{asked}");
    let config = NotifierConfig { store: session.store_config(), dlq_url: session.resources.notify_dlq_url.clone() };
    let notifier = Notifier::wired(&session.clients, &config, SignedDuration::from_secs(45)).unwrap();
    let delivered = drain(&session, &session.resources.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await;
    assert_eq!(delivered, 1, "one confirmation to send");
    let mail = sent_mail(&session.endpoint).await;
    let (subscriber, token) = link_params(mail.last().expect("a confirmation mail"), "/subscribe/confirm?");
    let confirmed = read(&status_fn, "GET", &format!("/status/acme/subscribe/confirm?s={subscriber}&t={token}"), None, None).await;
    assert_eq!((confirmed.status, &confirmed.json["confirmed"]), (200, &json!(true)), "{}", confirmed.raw);
    let (who, unsubscribe) = link_params(mail.last().expect("the confirmation mail"), "/unsubscribe?");
    let mut leave = api_request("POST", &format!("/status/acme/unsubscribe?s={who}&t={unsubscribe}"), None, None);
    leave["headers"]["accept"] = json!("application/json");
    let left = call_api(&status_fn, leave).await;
    assert_eq!((left.status, &left.json["removed"]), (200, &json!(true)), "{}", left.raw);

    assert_declared("status", &counter);
    assert!(counter.snapshot().keys().all(|(service, _)| service.eq_ignore_ascii_case("dynamodb")), "{:?}", counter.snapshot());
}
