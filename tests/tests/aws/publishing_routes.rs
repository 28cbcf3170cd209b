//! The publishing function on the emulator: the status page editors' routes API Gateway sends
//! it (pages, components, subscribers, posted incidents and their updates, badges), on its own
//! wiring; every request it makes is one functions/manifest.json declares for it. Publishing an
//! internal incident is in incidents.rs, a subscriber's mail in status_mail.rs.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_publishing_function_serves_a_status_page_from_creation_to_deletion() {
    let session = Session::start().await;
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&session.deps(), Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let publishing = vigil_fn_api::publishing_app(wiring::publishing_deps(&counted, &session.store_config()).unwrap());
    let http_api = crate::http_api::http_api(&session);
    let call = |router: &axum::Router, method: &str, path: &str, key: Option<&str>, body: Option<Value>| {
        let (router, event) = (router.clone(), api_request(method, path, key, body.as_ref()));
        async move { call_api(&router, event).await }
    };
    let edit = |method: &'static str, path: String, body: Option<Value>| call(&publishing, method, &path, Some(TEST_KEY), body);
    let expect = |answer: &ApiAnswer, status: u16| assert_eq!(answer.status, status, "{}", answer.raw);

    let monitor =
        call(&http_api, "POST", "/v1/monitors", Some(TEST_KEY), Some(json!({"name": "shop", "url": "http://127.0.0.1:9/"}))).await;
    expect(&monitor, 201);
    let monitor_id = monitor.json["id"].as_str().unwrap().to_owned();

    // A page and its components.
    let page = edit("POST", "/v1/status-pages".into(), Some(json!({"name": "Acme status", "slug": "acme"}))).await;
    expect(&page, 201);
    let page_id = page.json["id"].as_str().unwrap().to_owned();
    assert_eq!(edit("GET", "/v1/status-pages".into(), None).await.json[0]["id"], page_id.as_str());
    expect(&edit("PATCH", format!("/v1/status-pages/{page_id}"), Some(json!({"name": "Acme, live"}))).await, 200);
    assert_eq!(edit("GET", format!("/v1/status-pages/{page_id}"), None).await.json["name"], "Acme, live");
    let with =
        edit("POST", format!("/v1/status-pages/{page_id}/components"), Some(json!({"name": "Shop", "monitors": [monitor_id]}))).await;
    expect(&with, 201);
    let component = with.json["component_id"].as_str().expect("the new component's id").to_owned();
    let path = format!("/v1/status-pages/{page_id}/components/{component}");
    expect(&edit("PUT", path.clone(), Some(json!({"name": "Checkout", "monitors": [monitor_id]}))).await, 200);
    let page = edit("GET", format!("/v1/status-pages/{page_id}"), None).await;
    assert!(page.json.to_string().contains("Checkout"), "{}", page.json);

    // A webhook subscriber (confirmed at once), a posted incident and its update.
    let hook = json!({"type": "webhook", "url": "https://hooks.example.com/acme"});
    let subscriber = edit("POST", format!("/v1/status-pages/{page_id}/subscribers"), Some(hook)).await;
    expect(&subscriber, 201);
    let subscriber_id = subscriber.json["id"].as_str().unwrap().to_owned();
    assert_eq!(edit("GET", format!("/v1/status-pages/{page_id}/subscribers"), None).await.json["items"][0]["id"], subscriber_id.as_str());
    let incident =
        json!({"name": "Checkout errors", "body": "Payments fail.", "components": {component.clone(): "major_outage"}, "notify": false});
    let posted = edit("POST", format!("/v1/status-pages/{page_id}/incidents"), Some(incident)).await;
    expect(&posted, 201);
    let incident_id = posted.json["id"].as_str().unwrap().to_owned();
    let update = json!({"status": "resolved", "body": "Fixed.", "notify": false});
    expect(&edit("POST", format!("/v1/public-incidents/{incident_id}/updates"), Some(update)).await, 201);
    let posts = edit("GET", format!("/v1/status-pages/{page_id}/incidents"), None).await;
    assert_eq!(posts.json["items"][0]["status"], "resolved", "{}", posts.json);

    // A badge.
    let badge = edit("POST", "/v1/badges".into(), Some(json!({"target": "monitor", "id": monitor_id}))).await;
    expect(&badge, 201);
    let badge_id = badge.json["id"].as_str().unwrap().to_owned();
    assert_eq!(edit("GET", "/v1/badges".into(), None).await.json[0]["id"], badge_id.as_str());

    let unknown = edit("GET", "/v1/badges/nothing-here/at-all".into(), None).await;
    expect(&unknown, 404);
    assert_eq!(unknown.raw["headers"]["content-type"], "application/problem+json");
    expect(&call(&publishing, "GET", "/v1/status-pages", None, None).await, 401);

    // Taken down again.
    expect(&edit("DELETE", format!("/v1/badges/{badge_id}"), None).await, 204);
    expect(&edit("DELETE", format!("/v1/status-pages/{page_id}/subscribers/{subscriber_id}"), None).await, 204);
    expect(&edit("DELETE", format!("/v1/status-pages/{page_id}/components/{component}"), None).await, 200);
    expect(&edit("DELETE", format!("/v1/status-pages/{page_id}"), None).await, 204);
    expect(&edit("GET", format!("/v1/status-pages/{page_id}"), None).await, 404);

    assert_declared("publishing", &counter);
    assert!(!counter.snapshot().is_empty(), "the function's requests were counted");
}
