//! The real `vigil-scheduler` binary, started against a fake Lambda Runtime API and the
//! emulator, serves the scheduled event: it claims a due check and enqueues its job.

use std::path::Path;
use vigil_app::SystemClock;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_domain::ids::TenantId;
use vigil_tests::emulator::Session;
use vigil_tests::lambda::{receive_all, sample_event};
use vigil_tests::runtime_api::{Answer, invoke_binary};

const BINARY: &str = env!("CARGO_BIN_EXE_vigil-scheduler");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_dispatches_on_a_scheduled_event() {
    let session = Session::start().await;
    let deps = session.deps();
    let draft = serde_json::from_value(serde_json::json!({"name": "m", "url": "https://example.com/", "interval_seconds": 3600})).unwrap();
    let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
    create_monitor(&deps, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, SystemClock::now()).await.unwrap();
    let run = invoke_binary(Path::new(BINARY), &session.function_env(), sample_event("eventbridge-scheduled.json")).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert!(answer["checks"].as_u64().unwrap() >= 1, "{answer}");
    assert!(answer["jobs"].as_u64().unwrap() >= 1, "{answer}");
    let queued = receive_all(session.clients.sqs(), &session.resources.probe_queue_url).await;
    assert_eq!(queued.len(), 1, "the new monitor's first check is due at once");
    let job = vigil_aws::sqs::decode_job(queued[0].body().unwrap()).unwrap();
    assert_eq!(job.entries[0].tenant_id, tenant);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_configuration_stops_the_cold_start_with_one_line() {
    let env = [
        ("AWS_REGION", "us-east-1".to_owned()),
        ("VIGIL_TABLE", "t".to_owned()),
        ("VIGIL_PROBE_QUEUE_URL", "http://q".to_owned()),
        ("VIGIL_SCHEDULE_HORIZON_SECONDS", "3600".to_owned()),
    ];
    let run = invoke_binary(Path::new(BINARY), &env, sample_event("eventbridge-scheduled.json")).await;
    assert!(run.exit.is_some_and(|status| !status.success()), "{run:?}");
    assert_eq!(run.stderr.trim(), "configuration error: VIGIL_SCHEDULE_HORIZON_SECONDS=3600 is not a whole number from 61 to 900");
}
