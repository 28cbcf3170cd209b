//! `vigil-bench dashboard`: the dashboard's render cost on the self-hosted path. A SQLite store
//! holds N monitors with D days of history (one check an hour each, every tenth failing, and the
//! last hour's checks every minute); the overview and monitor pages are then asked for by a
//! signed-in owner, in process (the router's own time: no network, no TLS), and the table gives
//! the server time p50 / p99 and the bytes of each page. Bar: p99 under 50 ms self-hosted.

use crate::cli::DashboardArgs;
use crate::report::{Table, duration};
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;
use vigil_app::accounts::{SetUpOwner, StartSession, set_up_owner, start_session};
use vigil_app::{Blobs, Deps, Settings, Stores, SystemRandom};
use vigil_domain::access::Origin;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{MonitorDraft, MonitorHealth, MonitorRecord};
use vigil_domain::ports::CheckRecord;
use vigil_local::{FsArtefactStore, InProcessBus, SqliteStore};
use vigil_tests::contract::fixtures::result;

/// Checks recorded per call to the store while filling it.
const BATCH: usize = 2_000;

fn wire(store: Arc<SqliteStore>, artefacts: FsArtefactStore) -> Deps {
    let bus = InProcessBus::default();
    Deps {
        stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts: Arc::new(artefacts), ping_bodies: store })),
        events: Arc::new(bus.clone()),
        prober: Arc::new(crate::no_network::NoNetworkProber),
        random: Arc::new(SystemRandom),
        notifier: Arc::new(vigil_memory::ScriptedNotifier::default()),
        passwords: Arc::new(vigil_memory::InstantPasswords),
        oidc: None,
        live: Some(Arc::new(bus)),
        settings: Arc::new(Settings::default()),
    }
}

/// N monitors, written straight to the store (the create use case would vet and audit each).
async fn monitors(deps: &Deps, tenant: TenantId, count: usize, now: Timestamp) -> anyhow::Result<Vec<MonitorId>> {
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let draft = MonitorDraft {
            name: Some(format!("service {i:04}")),
            url: Some(format!("https://s{i}.example.com/health")),
            tags: Some(vec![["prod", "staging", "edge"][i % 3].to_owned()]),
            ..MonitorDraft::default()
        };
        let spec = vigil_domain::monitor::HttpMonitorSpec::from_draft(&draft)?;
        let id = MonitorId::from_uuid(uuid::Uuid::now_v7());
        let monitor = vigil_domain::monitor::HttpMonitor { id, tenant_id: tenant, spec, revision: 1, created_at: now, updated_at: now };
        deps.stores.monitors.insert(&MonitorRecord { monitor, health: MonitorHealth::pending(now), next_due_at: None }).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// `days` of hourly checks and the last hour minute by minute, for each monitor.
async fn history(deps: &Deps, tenant: TenantId, ids: &[MonitorId], days: i64, now: Timestamp) -> anyhow::Result<usize> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut stored = 0;
    let hours = days * 24;
    for (m, id) in ids.iter().enumerate() {
        let hourly = (1..=hours).map(|h| now - SignedDuration::from_hours(h));
        let minutes = (1..60).map(|k| now - SignedDuration::from_mins(k));
        for (k, planned) in hourly.chain(minutes).enumerate() {
            let latency = 30 + ((m * 7 + k * 13) % 170) as u64;
            batch.push(CheckRecord { result: result(tenant, *id, planned, (m + k) % 10 != 0, latency), health: None, patient: false });
            if batch.len() == BATCH {
                stored += batch.len();
                deps.stores.checks.record(&batch).await?;
                batch.clear();
            }
        }
    }
    stored += batch.len();
    deps.stores.checks.record(&batch).await?;
    Ok(stored)
}

