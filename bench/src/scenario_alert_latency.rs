//! `vigil-bench alert-latency`: detection latency, self-hosted. The real `vigil serve` wiring
//! (cli/src/serve.rs, default delivery settings) watches a local target with one monitor
//! (failure threshold 1, 10 s interval by default) and notifies a local webhook receiver. For
//! each of N outages the target starts failing at a different point of the monitor's interval
//! (a golden-ratio sequence, so the points spread evenly), and the figure is the time from that
//! moment to the receiver having the `incident.opened` message. The target then recovers and
//! the next outage waits for the resolve message.
//!
//! The latency is at most one interval of waiting for the next check, plus the check, the
//! status write, the incident, the delivery poll (200 ms) and the POST. The pipeline part is
//! reported on its own: from the incident's opening (the failing check's end) to arrival.

use anyhow::{Context, anyhow};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use vigil::serve::{DeliveryConfig, ServeConfig, start};
use vigil_app::SystemClock;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_app::notifications::{CreateChannel, CreateRule, create_channel, create_rule};
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::{MonitorDraft, MonitorStatus};
use vigil_domain::notify::{AlertRuleDraft, ChannelDraft, SelectorDraft};
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};
use vigil_domain::tenant::ApiKeySecret;

use crate::cli::AlertLatencyArgs;
use crate::report::{self, Table};

/// The admin key of the benchmark's own server.
const KEY: &str = "vk_alert_latency_bench_key_000000001";

/// One message the receiver got: its kind, when it arrived, and the incident's opening time.
#[derive(Clone, Debug)]
struct Arrival {
    opened: bool,
    at: Instant,
    at_wall: jiff::Timestamp,
    opened_at: Option<jiff::Timestamp>,
}

/// Runs the scenario and prints its table.
pub async fn run(args: AlertLatencyArgs) -> anyhow::Result<()> {
    let failing = Arc::new(AtomicBool::new(false));
    let target = serve_target(Arc::clone(&failing)).await?;
    let arrivals = Arc::new(Mutex::new(Vec::<Arrival>::new()));
    let receiver = serve_receiver(Arc::clone(&arrivals)).await?;

    let dir = tempfile::tempdir().context("a data directory")?;
    let server = start(ServeConfig {
        listen: "127.0.0.1:0".parse()?,
        data_dir: dir.path().to_owned(),
        admin_key: Some(KEY.into()),
        network_policy: NetworkPolicy::AllowPrivate,
        body_cap: ProbeRequest::DEFAULT_BODY_CAP,
        max_in_flight: 100,
        retention: jiff::SignedDuration::from_hours(24),
        extra_ca_file: None,
        public_url: None,
        ping_body_cap: vigil_app::HeartbeatSettings::DEFAULT_BODY_CAP,
        pings_kept: vigil_domain::heartbeat::PingCap::default(),
        sweep_interval: std::time::Duration::from_secs(1),
        // Its monitors must be Up before the outage starts; spreading their first checks would
        // only lengthen the setup.
        first_check_within: std::time::Duration::ZERO,
        delivery: DeliveryConfig::default(),
        smtp: None,
        accounts: vigil_app::AccountSettings::default(),
        owner: None,
        oidc: None,
        config_file: None,
        live_updates: Default::default(),
    })
    .await?;
    let deps = server.deps.clone();
    let tenant: TenantId = deps
        .stores
        .tenants
        .find_key(&ApiKeySecret::presented(KEY).hash())
        .await?
        .ok_or_else(|| anyhow!("the bootstrap key is missing"))?
        .tenant_id;
    let now = SystemClock::now();
    let draft: MonitorDraft = serde_json::from_value(serde_json::json!({
        "name": "latency target", "url": format!("http://{target}/"), "interval_seconds": args.interval_seconds,
        "timeout_ms": 2000, "failure_threshold": 1, "recovery_threshold": 1
    }))?;
    let monitor = create_monitor(&deps, CreateMonitor { actor: vigil_domain::access::Actor::system(tenant), draft }, now).await?.monitor.id;
    let channel_draft: ChannelDraft =
        serde_json::from_value(serde_json::json!({"name": "receiver", "type": "webhook", "url": format!("http://{receiver}/hook")}))?;
    let channel =
        create_channel(&deps, CreateChannel { actor: vigil_domain::access::Actor::system(tenant), draft: channel_draft }, now).await?.id;
    let rule = AlertRuleDraft {
        name: Some("all".into()),
        select: Some(SelectorDraft { monitors: vec![monitor.to_string()], ..SelectorDraft::default() }),
        channels: Some(vec![channel.to_string()]),
        ..AlertRuleDraft::default()
    };
    create_rule(&deps, CreateRule { actor: vigil_domain::access::Actor::system(tenant), replaces: None, draft: rule }, now).await?;

    let interval = Duration::from_secs(u64::from(args.interval_seconds));
    let status = || async { deps.stores.monitors.get(tenant, monitor).await.ok().flatten().map(|r| r.health.status) };
    wait_until("the monitor's first check", interval * 2, || async { status().await == Some(MonitorStatus::Up) }).await?;
    println!("monitor {monitor}: interval {} s, failure threshold 1; receiver at {receiver}", args.interval_seconds);

    let mut latencies = Vec::new();
    let mut pipeline = Vec::new();
    for outage in 0..args.outages {
        // Start failing at an evenly spread point of the interval after recovery.
        let offset = interval.mul_f64((outage as f64 * 0.618_033_988_75).fract());
        tokio::time::sleep(offset).await;
        let seen = arrivals.lock().map_err(|_| anyhow!("poisoned"))?.len();
        failing.store(true, Ordering::SeqCst);
        let started = Instant::now();
        let opened = wait_for(&arrivals, seen, true, interval * 3).await.with_context(|| format!("outage {}", outage + 1))?;
        let latency = opened.at - started;
        let after_check = opened.opened_at.map(|o| Duration::try_from(opened.at_wall.duration_since(o)).unwrap_or_default());
        println!(
            "outage {:>2}: failing at +{:>5}, message after {:>8} (pipeline after the failing check: {})",
            outage + 1,
            report::duration(offset),
            report::duration(latency),
            report::maybe_duration(after_check)
        );
        latencies.push(latency);
        pipeline.extend(after_check);
        let seen = arrivals.lock().map_err(|_| anyhow!("poisoned"))?.len();
        failing.store(false, Ordering::SeqCst);
        wait_for(&arrivals, seen, false, interval * 3).await.with_context(|| format!("recovery {}", outage + 1))?;
    }
    server.shutdown().await;
    print(&args, &latencies, &pipeline);
    Ok(())
}

