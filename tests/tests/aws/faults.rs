use crate::alerting::{failed_ids, make_visible_again};
use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};
use std::collections::BTreeSet;
use uuid::Uuid;
use vigil_app::SystemClock;
use vigil_app::jobs::dispatch_due_checks;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, DynamoStore, wiring};
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::{MonitorDraft, MonitorStatus};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::TenantDirectory;
use vigil_tests::emulator::{Session, clients, prober_deps, provision::MAX_RECEIVES, queue_arn};
use vigil_tests::fault_proxy::{Fault, FaultProxy};
use vigil_tests::lambda::{receive_all, sample_event, settle, sqs_event};
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emulator_failing_mid_batch_returns_the_unfinished_jobs_and_loses_nothing() {
    let session = Session::start().await;
    let direct = session.deps();
    let target = Target::http().await;
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let now = SystemClock::now();
    let mut monitors = Vec::new();
    for i in 0..4 {
        let draft: MonitorDraft =
            serde_json::from_value(serde_json::json!({"name": format!("m{i}"), "url": target.url("/"), "interval_seconds": 3600})).unwrap();
        monitors.push(
            create_monitor(&direct, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, now)
                .await
                .unwrap()
                .monitor
                .id,
        );
    }
    let mut config = session.scheduler_config(SignedDuration::from_secs(61));
    config.job_size = 1;
    let (dispatch_deps, dispatch) = wiring::scheduler_deps(&session.clients, &config);
    dispatch_due_checks(&dispatch_deps, dispatch, now).await.unwrap();
    let queue = &session.resources.probe_queue_url;
    let messages = receive_all(session.clients.sqs(), queue).await;
    assert_eq!(messages.len(), 4, "one job per new monitor, due at once");

    // The prober reaches the emulator through a proxy that dies after three requests.
    let proxy = FaultProxy::start(&session.endpoint).await;
    let proxied = prober_deps(&clients(&proxy.endpoint, ClientOptions::default()).await, &session.store_config());
    proxy.set(Fault::DownAfter(3));
    let answer =
        vigil_fn_prober::handle(&proxied, LambdaEvent::new(sqs_event(&messages, &queue_arn(queue)), Context::default())).await.unwrap();
    let failed = failed_ids(&answer);
    assert!(proxy.refused() > 0);
    assert!(!failed.is_empty(), "jobs whose checks could not be stored come back");
    let ids: BTreeSet<String> = messages.iter().filter_map(|m| m.message_id().map(str::to_owned)).collect();
    assert!(failed.is_subset(&ids));
    settle(session.clients.sqs(), queue, &messages, &failed.iter().cloned().collect::<Vec<_>>()).await;

    // The emulator is back: the returned jobs are delivered again and complete.
    proxy.set(Fault::None);
    let returned: Vec<_> = messages.iter().filter(|m| m.message_id().is_some_and(|id| failed.contains(id))).cloned().collect();
    make_visible_again(&session, queue, &returned).await;
    let redelivered = receive_all(session.clients.sqs(), queue).await;
    let bodies: Vec<_> = redelivered.iter().map(|m| (m.message_id(), m.body(), m.attributes())).collect();
    assert_eq!(redelivered.iter().filter_map(|m| m.message_id().map(str::to_owned)).collect::<BTreeSet<_>>(), failed, "{bodies:?}");
    let answer =
        vigil_fn_prober::handle(&proxied, LambdaEvent::new(sqs_event(&redelivered, &queue_arn(queue)), Context::default())).await.unwrap();
    assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    settle(session.clients.sqs(), queue, &redelivered, &[]).await;

    // Every check stored exactly once, every monitor moved exactly once.
    for id in monitors {
        let record = direct.stores.monitors.get(tenant, id).await.unwrap().unwrap();
        assert_eq!(record.health.status, MonitorStatus::Up);
        assert_eq!(direct.stores.checks.list(tenant, id, &PageRequest::first()).await.unwrap().items.len(), 1);
        assert_eq!(direct.stores.transitions.list(tenant, id, &PageRequest::first()).await.unwrap().items.len(), 1);
    }
    // Each status change reached the topic at least once (a redelivery may publish it again).
    let published = receive_all(session.clients.sqs(), &session.resources.events_tap_url).await;
    let keys: BTreeSet<String> = published
        .iter()
        .map(|m| vigil_aws::events::event_from_sns_envelope(m.body().unwrap_or_default()).unwrap().idempotency_key())
        .collect();
    assert_eq!(keys.len(), 4, "one distinct status change per monitor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_by_dynamodb_is_retried() {
    let session = Session::start().await;
    let proxy = FaultProxy::start(&session.endpoint).await;
    let counter = RequestCounter::default();
    let clients = clients(&proxy.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let store = DynamoStore::new(clients.dynamodb.clone(), &session.resources.table, SignedDuration::from_hours(24));
    proxy.set(Fault::ThrottleDynamoDb(2));
    assert!(!store.has_tenants().await.expect("the third attempt succeeds"));
    assert_eq!(proxy.throttled(), 2);
    assert_eq!(proxy.dynamodb_requests(), 3);
    let attempts: u64 = counter.snapshot().iter().filter(|((_, operation), _)| operation == "Query").map(|(_, n)| n).sum();
    assert_eq!(attempts, 3, "every attempt is counted (and billed): {:?}", counter.snapshot());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_message_is_reported_until_the_dead_letter_queue_takes_it() {
    let session = Session::start().await;
    let deps = prober_deps(&session.clients, &session.store_config());
    let queue = &session.resources.probe_queue_url;
    session.clients.sqs().send_message().queue_url(queue).message_body(r#"{"hello": "not a job"}"#).send().await.unwrap();
    for receive in 1..=MAX_RECEIVES {
        let messages = receive_all(session.clients.sqs(), queue).await;
        assert_eq!(messages.len(), 1, "receive {receive}");
        let answer =
            vigil_fn_prober::handle(&deps, LambdaEvent::new(sqs_event(&messages, &queue_arn(queue)), Context::default())).await.unwrap();
        assert_eq!(failed_ids(&answer), BTreeSet::from([messages[0].message_id().unwrap().to_owned()]));
        make_visible_again(&session, queue, &messages).await;
    }
    assert!(receive_all(session.clients.sqs(), queue).await.is_empty(), "after its last allowed receive it leaves the queue");
    let dead = receive_all(session.clients.sqs(), &session.resources.probe_dlq_url).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].body(), Some(r#"{"hello": "not a job"}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_sqs_events_are_handled() {
    let session = Session::start().await;
    let deps = prober_deps(&session.clients, &session.store_config());
    // A job of monitors that do not exist (here): skipped, not failed.
    let job = serde_json::from_value(sample_event("sqs-probe-job.json")).unwrap();
    let answer = vigil_fn_prober::handle(&deps, LambdaEvent::new(job, Context::default())).await.unwrap();
    assert!(answer.batch_item_failures.is_empty());
    let malformed = serde_json::from_value(sample_event("sqs-malformed.json")).unwrap();
    let answer = vigil_fn_prober::handle(&deps, LambdaEvent::new(malformed, Context::default())).await.unwrap();
    assert_eq!(failed_ids(&answer), BTreeSet::from(["2e1424d4-f796-459a-8184-9c92662be6da".to_owned()]));
    assert!(!session.deps().stores.tenants.has_tenants().await.unwrap());
    // The SNS-over-SQS sample carries a Vigil event, as the incidents and notifier functions will
    // receive them.
    let notification = sample_event("sns-over-sqs-status-changed.json");
    let event = vigil_aws::events::event_from_sns_envelope(notification["Records"][0]["body"].as_str().unwrap()).unwrap();
    assert!(event.idempotency_key().starts_with("monitor-status:0194f0c2-5e1a-7b3c-9d4e-1f2a3b4c5d6e:"));
}
