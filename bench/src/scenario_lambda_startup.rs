//! `vigil-bench lambda-startup`: each function's binary, cold-started again and again against a
//! fake Lambda Runtime API (tests/src/runtime_api.rs) and the AWS emulator, serving one sample
//! event each time. Reports the init time (spawn to the first request for an event), the time
//! to the first answer, the peak resident memory (VmHWM) and the sizes of the binaries and, if
//! built, of the arm64 zips.
//!
//! The binaries measured are the host's (x86_64) build of the `lambda-release` profile: the arm64 ones
//! cannot run here. Build them first with
//! `cargo build --profile lambda-release -p vigil-fn-api -p vigil-fn-scheduler -p vigil-fn-prober`.

use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};
use std::time::Duration;
use vigil_tests::runtime_api::{Answer, invoke_binary};

use crate::cli::{LambdaStartupArgs, Scheme};
use crate::report::{Table, num};
use crate::target::Target;
use jiff::SignedDuration;
use std::sync::Arc;
use vigil_app::SystemClock;
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks, dispatch_due_checks};
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_aws::DynamoStore;
use vigil_aws::config::StoreConfig;
use vigil_aws::sqs::SqsJobQueue;
use vigil_domain::ids::TenantId;

/// Each binary with the event of its first answer. The route groups' events carry a key no
/// tenant has: their answer (401) comes after the key's lookup in DynamoDB. The status
/// function's asks for a page no tenant has: its 404 page comes after the slug's lookup. The
/// account pages' asks for the sign-in page: on the bench's table, without people, its redirect
/// to set up comes after the lookup of users. The dashboard's asks for the overview, the host
/// pages' for the hosts, the alerting pages' for the channels, without a session: their
/// redirect to sign in comes before any store read. The sso function's starts a
/// sign-in with no provider configured: a 404 without a store read.
const FUNCTIONS: [(&str, &str); 17] = [
    ("vigil-api", "apigw-healthz.json"),
    ("vigil-dashboard", "apigw-overview-page.json"),
    ("vigil-account-pages", "apigw-sign-in-page.json"),
    ("vigil-host-pages", "apigw-hosts-page.json"),
    ("vigil-alerting-pages", "apigw-channels-page.json"),
    ("vigil-accounts", "apigw-list-keys.json"),
    ("vigil-sso", "apigw-oidc-start.json"),
    ("vigil-monitors", "apigw-create-monitor.json"),
    ("vigil-check-now", "apigw-check-now.json"),
    ("vigil-tasks", "apigw-list-tasks.json"),
    ("vigil-alerting", "apigw-list-channels.json"),
    ("vigil-hosts", "apigw-list-hosts.json"),
    ("vigil-publishing", "apigw-list-status-pages.json"),
    ("vigil-triage", "apigw-list-incidents.json"),
    ("vigil-status", "apigw-status-page.json"),
    ("vigil-scheduler", "eventbridge-scheduled.json"),
    ("vigil-prober", "sqs-probe-job.json"),
];

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    num(d.as_secs_f64() * 1000.0, 1)
}

