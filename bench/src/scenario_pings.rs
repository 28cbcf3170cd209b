//! `vigil-bench pings`: heartbeat ping ingest as `vigil serve` runs it, durable writes included.
//!
//! The server is the real `vigil serve` (SQLite in WAL mode, one group-committing writer, the
//! log fsynced before any write is acknowledged) in a child process (this binary's hidden `pings-server`
//! subcommand), so that its CPU is measured apart from the load generator's. The generator
//! holds C keep-alive HTTP/1.1 connections on loopback, each sending `GET /ping/<token>` for a
//! task picked at random among T, one request at a time, for a warm-up and then a measured
//! window. Every `OK` is an acknowledged, fsynced ping; at the end the stored ping counters of
//! all tasks are summed and must equal the number of `OK`s, and the database's pages (SQLite's
//! `dbstat`) give what a kept ping and a run take on disk.

use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use vigil_domain::latency::LatencyDigest;

use crate::cli::{PingsArgs, PingsServerArgs};
use crate::measure::{self, CpuTime};
use crate::report::{self, Table};

pub(crate) const ADMIN_KEY: &str = "vk_benchmark_admin_key_0000000000000";

// ---------------------------------------------------------------------------------------------
// The child side.

/// Runs `vigil serve` on a free loopback port (the `pings-server` subcommand), prints
/// `ready <addr>`, and serves until stdin closes.
pub async fn serve(args: PingsServerArgs) -> anyhow::Result<()> {
    measure::raise_fd_limit();
    let config = vigil::serve::ServeConfig {
        listen: "127.0.0.1:0".parse()?,
        data_dir: args.data_dir,
        admin_key: Some(ADMIN_KEY.to_owned()),
        network_policy: vigil_domain::probe::NetworkPolicy::AllowPrivate,
        body_cap: vigil_domain::probe::ProbeRequest::DEFAULT_BODY_CAP,
        max_in_flight: 100,
        retention: jiff::SignedDuration::from_hours(24 * 90),
        extra_ca_file: None,
        public_url: None,
        ping_body_cap: vigil_app::HeartbeatSettings::DEFAULT_BODY_CAP,
        pings_kept: vigil_domain::heartbeat::PingCap::default(),
        sweep_interval: Duration::from_secs(1),
        first_check_within: Duration::from_secs(10),
        delivery: vigil::serve::DeliveryConfig::default(),
        smtp: None,
        accounts: vigil_app::AccountSettings::default(),
        owner: None,
        oidc: None,
        config_file: None,
        live_updates: Default::default(),
    };
    let server = vigil::serve::start(config).await?;
    println!("ready {}", server.addr);
    tokio::task::spawn_blocking(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    })
    .await?;
    server.shutdown().await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The harness side.

/// The server child (`vigil serve`, with the admin key [`ADMIN_KEY`]); killed with the
/// harness because its stdin closes.
pub(crate) struct ServerChild {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Its data directory, removed when the harness ends.
    dir: tempfile::TempDir,
}

impl ServerChild {
    /// Starts it with its data directory in `data_parent` (the system's temporary directory
    /// by default).
    pub(crate) fn start(data_parent: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let dir = match data_parent {
            Some(parent) => tempfile::tempdir_in(parent),
            None => tempfile::tempdir(),
        }
        .context("a data directory for the server")?;
        let mut child = Command::new(std::env::current_exe()?)
            .arg("pings-server")
            .arg("--data-dir")
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the server child")?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let addr = line.trim().strip_prefix("ready ").ok_or_else(|| anyhow!("the server said {line:?}"))?.parse()?;
        Ok(Self { child, addr, dir })
    }

    /// Its database file.
    pub(crate) fn database(&self) -> std::path::PathBuf {
        self.dir.path().join("vigil.db")
    }

