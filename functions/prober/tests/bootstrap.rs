//! The real `vigil-prober` binary, started against a fake Lambda Runtime API and the emulator,
//! serves an SQS batch: the job's check runs and its result is stored.

use jiff::SignedDuration;
use std::path::Path;
use vigil_app::SystemClock;
use vigil_app::jobs::dispatch_due_checks;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_aws::wiring;
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::page::PageRequest;
use vigil_tests::emulator::{Session, queue_arn};
use vigil_tests::lambda::{receive_all, sample_event, sqs_event};
use vigil_tests::runtime_api::{Answer, invoke_binary};
use vigil_tests::target::Target;

const BINARY: &str = env!("CARGO_BIN_EXE_vigil-prober");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_a_probe_job_from_an_sqs_batch() {
    let session = Session::start().await;
    let deps = session.deps();
    let target = Target::http().await;
    let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
    let draft = serde_json::from_value(serde_json::json!({"name": "m", "url": target.url("/"), "interval_seconds": 3600})).unwrap();
    let now = SystemClock::now();
    let monitor =
        create_monitor(&deps, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, now).await.unwrap().monitor.id;
    let (dispatch_deps, dispatch) = wiring::scheduler_deps(&session.clients, &session.scheduler_config(SignedDuration::from_secs(61)));
    dispatch_due_checks(&dispatch_deps, dispatch, now).await.unwrap();
    let messages = receive_all(session.clients.sqs(), &session.resources.probe_queue_url).await;
    let batch = serde_json::to_value(sqs_event(&messages, &queue_arn(&session.resources.probe_queue_url))).unwrap();

    let run = invoke_binary(Path::new(BINARY), &session.function_env(), batch).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert_eq!(answer, serde_json::json!({"batchItemFailures": []}));
    assert_eq!(target.hits(), 1);
    let record = deps.stores.monitors.get(tenant, monitor).await.unwrap().unwrap();
    assert_eq!(record.health.status, MonitorStatus::Up);
    assert_eq!(deps.stores.checks.list(tenant, monitor, &PageRequest::first()).await.unwrap().items.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reports_a_malformed_message_as_a_batch_failure() {
    let session = Session::start().await;
    let run = invoke_binary(Path::new(BINARY), &session.function_env(), sample_event("sqs-malformed.json")).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert_eq!(answer["batchItemFailures"][0]["itemIdentifier"], "2e1424d4-f796-459a-8184-9c92662be6da");
    assert!(run.stderr.contains("not a job"), "the refusal is logged: {}", run.stderr);
}
