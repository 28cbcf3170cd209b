//! `vigil-bench host-ingest`: what N host agents cost `vigil serve`. The server is the real
//! `vigil serve` in a child process (the `pings-server` subcommand: SQLite, durable writes), so
//! that its CPU is measured apart from the load generator's. Each simulated agent enrols with
//! its own one-time token over its own WebSocket, as `vigil-agent` does, then sends one batch of
//! one realistic sample (2 cores, 2 mounts, 2 disks, 2 interfaces, a sensor) per interval, the
//! agents' phases spread evenly over it. Ingest latency is from a batch's last byte sent to its
//! acknowledgement (stored, rolled up, judged against the rules). Bars: p99 under 50 ms, the
//! server under half a core.

use anyhow::{Context, anyhow, bail};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as Frame;
use vigil_domain::agent::EnrolmentToken;
use vigil_domain::agent::protocol::{AgentMessage, Enrol, HostInfo, Message, SampleBatch, ServerMessage};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::latency::LatencyDigest;

use crate::cli::HostIngestArgs;
use crate::report::{self, Table};
use crate::scenario_pings::{ServerChild, api, connect, send};

const P99_BAR_MS: f64 = 50.0;
const CPU_BAR_CORES: f64 = 0.5;

/// What the agents measured, shared.
#[derive(Default)]
struct Tally {
    measuring: bool,
    latencies: LatencyDigest,
    batches: u64,
    failures: Vec<String>,
}

fn sample(seconds: u64) -> anyhow::Result<HostSample> {
    let now = jiff::Timestamp::now();
    let disk = |mount: &str, device: &str| json!({"mount": mount, "device": device, "fs_type": "ext4", "total_bytes": 100_000_000_000u64, "used_bytes": 42_000_000_000u64, "available_bytes": 58_000_000_000u64});
    Ok(serde_json::from_value(json!({
        "at": now,
        "uptime_seconds": 86_400 + seconds,
        "cpu": {"total_percent": 12.5, "per_core_percent": [10.0, 15.0], "iowait_percent": 0.5},
        "load": {"one": 0.3, "five": 0.25, "fifteen": 0.2},
        "memory": {"total_bytes": 4_000_000_000u64, "available_bytes": 2_500_000_000u64, "swap_total_bytes": 1_000_000_000u64, "swap_used_bytes": 0},
        "disks": [disk("/", "/dev/vda1"), disk("/data", "/dev/vdb")],
        "disk_io": [
            {"device": "vda", "read_bytes_per_second": 1000.0, "write_bytes_per_second": 20000.0, "busy_percent": 1.5},
            {"device": "vdb", "read_bytes_per_second": 0.0, "write_bytes_per_second": 4000.0, "busy_percent": 0.2}
        ],
        "network": [
            {"interface": "eth0", "rx_bytes_per_second": 12000.0, "tx_bytes_per_second": 8000.0},
            {"interface": "eth1", "rx_bytes_per_second": 100.0, "tx_bytes_per_second": 50.0}
        ],
        "temperatures": [{"sensor": "coretemp/Package id 0", "celsius": 48.0}]
    }))?)
}

/// One simulated agent: enrols, then sends a batch per interval after waiting `phase`.
async fn agent(
    addr: std::net::SocketAddr,
    token: String,
    index: usize,
    phase: Duration,
    interval: Duration,
    tally: Arc<Mutex<Tally>>,
    until: Instant,
) -> anyhow::Result<()> {
    let stream = tokio::net::TcpStream::connect(addr).await.context("connecting")?;
    stream.set_nodelay(true)?;
    let url = format!("ws://{addr}/v1/agents/connect");
    let (mut socket, _) = tokio_tungstenite::client_async(url.as_str(), stream).await.context("the WebSocket handshake")?;
    let host = HostInfo {
        hostname: format!("sim-{index:05}"),
        os: "Debian 13".into(),
        kernel: "6.12".into(),
        arch: "x86_64".into(),
        cpu_cores: 2,
        agent_version: "bench".into(),
    };
    let token = EnrolmentToken::parse(&token).map_err(|e| anyhow!("the enrolment token: {e}"))?;
    socket.send(Frame::Text(AgentMessage::Enrol(Enrol { token, host }).encode().into())).await?;
    let mut seq = 0u64;
    let mut next = Instant::now() + phase;
    loop {
        if Instant::now() >= until {
            return Ok(());
        }
        tokio::time::sleep_until(next.into()).await;
        next += interval;
        seq += 1;
        let batch = SampleBatch { seq, dropped_total: 0, samples: vec![sample(seq * interval.as_secs())?] };
        socket.send(Frame::Text(AgentMessage::Samples(batch).encode().into())).await?;
        let sent = Instant::now();
        loop {
            let frame = socket.next().await.ok_or_else(|| anyhow!("the server closed agent {index}'s socket"))??;
            let Frame::Text(text) = frame else { continue };
            match ServerMessage::decode(text.as_str()).map_err(|e| anyhow!("{e}"))? {
                ServerMessage::Ack(ack) if ack.through >= seq => break,
                ServerMessage::Goodbye(bye) => bail!("agent {index} was told goodbye: {bye:?}"),
                _ => {}
            }
        }
        let latency = sent.elapsed();
        let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner());
        if tally.measuring {
            tally.latencies.record(latency);
            tally.batches += 1;
        }
    }
}

