//! Incidents and notifications through the AWS functions on the emulator: a check through the
//! api function finds a target down, the status change reaches the incidents function through
//! the events topic and its subscribed queue, the delivery reaches the notifier function through
//! the notifications queue, and a local webhook receiver gets exactly one signed message; the
//! same for the recovery. Redelivered messages change nothing.

use crate::alerting::drain;
use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::json;
use std::time::Duration;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::sqs::DeliveryQueue;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::notify::RetryPolicy;
use vigil_domain::tenant::ApiKeySecret;
use vigil_fn_notifier::Notifier;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, clients, queue_arn};
use vigil_tests::lambda::{api_request, call_api, receive_all, settle, sqs_event};
use vigil_tests::receiver::{Answer, Receiver};
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_notifies_once_per_transition_and_is_triaged_through_its_function() {
    let session = Session::start().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let target = Target::http().await;
    let receiver = Receiver::start().await;
    let http_api = crate::http_api::http_api(&session);
    let call = |method: &str, path: &str, body: Option<serde_json::Value>| {
        let event = api_request(method, path, Some(TEST_KEY), body.as_ref());
        let http_api = http_api.clone();
        async move { call_api(&http_api, event).await }
    };
    // API Gateway sends /v1/incidents to the triage function, whose requests are counted.
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let triage = vigil_fn_api::triage_app(wiring::triage_deps(&counted, &session.store_config()).unwrap());
    let respond = |method: &str, path: &str, body: Option<serde_json::Value>| {
        let (router, event) = (triage.clone(), api_request(method, path, Some(TEST_KEY), body.as_ref()));
        async move { call_api(&router, event).await }
    };

    let monitor = call(
        "POST",
        "/v1/monitors",
        Some(json!({"name": "shop", "url": target.url("/"), "interval_seconds": 3600, "failure_threshold": 1})),
    )
    .await;
    assert_eq!(monitor.status, 201, "{:?}", monitor.json);
    let monitor_id = monitor.json["id"].as_str().unwrap().to_owned();
    let channel = call("POST", "/v1/channels", Some(json!({"name": "hook", "type": "webhook", "url": receiver.url()}))).await;
    assert_eq!(channel.status, 201, "{:?}", channel.json);
    let (channel_id, secret) = (channel.json["id"].as_str().unwrap().to_owned(), channel.json["secret"].as_str().unwrap().to_owned());
    let rule =
        call("POST", "/v1/alert-rules", Some(json!({"name": "all", "select": {"monitors": [monitor_id]}, "channels": [channel_id]}))).await;
    assert_eq!(rule.status, 201, "{:?}", rule.json);

    let incidents = vigil_fn_incidents::handle;
    let incidents_deps = session.wired(wiring::incidents_deps);
    let notifier = Notifier {
        deps: wiring::notifier_deps(&session.clients, &session.store_config(), SignedDuration::from_secs(45)).unwrap(),
        queue: DeliveryQueue::new(session.clients.sqs_messages(), &session.resources.notify_queue_url),
        dead_letters: DeliveryQueue::new(session.clients.sqs_messages(), &session.resources.notify_dlq_url),
        lease: SignedDuration::from_secs(45),
    };
    let r = session.resources.clone();

    // Up first, then down: "check now" through the api function.
    assert_eq!(call("POST", &format!("/v1/monitors/{monitor_id}/check"), None).await.status, 200);
    target.set_status(503);
    let check = call("POST", &format!("/v1/monitors/{monitor_id}/check"), None).await;
    assert_eq!(check.json["check"]["result"], "down", "{:?}", check.json);

    // The status change (Up -> Down; the first Up is not an incident) through incidents and
    // the notifier.
    let events = receive_all(session.clients.sqs(), &r.incident_queue_url).await;
    assert!(!events.is_empty(), "the events topic delivered the status changes to the incidents queue");
    let replay = sqs_event(&events, &queue_arn(&r.incident_queue_url));
    let response = incidents(&incidents_deps, LambdaEvent::new(replay.clone(), Context::default())).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    settle(session.clients.sqs(), &r.incident_queue_url, &events, &[]).await;
    let sent = drain(&session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await;
    assert_eq!(sent, 1, "one delivery message for the opening");
    let opened = receiver.wait_for_accepted(1, Duration::from_secs(5)).await;
    assert_eq!(opened.len(), 1);
    assert!(opened[0].signature_verifies(&secret), "the Standard Webhooks signature verifies");
    assert_eq!(opened[0].json()["type"], "incident.opened", "{}", opened[0].json());
    let listed = respond("GET", &format!("/v1/incidents?monitor_id={monitor_id}"), None).await;
    assert_eq!(listed.json["items"].as_array().map(Vec::len), Some(1), "{:?}", listed.json);
    assert_eq!(listed.json["items"][0]["status"], "open");

    // The same event again (SQS redelivers): no second incident, no second message.
    let response = incidents(&incidents_deps, LambdaEvent::new(replay, Context::default())).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(drain(&session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 0);
    assert_eq!(
        respond("GET", &format!("/v1/incidents?monitor_id={monitor_id}"), None).await.json["items"].as_array().map(Vec::len),
        Some(1)
    );

    // Resolving by hand while it is still down is refused on DynamoDB too: nothing else would
    // open an incident for the rest of the outage.
    let incident_id = listed.json["items"][0]["id"].as_str().unwrap().to_owned();
    let refused = respond("POST", &format!("/v1/incidents/{incident_id}/resolve"), Some(json!({"by": "bob"}))).await;
    assert_eq!(refused.status, 409, "{:?}", refused.json);
    assert!(refused.json["detail"].as_str().unwrap().contains("the monitor is still down"), "{:?}", refused.json);
    let still = respond("GET", &format!("/v1/incidents/{incident_id}"), None).await;
    assert_eq!(still.json["status"], "open", "{:?}", still.json);

    // Published on a status page by the publishing function, which API Gateway sends it.
    let publishing = vigil_fn_api::publishing_app(session.wired(wiring::publishing_deps));
    let edit = |method: &str, path: &str, body: serde_json::Value| {
        let (router, event) = (publishing.clone(), api_request(method, path, Some(TEST_KEY), Some(&body)));
        async move { call_api(&router, event).await }
    };
    let page = edit("POST", "/v1/status-pages", json!({"name": "Shop status", "slug": "shop"})).await;
    assert_eq!(page.status, 201, "{:?}", page.json);
    let page_id = page.json["id"].as_str().unwrap().to_owned();
    let component = json!({"name": "Shop", "monitors": [monitor_id]});
    assert_eq!(edit("POST", &format!("/v1/status-pages/{page_id}/components"), component).await.status, 201);
    let published = edit("POST", &format!("/v1/incidents/{incident_id}/publish"), json!({"page_id": page_id})).await;
    assert_eq!(published.status, 201, "{:?}", published.json);
    let again = edit("POST", &format!("/v1/incidents/{incident_id}/publish"), json!({"page_id": page_id})).await;
    assert_eq!((again.status, &again.json["id"]), (200, &published.json["id"]), "a second publication answers the same post");

    // Someone comments and acknowledges: the acknowledgement is announced too.
    let comment =
        respond("POST", &format!("/v1/incidents/{incident_id}/comments"), Some(json!({"text": "looking at the shop's logs", "by": "bob"})))
            .await;
    assert_eq!(comment.status, 201, "{:?}", comment.json);
    let acknowledged = respond("POST", &format!("/v1/incidents/{incident_id}/acknowledge"), Some(json!({"by": "bob"}))).await;
    assert_eq!((acknowledged.status, &acknowledged.json["status"]), (200, &json!("acknowledged")), "{:?}", acknowledged.json);
    assert_eq!(drain(&session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 1);
    let told = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    assert_eq!(told[1].json()["type"], "incident.acknowledged", "{}", told[1].json());

    // Recovery, and someone resolves it through the triage function before the incidents
    // function hears of it: exactly one resolve message.
    target.set_status(200);
    assert_eq!(call("POST", &format!("/v1/monitors/{monitor_id}/check"), None).await.json["check"]["result"], "up");
    let resolved = respond("POST", &format!("/v1/incidents/{incident_id}/resolve"), Some(json!({"by": "bob"}))).await;
    assert_eq!((resolved.status, &resolved.json["status"]), (200, &json!("resolved")), "{:?}", resolved.json);
    let handled = drain(&session, &r.incident_queue_url, |e| async { incidents(&incidents_deps, e).await.unwrap() }).await;
    assert_eq!(handled, 1);
    assert_eq!(drain(&session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 1);
    let all = receiver.wait_for_accepted(3, Duration::from_secs(5)).await;
    assert_eq!(all.len(), 3, "exactly one message per transition");
    assert_eq!(all[2].json()["type"], "incident.resolved", "{}", all[2].json());
    assert!(all[2].signature_verifies(&secret));
    let listed = respond("GET", &format!("/v1/incidents?monitor_id={monitor_id}"), None).await;
    assert_eq!(listed.json["items"][0]["status"], "resolved", "{:?}", listed.json);
    // The post followed it.
    let posts = call_api(&publishing, api_request("GET", &format!("/v1/status-pages/{page_id}/incidents"), Some(TEST_KEY), None)).await;
    assert_eq!(posts.json["items"][0]["status"], "resolved", "{:?}", posts.json);
    let timeline = respond("GET", &format!("/v1/incidents/{incident_id}"), None).await;
    assert!(timeline.json.to_string().contains("looking at the shop's logs"), "{:?}", timeline.json);

    crate::pipeline::assert_declared("triage", &counter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_is_retried_through_the_queue_and_a_dead_one_ends_in_the_dead_letter_queue() {
    let session = Session::start().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let target = Target::http().await;
    let flaky = Receiver::scripted(&[Answer::Status(500)], Answer::Status(200)).await;
    let dead = Receiver::scripted(&[], Answer::Status(500)).await;
    let http_api = crate::http_api::http_api(&session);
    let alerting = vigil_fn_api::alerting_app(session.wired(wiring::alerting_deps));
    let call = |method: &str, path: &str, body: Option<serde_json::Value>| {
        let event = api_request(method, path, Some(TEST_KEY), body.as_ref());
        let http_api = http_api.clone();
        async move { call_api(&http_api, event).await }
    };
    let monitor = call(
        "POST",
        "/v1/monitors",
        Some(json!({"name": "shop", "url": target.url("/"), "interval_seconds": 3600, "failure_threshold": 1})),
    )
    .await;
    let monitor_id = monitor.json["id"].as_str().unwrap().to_owned();
    let mut channels = Vec::new();
    for (name, receiver) in [("flaky", &flaky), ("dead", &dead)] {
        let channel = call("POST", "/v1/channels", Some(json!({"name": name, "type": "webhook", "url": receiver.url()}))).await;
        channels.push(channel.json["id"].as_str().unwrap().to_owned());
    }
    call(
        "POST",
        "/v1/alert-rules",
        Some(json!({"name": "all", "select": {"monitors": [monitor_id]}, "channels": channels, "notify_on": {"resolved": false}})),
    )
    .await;
    let r = session.resources.clone();
    // Retries a second apart, three attempts: the whole story within seconds.
    let retry = RetryPolicy { max_attempts: 3, first_delay: Duration::from_secs(1), max_delay: Duration::from_secs(1) };
    let mut incidents_deps = session.wired(wiring::incidents_deps);
    std::sync::Arc::make_mut(&mut incidents_deps.settings).notifications.retry = retry;
    let mut notifier_deps = wiring::notifier_deps(&session.clients, &session.store_config(), SignedDuration::from_secs(45)).unwrap();
    std::sync::Arc::make_mut(&mut notifier_deps.settings).notifications.retry = retry;
    let notifier = Notifier {
        deps: notifier_deps,
        queue: DeliveryQueue::new(session.clients.sqs_messages(), &r.notify_queue_url),
        dead_letters: DeliveryQueue::new(session.clients.sqs_messages(), &r.notify_dlq_url),
        lease: SignedDuration::from_secs(45),
    };

    call("POST", &format!("/v1/monitors/{monitor_id}/check"), None).await;
    target.set_status(503);
    call("POST", &format!("/v1/monitors/{monitor_id}/check"), None).await;
    drain(&session, &r.incident_queue_url, |e| async { vigil_fn_incidents::handle(&incidents_deps, e).await.unwrap() }).await;

    // Retries come back on the queue delayed by the backoff; draining until the queue stays
    // empty for longer than the longest delay runs every attempt.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        drain(&session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await;
        // Failed deliveries are listed by the alerting function, which API Gateway sends them to.
        let failed = call_api(&alerting, api_request("GET", "/v1/deliveries/failed", Some(TEST_KEY), None)).await;
        let done = flaky.accepted().len() == 1 && failed.json["items"].as_array().is_some_and(|items| items.len() == 1);
        if done {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the deliveries did not finish: {:?}", failed.json);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(flaky.received().len(), 2, "a 500, then the retry that was accepted");
    assert_eq!(flaky.accepted().len(), 1, "accepted once");
    let dlq = receive_all(session.clients.sqs(), &r.notify_dlq_url).await;
    assert_eq!(dlq.len(), 1, "the dead receiver's delivery is in the dead-letter queue");
    assert!(dead.received().len() >= 2, "the dead receiver was tried more than once");
}