/// The nearest-rank `q`-quantile of sorted samples.
fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied()
}

fn print(args: &AlertLatencyArgs, latencies: &[Duration], pipeline: &[Duration]) {
    let mut end_to_end = latencies.to_vec();
    end_to_end.sort();
    let mut after_check = pipeline.to_vec();
    after_check.sort();
    let bar = Duration::from_secs(u64::from(args.interval_seconds) + 2);
    let mut table = Table::new("figure", ["target fails → message".to_owned(), "failing check → message".to_owned()]);
    table.row("outages", [end_to_end.len().to_string(), after_check.len().to_string()]);
    for (label, q) in [("min", 0.0), ("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
        table.row(label, [report::maybe_duration(quantile(&end_to_end, q)), report::maybe_duration(quantile(&after_check, q))]);
    }
    table.row("max", [report::maybe_duration(end_to_end.last().copied()), report::maybe_duration(after_check.last().copied())]);
    let p99 = quantile(&end_to_end, 0.99);
    let verdict = if p99.is_some_and(|p| p < bar) { "met" } else { "NOT met" };
    table.row("bar: p99 < interval + 2 s", [format!("{} ({verdict})", report::duration(bar)), "–".to_owned()]);
    println!();
    print!("{}", table.render());
}

async fn wait_until<F, Fut>(what: &str, timeout: Duration, check: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !check().await {
        if Instant::now() > deadline {
            return Err(anyhow!("timed out waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The first arrival after the first `seen` that is an opening (or a resolution).
async fn wait_for(arrivals: &Mutex<Vec<Arrival>>, seen: usize, opened: bool, timeout: Duration) -> anyhow::Result<Arrival> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = arrivals.lock().map_err(|_| anyhow!("poisoned"))?.iter().skip(seen).find(|a| a.opened == opened) {
            return Ok(found.clone());
        }
        if Instant::now() > deadline {
            return Err(anyhow!("no {} message within {timeout:?}", if opened { "opened" } else { "resolved" }));
        }
        // Fine polling: the figure is measured to this step.
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn serve_target(failing: Arc<AtomicBool>) -> anyhow::Result<SocketAddr> {
    serve(move |_request| {
        let status = if failing.load(Ordering::SeqCst) { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
        async move { status_response(status) }
    })
    .await
}

async fn serve_receiver(arrivals: Arc<Mutex<Vec<Arrival>>>) -> anyhow::Result<SocketAddr> {
    serve(move |request: Request<Incoming>| {
        let arrivals = Arc::clone(&arrivals);
        async move {
            let at = Instant::now();
            let at_wall = jiff::Timestamp::now();
            let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let kind = json["type"].as_str().unwrap_or_default();
            if kind == "incident.opened" || kind == "incident.resolved" {
                let opened_at = json["data"]["opened_at"].as_str().and_then(|t| t.parse().ok());
                if let Ok(mut arrivals) = arrivals.lock() {
                    arrivals.push(Arrival { opened: kind == "incident.opened", at, at_wall, opened_at });
                }
            }
            status_response(StatusCode::NO_CONTENT)
        }
    })
    .await
}

fn status_response(status: StatusCode) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    Ok(response)
}

/// Serves `handler` over HTTP/1.1 on a free loopback port, in this process.
async fn serve<H, Fut>(handler: H) -> anyhow::Result<SocketAddr>
where
    H: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.context("binding a loopback port")?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = handler.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(handler)).await;
            });
        }
    });
    Ok(addr)
}
