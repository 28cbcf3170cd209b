use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::events::event_from_sns_envelope;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::events::DomainEvent;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::MonitorQuery;
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, clients, prober_deps, queue_arn};
use vigil_tests::lambda::{api_request, call_api, receive_all, sample_event, settle, sqs_event};
use vigil_tests::target::Target;

async fn events_on(session: &Session, queue_url: &str, parse: impl Fn(&str) -> DomainEvent) -> Vec<DomainEvent> {
    let messages = receive_all(session.clients.sqs(), queue_url).await;
    settle(session.clients.sqs(), queue_url, &messages, &[]).await;
    messages.iter().map(|m| parse(m.body().unwrap_or_default())).collect()
}

fn transitions(events: &[DomainEvent]) -> BTreeSet<(String, String, String)> {
    events
        .iter()
        .map(|e| match e {
            DomainEvent::MonitorStatusChanged(e) => (e.monitor_name.clone(), e.from.to_string(), e.to.to_string()),
            other => panic!("unexpected event {other:?}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_created_through_the_api_are_scheduled_probed_stored_and_announced() {
    let session = Session::start().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let healthy = Target::http().await;
    let failing = Target::http().await;
    failing.set_status(503);

    // Each function gets its own clients, counting the requests it makes.
    let counted = |counter: &RequestCounter| ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() };
    let (monitors_requests, scheduler_requests, prober_requests) =
        (RequestCounter::default(), RequestCounter::default(), RequestCounter::default());
    let monitors_deps =
        wiring::monitors_deps(&clients(&session.endpoint, counted(&monitors_requests)).await, &session.store_config()).unwrap();
    let prober_deps = prober_deps(&clients(&session.endpoint, counted(&prober_requests)).await, &session.store_config());
    let scheduler_clients = clients(&session.endpoint, counted(&scheduler_requests)).await;

    // The monitors function: an API Gateway event in, the router's answer out.
    let router = vigil_fn_api::monitors_app(monitors_deps);
    let mut ids = Vec::new();
    for (name, target) in [("healthy", &healthy), ("failing", &failing)] {
        let body = json!({"name": name, "url": target.url("/"), "interval_seconds": 3600, "failure_threshold": 1});
        let created = call_api(&router, api_request("POST", "/v1/monitors", Some(TEST_KEY), Some(&body))).await;
        assert_eq!(created.status, 201, "{:?}", created.raw);
        assert_eq!(created.json["status"], "pending");
        ids.push(created.json["id"].as_str().unwrap().parse::<MonitorId>().unwrap());
    }
    let unauthorised = call_api(&router, api_request("GET", "/v1/monitors", None, None)).await;
    assert_eq!(unauthorised.status, 401);

    // The scheduler function, fired by the sample EventBridge event.
    let (dispatch_deps, dispatch) = wiring::scheduler_deps(&scheduler_clients, &session.scheduler_config(SignedDuration::from_secs(61)));
    let scheduled: aws_lambda_events::eventbridge::EventBridgeEvent =
        serde_json::from_value(sample_event("eventbridge-scheduled.json")).unwrap();
    let run = vigil_fn_scheduler::handle(&dispatch_deps, dispatch, LambdaEvent::new(scheduled.clone(), Context::default())).await.unwrap();
    assert!(run.checks >= 2 && run.jobs >= 1, "{run:?}");
    let again = vigil_fn_scheduler::handle(&dispatch_deps, dispatch, LambdaEvent::new(scheduled, Context::default())).await.unwrap();
    assert_eq!(again.checks, 0, "nothing is enqueued twice");

    // The prober function, fed what Lambda's poller would receive now (the first checks of
    // new monitors are due at once, so their job has no delay).
    let queue = &session.resources.probe_queue_url;
    let messages = receive_all(session.clients.sqs(), queue).await;
    assert!(!messages.is_empty(), "the due checks were enqueued");
    let batch = sqs_event(&messages, &queue_arn(queue));
    let answer = vigil_fn_prober::handle(&prober_deps, LambdaEvent::new(batch.clone(), Context::default())).await.unwrap();
    assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    settle(session.clients.sqs(), queue, &messages, &[]).await;
    assert_eq!(healthy.hits(), 1);
    assert_eq!(failing.hits(), 1);

    // Results, health and transitions in DynamoDB.
    let tenant_id = deps.stores.tenants.find_key(&ApiKeySecret::presented(TEST_KEY).hash()).await.unwrap().unwrap().tenant_id;
    let tenant = deps.stores.monitors.list(tenant_id, &MonitorQuery { tag: None, status: None, page: PageRequest::first() }).await.unwrap();
    assert_eq!(tenant.items.len(), 2);
    let mut versions = Vec::new();
    for (id, status, result) in [(ids[0], MonitorStatus::Up, "up"), (ids[1], MonitorStatus::Down, "down")] {
        let record = tenant.items.iter().find(|r| r.monitor.id == id).unwrap();
        assert_eq!(record.health.status, status);
        versions.push(record.health.version);
        let results = deps.stores.checks.list(tenant_id, id, &PageRequest::first()).await.unwrap().items;
        assert_eq!(results.len(), 1);
        assert_eq!(serde_json::to_value(&results[0].outcome).unwrap()["result"], result);
        let history = deps.stores.transitions.list(tenant_id, id, &PageRequest::first()).await.unwrap().items;
        assert_eq!(history.len(), 1);
        assert_eq!((history[0].from, history[0].to), (MonitorStatus::Pending, status));
        let artefact = deps.stores.artefacts.get(tenant_id, id, results[0].id).await.unwrap();
        assert_eq!(artefact.is_some(), status == MonitorStatus::Down, "a failure that changed health keeps its response in S3");
    }
    let read = call_api(&router, api_request("GET", &format!("/v1/monitors/{}", ids[1]), Some(TEST_KEY), None)).await;
    assert_eq!((read.status, read.json["status"].clone()), (200, Value::from("down")));
    assert_eq!(read.json["last_check"]["failure"]["class"], "bad_status");

    // The status changes, on a queue subscribed to the SNS topic and on the EventBridge bus.
    let expected: BTreeSet<_> =
        [("failing".to_owned(), "pending".to_owned(), "down".to_owned()), ("healthy".to_owned(), "pending".to_owned(), "up".to_owned())]
            .into();
    let published = events_on(&session, &session.resources.events_tap_url, |body| {
        let event = event_from_sns_envelope(body).unwrap();
        // The attributes subscriptions filter on, as SNS delivers them.
        let attributes = &serde_json::from_str::<Value>(body).unwrap()["MessageAttributes"];
        assert_eq!(attributes["type"], json!({"Type": "String", "Value": "monitor_status_changed"}));
        assert_eq!(attributes["tenant_id"]["Value"], event.tenant_id().to_string());
        assert_eq!(attributes["idempotency_key"]["Value"], event.idempotency_key());
        event
    })
    .await;
    assert_eq!(transitions(&published), expected);
    let routed = events_on(&session, &session.resources.bus_tap_url, |body| {
        let envelope: Value = serde_json::from_str(body).unwrap();
        assert_eq!(envelope["source"], "vigil");
        serde_json::from_value(envelope["detail"].clone()).unwrap()
    })
    .await;
    assert_eq!(transitions(&routed), expected);

    // The same batch delivered again: no second result, no second transition, the same events
    // published again for consumers to recognise by their idempotency keys.
    let answer = vigil_fn_prober::handle(&prober_deps, LambdaEvent::new(batch, Context::default())).await.unwrap();
    assert!(answer.batch_item_failures.is_empty());
    for (id, version) in ids.iter().zip(versions) {
        let record = deps.stores.monitors.get(tenant_id, *id).await.unwrap().unwrap();
        assert_eq!(record.health.version, version, "no double transition");
        assert_eq!(deps.stores.checks.list(tenant_id, *id, &PageRequest::first()).await.unwrap().items.len(), 1, "no duplicate result");
        assert_eq!(deps.stores.transitions.list(tenant_id, *id, &PageRequest::first()).await.unwrap().items.len(), 1);
    }
    let republished = events_on(&session, &session.resources.events_tap_url, |body| event_from_sns_envelope(body).unwrap()).await;
    let keys = |events: &[DomainEvent]| events.iter().map(DomainEvent::idempotency_key).collect::<BTreeSet<_>>();
    assert_eq!(keys(&republished), keys(&published));

    // Every request each function made is one that functions/manifest.json declares for it.
    for (function, counter) in [("monitors", &monitors_requests), ("scheduler", &scheduler_requests), ("prober", &prober_requests)] {
        assert_declared(function, counter);
    }
}

/// Asserts that every request `counter` saw is one functions/manifest.json declares for
/// `function`.
pub(crate) fn assert_declared(function: &str, counter: &RequestCounter) {
    let declared = declared_actions(function);
    for (service, operation) in counter.snapshot().keys() {
        let service = manifest_service(service);
        assert!(
            declared.contains(&(service.clone(), operation.clone())),
            "{function} called {service} {operation}, which the manifest does not declare"
        );
    }
}

/// The (service, operation) pairs functions/manifest.json declares for `function`.
fn declared_actions(function: &str) -> BTreeSet<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/manifest.json");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entry = manifest["functions"].as_array().unwrap().iter().find(|f| f["name"] == function).unwrap();
    entry["aws_actions"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(service, operations)| {
            operations.as_array().unwrap().iter().map(move |op| (service.clone(), op.as_str().unwrap().to_owned()))
        })
        .collect()
}

/// The manifest's name of a service as the request counter names it (the SDK's service name:
/// `DynamoDB`, `ApiGatewayManagementApi`, `SESv2`: the manifest names a service by its IAM
/// prefix, and SES's second API is still `ses`).
fn manifest_service(sdk_name: &str) -> String {
    let lower = sdk_name.to_lowercase();
    match lower.strip_suffix("api") {
        Some(service) if !service.is_empty() => service.to_owned(),
        _ if lower == "sesv2" => "ses".to_owned(),
        _ => lower,
    }
}