    /// Its CPU time so far.
    pub(crate) fn cpu(&self) -> anyhow::Result<CpuTime> {
        measure::cpu_time(Some(self.child.id()))
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

pub(crate) async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Sends one request and returns the status and body.
pub(crate) async fn send(sender: &mut SendRequest<Full<Bytes>>, request: Request<Full<Bytes>>) -> anyhow::Result<(u16, Bytes)> {
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    Ok((status, response.into_body().collect().await?.to_bytes()))
}

pub(crate) fn api(method: &str, path: &str, body: Option<serde_json::Value>) -> anyhow::Result<Request<Full<Bytes>>> {
    let body = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
    Ok(Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {ADMIN_KEY}"))
        .header("content-type", "application/json")
        .body(Full::new(body))?)
}

/// What the load generator saw.
#[derive(Default)]
struct Load {
    ok: AtomicU64,
    failed: AtomicU64,
}

/// Runs `connections` loops of pings until `stop`; returns their latencies.
async fn drive(
    addr: SocketAddr,
    tokens: Arc<Vec<String>>,
    connections: usize,
    load: Arc<Load>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<LatencyDigest> {
    let mut workers = Vec::new();
    for worker in 0..connections {
        let (tokens, load, stop) = (Arc::clone(&tokens), Arc::clone(&load), Arc::clone(&stop));
        let mut sender = connect(addr).await?;
        workers.push(tokio::spawn(async move {
            let mut digest = LatencyDigest::default();
            let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (worker as u64 + 1);
            while !stop.load(Ordering::Relaxed) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let token = &tokens[(state % tokens.len() as u64) as usize];
                let request = Request::get(format!("/ping/{token}")).header("host", "127.0.0.1").body(Full::new(Bytes::new()));
                let started = Instant::now();
                match async { send(&mut sender, request?).await }.await {
                    Ok((200, body)) if body.as_ref() == b"OK" => {
                        digest.record(started.elapsed());
                        load.ok.fetch_add(1, Ordering::Relaxed);
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

/// Runs the scenario and prints its table.
pub async fn run(args: PingsArgs) -> anyhow::Result<()> {
    let server = ServerChild::start(args.data_parent.as_deref())?;
    println!("server: child process {} on {}", server.child.id(), server.addr);
    let mut admin = connect(server.addr).await?;
    let mut tokens = Vec::with_capacity(args.tasks);
    for i in 0..args.tasks {
        let body = serde_json::json!({"name": format!("job {i}"), "period_seconds": 3600, "grace_seconds": 600});
        let (status, body) = send(&mut admin, api("POST", "/v1/tasks", Some(body))?).await?;
        if status != 201 {
            bail!("creating a task answered {status}: {}", String::from_utf8_lossy(&body));
        }
        let task: serde_json::Value = serde_json::from_slice(&body)?;
        let url = task["ping_url"].as_str().ok_or_else(|| anyhow!("no ping_url"))?;
        tokens.push(url.rsplit('/').next().unwrap_or_default().to_owned());
    }
    let tokens = Arc::new(tokens);
    eprintln!("{} tasks created; warming up for {} s…", args.tasks, args.warmup_seconds);

    let warm = Arc::new(Load::default());
    let stop = Arc::new(AtomicBool::new(false));
    let warming = tokio::spawn(drive(server.addr, Arc::clone(&tokens), args.connections, Arc::clone(&warm), Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_secs(args.warmup_seconds)).await;
    stop.store(true, Ordering::Relaxed);
    warming.await??;

    eprintln!("measuring for {} s with {} connections…", args.duration_seconds, args.connections);
    let load = Arc::new(Load::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (server_before, own_before, machine_before) = (server.cpu()?, measure::cpu_time(None)?, measure::machine_cpu()?);
    let started = Instant::now();
    let measuring = tokio::spawn(drive(server.addr, Arc::clone(&tokens), args.connections, Arc::clone(&load), Arc::clone(&stop)));
    tokio::time::sleep(Duration::from_secs(args.duration_seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let latencies = measuring.await??;
    let wall = started.elapsed();
    let (server_after, own_after, machine_after) = (server.cpu()?, measure::cpu_time(None)?, measure::machine_cpu()?);

    // Every OK was a stored ping: the tasks' counters must add up to the OKs of both phases.
    let mut stored = 0u64;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/tasks?limit=500&cursor={c}"),
            None => "/v1/tasks?limit=500".to_owned(),
        };
        let (_, body) = send(&mut admin, api("GET", &path, None)?).await?;
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        stored += page["items"].as_array().map_or(0, |items| items.iter().map(|t| t["pings"].as_u64().unwrap_or(0)).sum());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }

    let ok = load.ok.load(Ordering::Relaxed);
    let acknowledged = ok + warm.ok.load(Ordering::Relaxed);
    let server_cpu = server_after.since(server_before);
    let own_cpu = own_after.since(own_before);
    let mut table = Table::new("figure", ["pings".to_owned()]);
    table.row("connections × tasks", [format!("{} × {}", args.connections, report::count(args.tasks as u64))]);
    table.row("measured window", [report::duration(wall)]);
    table.row("pings acknowledged (OK)", [report::count(ok)]);
    table.row("failed requests", [report::count(load.failed.load(Ordering::Relaxed))]);
    table.row("pings / s", [report::count((ok as f64 / wall.as_secs_f64()) as u64)]);
    for (label, q) in [("latency p50", 0.5), ("latency p90", 0.9), ("latency p99", 0.99)] {
        table.row(label, [report::maybe_duration(latencies.quantile(q))]);
    }
    table.row("server CPU s / 1000 pings", [report::cpu_per_1000(server_cpu.total(), ok)]);
    table.row("server CPU (user + sys)", [format!("{} + {}", report::duration(server_cpu.user), report::duration(server_cpu.system))]);
    table.row("load generator CPU s / 1000 pings", [report::cpu_per_1000(own_cpu.total(), ok)]);
    table.row(
        "machine busy (all processes)",
        [format!("{:.0} %", 100.0 * machine_after.busy_since(machine_before).as_secs_f64() / wall.as_secs_f64() / measure_cpus())],
    );
    table.row(
        "stored pings = acknowledged",
        [format!("{} = {} ({})", report::count(stored), report::count(acknowledged), if stored == acknowledged { "yes" } else { "NO" })],
    );
    let disk = history_bytes(&server.database())?;
    table.row(
        "kept pings (the cap is 100 per task); runs (riding on pings)",
        [format!("{}; {} ({})", report::count(disk.pings), report::count(disk.runs + disk.riding_runs), report::count(disk.riding_runs))],
    );
    table.row(
        "disk per kept ping (with its riding run); per run row",
        [format!("{:.0} bytes; {:.0} bytes", disk.per_ping(), disk.per_run())],
    );
    println!("\n{}", table.render());
    if stored != acknowledged {
        bail!("{stored} pings stored but {acknowledged} acknowledged");
    }
    drop(server);
    Ok(())
}

/// The heartbeat history's rows and the bytes of the pages that hold them (each table with
/// its indexes).
struct HistoryBytes {
    pings: u64,
    ping_bytes: u64,
    /// Runs with rows of their own.
    runs: u64,
    run_bytes: u64,
    /// Runs made by one ping alone, still on that ping's row.
    riding_runs: u64,
}

impl HistoryBytes {
    fn per_ping(&self) -> f64 {
        self.ping_bytes as f64 / self.pings.max(1) as f64
    }

    fn per_run(&self) -> f64 {
        self.run_bytes as f64 / self.runs.max(1) as f64
    }
}

/// Reads [`HistoryBytes`] from the server's database while it runs (a reader sees the last
/// commit, log included).
fn history_bytes(database: &std::path::Path) -> anyhow::Result<HistoryBytes> {
    let conn = rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", database.display()))?;
    let bytes = |table: &str| -> anyhow::Result<u64> {
        let sql = "SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name WHERE s.tbl_name = ?1";
        Ok(conn.query_row(sql, [table], |row| row.get::<_, i64>(0))? as u64)
    };
    let rows = |table: &str| -> anyhow::Result<u64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get::<_, i64>(0))? as u64)
    };
    Ok(HistoryBytes {
        pings: rows("task_pings")?,
        ping_bytes: bytes("task_pings")?,
        runs: rows("task_runs")?,
        run_bytes: bytes("task_runs")?,
        riding_runs: conn.query_row("SELECT count(*) FROM task_pings WHERE run_state IS NOT NULL", [], |row| row.get::<_, i64>(0))? as u64,
    })
}

fn measure_cpus() -> f64 {
    std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
}