/// `count` heartbeat tasks expected every hour, each with a 40 s run every hour over `days`
/// (every twentieth failing), written in one change per task.
async fn tasks(deps: &Deps, tenant: TenantId, count: usize, days: i64, now: Timestamp) -> anyhow::Result<usize> {
    use vigil_domain::heartbeat::run::Run;
    use vigil_domain::heartbeat::{PingToken, StoredRun, Task, TaskRecord, TaskSpec, TaskState};
    use vigil_domain::ids::{PingId, RunId, TaskId};
    use vigil_domain::ports::{TaskChange, TaskLocator};
    // Run ids sort by time (UUIDv7 of the run's start), as the history lists them.
    let v7 = |at: Timestamp| {
        uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, at.as_second() as u64, at.subsec_nanosecond() as u32))
    };
    let mut stored = 0;
    for i in 0..count {
        let draft =
            serde_json::from_value(serde_json::json!({"name": format!("job {i:04}"), "period_seconds": 3600, "grace_seconds": 300}))?;
        let spec = TaskSpec::from_draft(&draft).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = TaskId::from_uuid(uuid::Uuid::now_v7());
        let mut token = [0u8; 16];
        token[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let task =
            Task { id, tenant_id: tenant, token: PingToken::from_random(token), spec, revision: 1, created_at: now, updated_at: now };
        deps.stores.tasks.insert(&TaskRecord { task, state: TaskState::new(now), next_deadline: None }).await?;
        let runs: Vec<StoredRun> = (1..=days * 24)
            .rev()
            .map(|h| {
                let start = now - SignedDuration::from_hours(h);
                let (run, ping) = (Run::new(RunId::from_uuid(v7(start)), None), PingId::from_uuid(v7(start)));
                let running = run.start(start, ping);
                let end = start + SignedDuration::from_secs(40 + (h % 7) * 5);
                if h % 20 == 0 {
                    StoredRun::failed(tenant, id, running.fail(end, Some(1), "exit 1".into()), Some(ping))
                } else {
                    StoredRun::completed(tenant, id, running.complete(end, Some(0)), Some(ping))
                }
            })
            .collect();
        stored += runs.len();
        let decide = Arc::new(move |record: &TaskRecord| {
            let mut state = record.state.clone();
            state.version += 1;
            Some(TaskChange { state, next_deadline: None, runs: runs.clone(), ping: None, keep_pings: None })
        });
        deps.stores.task_state.apply(&TaskLocator::Id { tenant, task: id }, decide).await?;
    }
    Ok(stored)
}

/// Asks for `path` `times` times; each answer's time in the router, and its size in bytes.
async fn measure(router: &axum::Router, cookie: &str, paths: &[String], times: usize) -> anyhow::Result<(Vec<Duration>, Vec<usize>)> {
    let (mut took, mut sizes) = (Vec::with_capacity(times), Vec::with_capacity(times));
    for i in 0..times {
        let request = Request::builder().uri(&paths[i % paths.len()]).header("cookie", cookie).body(Body::empty())?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        took.push(started.elapsed());
        anyhow::ensure!(status == StatusCode::OK, "{} answered {status}", paths[i % paths.len()]);
        sizes.push(body.len());
    }
    took.sort();
    Ok((took, sizes))
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn gzipped(bytes: usize, page: &[u8]) -> String {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = encoder.write_all(page);
    let compressed = encoder.finish().map(|c| c.len()).unwrap_or(0);
    format!("{:.1} KB ({:.1} KB gzipped)", bytes as f64 / 1024.0, compressed as f64 / 1024.0)
}

/// Runs the scenario and prints its table.
pub async fn run(args: DashboardArgs) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new().prefix("vigil-bench-dashboard-").tempdir()?;
    let store = Arc::new(SqliteStore::open(&dir.path().join("vigil.db"))?);
    let deps = wire(store, FsArtefactStore::open(&dir.path().join("artefacts"))?);
    let now = Timestamp::now();
    let setup = SetUpOwner {
        email: "owner@example.com".into(),
        password: "a bench's passphrase".into(),
        name: "Owner".into(),
        organisation: Some("Bench".into()),
        origin: Origin::default(),
    };
    let owner = set_up_owner(&deps, setup, now).await?;
    let tenant = owner.tenant_id;
    let (_, cookie) = start_session(&deps, StartSession { signed_in: owner, origin: Origin::default() }, now).await?;
    let cookie = format!("vigil_session={}", cookie.expose());

    let filling = Instant::now();
    let ids = monitors(&deps, tenant, args.monitors, now).await?;
    let checks = history(&deps, tenant, &ids, args.days, now).await?;
    let runs = tasks(&deps, tenant, args.tasks, args.days, now).await?;
    println!(
        "filled: {} monitors, {checks} checks, {} tasks, {runs} runs over {} days in {}",
        ids.len(),
        args.tasks,
        args.days,
        duration(filling.elapsed())
    );

    let router = vigil_web::app(deps.clone());
    let overview = vec!["/".to_owned()];
    let pages: Vec<String> = ids.iter().step_by((ids.len() / 50).max(1)).map(|id| format!("/monitors/{id}")).collect();
    let mut table = Table::new("page", ["requests", "p50", "p99", "max", "bytes sent"].map(str::to_owned));
    for (label, paths) in [("overview", &overview), ("monitor page", &pages)] {
        measure(&router, &cookie, paths, args.warmup).await?;
        let (took, sizes) = measure(&router, &cookie, paths, args.requests).await?;
        let sample = router.clone().oneshot(Request::builder().uri(&paths[0]).header("cookie", &cookie).body(Body::empty())?).await?;
        let page = sample.into_body().collect().await?.to_bytes();
        let mean = sizes.iter().sum::<usize>() / sizes.len().max(1);
        table.row(
            label,
            [
                args.requests.to_string(),
                duration(quantile(&took, 0.5)),
                duration(quantile(&took, 0.99)),
                duration(*took.last().unwrap_or(&Duration::ZERO)),
                gzipped(mean, &page),
            ],
        );
    }
    println!("\n{}", table.render());
    Ok(())
}