/// Runs the scenario and prints its table.
pub async fn run(args: HostIngestArgs) -> anyhow::Result<()> {
    let server = ServerChild::start(args.data_parent.as_deref())?;
    println!("server: child process at {}", server.addr);
    let mut http = connect(server.addr).await?;
    let started = Instant::now();
    let mut tokens = Vec::with_capacity(args.agents);
    for i in 0..args.agents {
        let body = json!({"name": format!("sim-{i:05}"), "tags": ["bench"]});
        let (status, bytes) = send(&mut http, api("POST", "/v1/enrolments", Some(body))?).await?;
        if status != 201 {
            bail!("enrolment {i} answered {status}: {}", String::from_utf8_lossy(&bytes));
        }
        let enrolment: serde_json::Value = serde_json::from_slice(&bytes)?;
        tokens.push(enrolment["token"].as_str().ok_or_else(|| anyhow!("no token in {enrolment}"))?.to_owned());
    }
    println!("{} enrolment tokens made in {:.1} s", args.agents, started.elapsed().as_secs_f64());

    let interval = Duration::from_secs(args.interval_seconds);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let warmup = Duration::from_secs(args.warmup_seconds);
    let window = Duration::from_secs(args.duration_seconds);
    let until = Instant::now() + warmup + window;
    let mut agents = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let phase = interval.mul_f64(i as f64 / args.agents as f64);
        let (addr, tally) = (server.addr, Arc::clone(&tally));
        agents.spawn(async move {
            if let Err(error) = agent(addr, token, i, phase, interval, Arc::clone(&tally), until).await {
                tally.lock().unwrap_or_else(|p| p.into_inner()).failures.push(format!("{error:#}"));
            }
        });
    }
    tokio::time::sleep(warmup).await;
    tally.lock().unwrap_or_else(|p| p.into_inner()).measuring = true;
    let (cpu_start, measured_from) = (server.cpu()?, Instant::now());
    tokio::time::sleep(window).await;
    let (cpu, elapsed) = (server.cpu()?.since(cpu_start).total(), measured_from.elapsed());
    tally.lock().unwrap_or_else(|p| p.into_inner()).measuring = false;
    while agents.join_next().await.is_some() {}

    let tally = tally.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(first) = tally.failures.first() {
        bail!("{} of {} agents failed; the first: {first}", tally.failures.len(), args.agents);
    }
    let expected = (args.agents as f64 * elapsed.as_secs_f64() / interval.as_secs_f64()).floor() as u64;
    let cores = cpu.as_secs_f64() / elapsed.as_secs_f64();
    let p99 = tally.latencies.quantile(0.99).ok_or_else(|| anyhow!("no batch acknowledged in the window"))?;
    let mut table = Table::new("host ingest", ["value".to_owned(), "bar".to_owned()]);
    table.row("agents", [report::count(args.agents as u64), String::new()]);
    table.row("batches acknowledged in the window", [report::count(tally.batches), format!("≈ {} expected", report::count(expected))]);
    table.row("batches/s", [report::num(tally.batches as f64 / elapsed.as_secs_f64(), 1), String::new()]);
    table.row("ingest p50", [report::maybe_duration(tally.latencies.quantile(0.5)), String::new()]);
    table.row("ingest p99", [report::duration(p99), format!("< {P99_BAR_MS} ms")]);
    table.row("ingest max", [report::maybe_duration(tally.latencies.quantile(1.0)), String::new()]);
    table.row("server CPU (cores)", [report::num(cores, 3), format!("< {CPU_BAR_CORES}")]);
    println!("{}", table.render());
    let p99_ok = p99.as_secs_f64() * 1000.0 < P99_BAR_MS;
    let cpu_ok = cores < CPU_BAR_CORES;
    println!("bars: p99 {}, CPU {}", if p99_ok { "met" } else { "MISSED" }, if cpu_ok { "met" } else { "MISSED" });
    Ok(())
}
