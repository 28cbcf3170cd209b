//! `vigil-bench status-page`: a public status page under an outage's crowd, self-hosted.
//!
//! The server is the real `vigil serve` in a child process (as for the pings scenario), with a
//! page of N components (groups of nine, each component fed by its own monitor) and an ongoing
//! public incident. C keep-alive HTTP/1.1 connections on loopback ask, one request at a time,
//! for the HTML page, then (in a second phase) for its Statuspage `summary.json`, each phase a
//! warm-up and a measured window. Every answer must be a 200 with the page's banner or
//! document in it; the figures are the client's latency, the answers per second and the
//! server's CPU, with the load generator on the same two cores.

use anyhow::{anyhow, bail};
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use vigil_domain::latency::LatencyDigest;

use crate::cli::StatusPageArgs;
use crate::measure;
use crate::report::{self, Table};
use crate::scenario_pings::{ServerChild, api, connect, send};

/// The page's slug.
const SLUG: &str = "crowd";

/// What the load generator saw.
#[derive(Default)]
struct Load {
    ok: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
}

/// Runs `connections` loops asking for `path` until `stop`; an answer counts when it is a 200
/// holding `expect`.
async fn drive(
    addr: SocketAddr,
    path: &'static str,
    expect: &'static [u8],
    connections: usize,
    load: Arc<Load>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<LatencyDigest> {
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (load, stop) = (Arc::clone(&load), Arc::clone(&stop));
        let mut sender = connect(addr).await?;
        workers.push(tokio::spawn(async move {
            let mut digest = LatencyDigest::default();
            while !stop.load(Ordering::Relaxed) {
                let request = Request::get(path).header("host", "127.0.0.1").body(Full::new(Bytes::new()));
                let started = Instant::now();
                match async { send(&mut sender, request?).await }.await {
                    Ok((200, body)) if body.windows(expect.len()).any(|w| w == expect) => {
                        digest.record(started.elapsed());
                        load.ok.fetch_add(1, Ordering::Relaxed);
                        load.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                    }
                    _ => {
                        load.failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            digest
        }));
    }
    let mut all = LatencyDigest::default();
    for worker in workers {
        all.merge(&worker.await?);
    }
    Ok(all)
}

/// Sends an API request and returns its JSON answer, failing on any status but `want`.
async fn call(addr: SocketAddr, method: &str, path: &str, body: serde_json::Value, want: u16) -> anyhow::Result<serde_json::Value> {
    let mut sender = connect(addr).await?;
    let (status, answer) = send(&mut sender, api(method, path, Some(body))?).await?;
    if status != want {
        bail!("{method} {path} answered {status}: {}", String::from_utf8_lossy(&answer));
    }
    Ok(serde_json::from_slice(&answer)?)
}

/// The page: groups of nine components, each fed by a monitor of its own (against a closed
/// loopback port, checked once a day), and an incident on the first component.
async fn build_page(addr: SocketAddr, components: usize) -> anyhow::Result<()> {
    let page =
        call(addr, "POST", "/v1/status-pages", serde_json::json!({"name": "Crowd status", "slug": SLUG, "time_zone": "Europe/Paris"}), 201)
            .await?;
    let page_id = page["id"].as_str().ok_or_else(|| anyhow!("no page id"))?.to_owned();
    let mut group = None;
    let mut first = None;
    let mut made = 0;
    while made < components {
        if made % 10 == 0 {
            let draft = serde_json::json!({"name": format!("Region {}", made / 10 + 1), "group": true});
            let added = call(addr, "POST", &format!("/v1/status-pages/{page_id}/components"), draft, 201).await?;
            group = added["component_id"].as_str().map(str::to_owned);
            made += 1;
            continue;
        }
        let monitor = serde_json::json!({"name": format!("service {made}"), "url": "http://127.0.0.1:9/", "interval_seconds": 86400});
        let monitor = call(addr, "POST", "/v1/monitors", monitor, 201).await?;
        let draft = serde_json::json!({"name": format!("Service {made}"), "group_id": group, "monitors": [monitor["id"]]});
        let added = call(addr, "POST", &format!("/v1/status-pages/{page_id}/components"), draft, 201).await?;
        first = first.or_else(|| added["component_id"].as_str().map(str::to_owned));
        made += 1;
    }
    let component = first.ok_or_else(|| anyhow!("no component"))?;
    let incident = serde_json::json!({"name": "Slow answers", "status": "investigating", "body": "We are looking into it.",
        "components": {component: "degraded_performance"}, "notify": false});
    call(addr, "POST", &format!("/v1/status-pages/{page_id}/incidents"), incident, 201).await?;
    Ok(())
}

/// One phase's figures.
struct Phase {
    ok: u64,
    failed: u64,
    bytes: u64,
    wall: Duration,
    latencies: LatencyDigest,
    server_cpu: Duration,
    machine_busy: f64,
}

async fn phase(server: &ServerChild, path: &'static str, expect: &'static [u8], args: &StatusPageArgs) -> anyhow::Result<Phase> {
    eprintln!("{path}: warming up for {} s…", args.warmup_seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let warming = tokio::spawn(drive(server.addr, path, expect, args.connections, Arc::new(Load::default()), Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_secs(args.warmup_seconds)).await;
    stop.store(true, Ordering::Relaxed);
    warming.await??;
    eprintln!("{path}: measuring for {} s with {} connections…", args.duration_seconds, args.connections);
    let load = Arc::new(Load::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (cpu_before, machine_before) = (server.cpu()?, measure::machine_cpu()?);
    let started = Instant::now();
    let measuring = tokio::spawn(drive(server.addr, path, expect, args.connections, Arc::clone(&load), Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_secs(args.duration_seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let latencies = measuring.await??;
    let wall = started.elapsed();
    let (cpu_after, machine_after) = (server.cpu()?, measure::machine_cpu()?);
    let cpus = std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64);
    Ok(Phase {
        ok: load.ok.load(Ordering::Relaxed),
        failed: load.failed.load(Ordering::Relaxed),
        bytes: load.bytes.load(Ordering::Relaxed),
        wall,
        latencies,
        server_cpu: cpu_after.since(cpu_before).total(),
        machine_busy: 100.0 * machine_after.busy_since(machine_before).as_secs_f64() / wall.as_secs_f64() / cpus,
    })
}

/// Runs the scenario and prints its table.
pub async fn run(args: StatusPageArgs) -> anyhow::Result<()> {
    let server = ServerChild::start(args.data_parent.as_deref())?;
    println!("server: {}", server.addr);
    build_page(server.addr, args.components).await?;
    eprintln!("a page of {} components made", args.components);
    let page = phase(&server, "/status/crowd", b"Minor service disruption", &args).await?;
    let summary = phase(&server, "/status/crowd/api/v2/summary.json", b"\"indicator\":\"minor\"", &args).await?;
    let mut gzipped = [0usize; 2];
    for (size, path) in gzipped.iter_mut().zip(["/status/crowd", "/status/crowd/api/v2/summary.json"]) {
        let mut sender = connect(server.addr).await?;
        let request = Request::get(path).header("host", "127.0.0.1").header("accept-encoding", "gzip").body(Full::new(Bytes::new()))?;
        *size = send(&mut sender, request).await?.1.len();
    }
    let phases = [&page, &summary];
    let mut table = Table::new("figure", ["page (HTML)".to_owned(), "summary.json".to_owned()]);
    let each = |f: &dyn Fn(&Phase) -> String| phases.map(f);
    table.row("components × connections", each(&|_| format!("{} × {}", args.components, args.connections)));
    table.row("measured window", each(&|p| report::duration(p.wall)));
    table.row("answers (200, checked)", each(&|p| report::count(p.ok)));
    table.row("failed requests", each(&|p| report::count(p.failed)));
    table.row("answers / s", each(&|p| report::count((p.ok as f64 / p.wall.as_secs_f64()) as u64)));
    for (label, q) in [("latency p50", 0.5), ("latency p90", 0.9), ("latency p99", 0.99)] {
        table.row(label, each(&|p| report::maybe_duration(p.latencies.quantile(q))));
    }
    table.row("bytes / answer", each(&|p| report::count(p.bytes.checked_div(p.ok).unwrap_or(0))));
    table.row("bytes / answer with gzip", gzipped.map(|n| report::count(n as u64)));
    table.row("server CPU s / 1000 answers", each(&|p| report::cpu_per_1000(p.server_cpu, p.ok)));
    table.row("machine busy (all processes)", each(&|p| format!("{:.0} %", p.machine_busy)));
    println!("\n{}", table.render());
    if page.failed + summary.failed > 0 {
        bail!("{} requests failed", page.failed + summary.failed);
    }
    Ok(())
}