/// Runs the scenario and prints its table.
pub async fn run(args: LambdaStartupArgs, target: &Target) -> anyhow::Result<()> {
    let target_dir =
        args.target_dir.clone().unwrap_or_else(|| PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())));
    let endpoint = tokio::task::spawn_blocking(vigil_tests::emulator::endpoint).await?;
    vigil_tests::emulator::reset(&endpoint).await;
    let clients = vigil_tests::emulator::clients(&endpoint, vigil_aws::ClientOptions::default()).await;
    let resources = vigil_tests::emulator::provision(&clients).await?;
    let env = vigil_tests::emulator::function_env(&endpoint, &resources);

    let mut table = Table::new(
        "function",
        [
            "arm64 zip".to_owned(),
            "x86_64 binary".to_owned(),
            "init p50 (ms)".to_owned(),
            "init max (ms)".to_owned(),
            "first answer p50 (ms)".to_owned(),
            "peak RSS (MiB)".to_owned(),
        ],
    );
    for (binary, event) in FUNCTIONS {
        let path = target_dir.join(&args.profile).join(binary);
        let size = std::fs::metadata(&path).with_context(|| format!("{} (build it first)", path.display()))?.len();
        let zip = target_dir.join("lambda").join(binary).join("bootstrap.zip");
        let zip_size = std::fs::metadata(&zip).map(|m| format!("{:.2} MB", m.len() as f64 / 1e6)).unwrap_or_else(|_| "not built".into());
        let (mut inits, mut answers, mut peak) = (Vec::new(), Vec::new(), 0u64);
        for _ in 0..args.runs {
            let run = invoke_binary(Path::new(&path), &env, vigil_tests::lambda::sample_event(event)).await;
            match &run.answer {
                Some(Answer::Response(_)) => {}
                other => return Err(anyhow!("{binary} did not answer: {other:?}\n{}", run.stderr)),
            }
            inits.push(run.init.context("no init time")?);
            answers.push(run.answered.context("no answer time")?);
            peak = peak.max(run.peak_rss_kib.unwrap_or(0));
        }
        inits.sort();
        answers.sort();
        table.row(
            binary,
            [
                zip_size,
                format!("{:.2} MB", size as f64 / 1e6),
                ms(quantile(&inits, 0.5)),
                ms(quantile(&inits, 1.0)),
                ms(quantile(&answers, 0.5)),
                num(peak as f64 / 1024.0, 1),
            ],
        );
    }
    println!("\n{} cold starts per function, profile `{}`:\n\n{}", args.runs, args.profile, table.render());
    busy_prober(&endpoint, &args, &target_dir, target, &clients, &resources, &env).await
}

/// The prober binary serving a full batch: ten job messages of `--checks-per-job` checks each,
/// all run at once against the local target; its peak memory is what a batch costs.
async fn busy_prober(
    endpoint: &str,
    args: &LambdaStartupArgs,
    target_dir: &Path,
    target: &Target,
    clients: &vigil_aws::AwsClients,
    resources: &vigil_tests::emulator::Resources,
    env: &[(&str, String)],
) -> anyhow::Result<()> {
    let config = StoreConfig { event_bus: None, ..vigil_tests::emulator::store_config(endpoint, resources) };
    // The monitors are made as the api makes them: creating one reaches stores (the audit log)
    // that the prober does not wire.
    let deps = vigil_tests::emulator::deps_with(clients, &config);
    let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
    let now = SystemClock::now();
    let checks = 10 * args.checks_per_job;
    for i in 0..checks {
        let draft = serde_json::from_value(
            serde_json::json!({"name": format!("m{i}"), "url": target.url(Scheme::Http), "interval_seconds": 3600}),
        )?;
        create_monitor(&deps, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, now).await?;
    }
    let dispatch_deps = DispatchDeps {
        schedule: Arc::new(DynamoStore::new(clients.dynamodb.clone(), &resources.table, config.retention)),
        jobs: Arc::new(SqsJobQueue::new(clients.sqs_messages(), &resources.probe_queue_url)),
    };
    let window = SignedDuration::from_secs(61);
    let cmd = DispatchDueChecks { lead: window, horizon: window, claim_batch: 500, max_checks: checks, job_size: args.checks_per_job };
    dispatch_due_checks(&dispatch_deps, cmd, now).await?;
    let messages = vigil_tests::lambda::receive_all(clients.sqs(), &resources.probe_queue_url).await;
    let batch: Vec<_> = messages.into_iter().take(10).collect();
    let entries: usize =
        batch.iter().filter_map(|m| vigil_aws::sqs::decode_job(m.body().unwrap_or_default()).ok()).map(|j| j.entries.len()).sum();
    let event =
        serde_json::to_value(vigil_tests::lambda::sqs_event(&batch, &vigil_tests::emulator::queue_arn(&resources.probe_queue_url)))?;
    let run = invoke_binary(&target_dir.join(&args.profile).join("vigil-prober"), env, event).await;
    match &run.answer {
        Some(Answer::Response(answer)) if answer["batchItemFailures"].as_array().is_some_and(Vec::is_empty) => {}
        other => return Err(anyhow!("the busy prober did not succeed: {other:?}\n{}", run.stderr)),
    }
    println!(
        "\nvigil-prober serving one batch of {} messages holding {entries} checks (all run at once): \
         answered after {} ms, peak RSS {} MiB",
        batch.len(),
        ms(run.answered.unwrap_or_default()),
        num(run.peak_rss_kib.unwrap_or(0) as f64 / 1024.0, 1),
    );
    Ok(())
}
