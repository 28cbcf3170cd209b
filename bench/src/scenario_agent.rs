//! `vigil-bench agent`: what the host agent costs its host. The release `vigil-agent` binary
//! runs as a child process, configured by a file as an operator would, sampling this machine
//! (and its containers, if an engine's socket is there) at its interval and streaming to a
//! loopback agent server (tests/src/agent_server.rs) that acknowledges every batch. After a
//! warm-up (enrolment, the first batches), its CPU time and resident memory are read from
//! `/proc/<pid>` over the measured window. Bars: under 0.5 % of one core, under 15 MB.
//!
//! Build the binary first: `cargo build --profile agent-release -p vigil-agent` (the static
//! one with `--target x86_64-unknown-linux-musl`, then `--target-dir target/x86_64-unknown-linux-musl`).

use anyhow::{Context, anyhow, bail};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vigil_domain::agent::protocol::AgentMessage;
use vigil_domain::agent::{AgentSecret, EnrolmentToken};
use vigil_domain::ids::AgentId;
use vigil_tests::agent_server::{AgentServer, Seen};

use crate::cli::AgentArgs;
use crate::measure;
use crate::report::{Table, num};

const CPU_BAR_PERCENT: f64 = 0.5;
const RSS_BAR_MB: f64 = 15.0;

/// What the server received.
#[derive(Default)]
struct Received {
    batches: u64,
    samples: u64,
    /// Containers in the latest sample (`None`: no engine).
    containers: Option<usize>,
}

/// Counts what the server receives, waiting at most `wait` for the next message.
async fn receive(server: &mut AgentServer, wait: Duration, received: &mut Received) -> anyhow::Result<()> {
    match server.next(wait).await {
        Some(Seen::Message(_, AgentMessage::Samples(batch))) => {
            received.batches += 1;
            received.samples += batch.samples.len() as u64;
            if let Some(last) = batch.samples.last() {
                received.containers = last.containers.as_ref().map(Vec::len);
            }
        }
        Some(Seen::Invalid(_, error)) => bail!("the agent sent an invalid message: {error}"),
        _ => {}
    }
    Ok(())
}

/// Runs the scenario and prints its table.
pub async fn run(args: AgentArgs) -> anyhow::Result<()> {
    let target_dir =
        args.target_dir.clone().unwrap_or_else(|| PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())));
    let binary = target_dir.join(&args.profile).join("vigil-agent");
    let size = std::fs::metadata(&binary).with_context(|| format!("{} (build it first)", binary.display()))?.len();
    let token = EnrolmentToken::from_random([11; 32]);
    let mut server = AgentServer::start(token.clone(), AgentId::from_uuid(uuid::Uuid::now_v7()), AgentSecret::from_random([12; 32])).await;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("agent.toml");
    std::fs::write(
        &config,
        format!(
            "server = \"{}\"\nenrolment_token = \"{}\"\nstate_dir = \"{}\"\ninterval_seconds = {}\ndocker_socket = \"{}\"\n",
            server.url(),
            token.expose(),
            dir.path().join("state").display(),
            args.interval_seconds,
            args.docker_socket
        ),
    )?;
    let log = std::fs::File::create(dir.path().join("agent.log"))?;
    println!(
        "agent: {} ({:.2} MB), pid to follow; its log: {}",
        binary.display(),
        size as f64 / 1e6,
        dir.path().join("agent.log").display()
    );
    let mut child = Command::new(&binary)
        .arg("--config")
        .arg(&config)
        .env("VIGIL_AGENT_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id();
    println!("agent pid {pid}");
    let wait = Duration::from_secs(args.interval_seconds * 3 + 10);

    let mut received = Received::default();
    let warmup_deadline = Instant::now() + wait * args.warmup_batches.max(1) as u32;
    while received.batches < args.warmup_batches {
        if Instant::now() > warmup_deadline || child.try_wait()?.is_some() {
            let log = std::fs::read_to_string(dir.path().join("agent.log")).unwrap_or_default();
            bail!("the agent sent {} batches during the warm-up\n{log}", received.batches);
        }
        receive(&mut server, wait, &mut received).await?;
    }
    println!("warm-up over after {} batches; measuring {} s", received.batches, args.duration_seconds);

    let (cpu_start, started) = (measure::cpu_time(Some(pid))?, Instant::now());
    let (batches_start, samples_start) = (received.batches, received.samples);
    let mut rss_max = 0u64;
    let mut next_progress = Instant::now() + Duration::from_secs(60);
    let agent_log = dir.path().join("agent.log");
    while started.elapsed() < Duration::from_secs(args.duration_seconds) {
        receive(&mut server, Duration::from_secs(1), &mut received).await?;
        if let Some(status) = child.try_wait()? {
            let log = std::fs::read_to_string(&agent_log).unwrap_or_default();
            bail!("the agent exited after {:.0} s of the measurement ({status})\n{log}", started.elapsed().as_secs_f64());
        }
        rss_max = rss_max.max(measure::memory_of(pid)?.rss);
        if Instant::now() >= next_progress {
            println!("  {} s: {} batches", started.elapsed().as_secs(), received.batches - batches_start);
            next_progress += Duration::from_secs(60);
        }
    }
    let window = started.elapsed();
    let cpu = measure::cpu_time(Some(pid))?.since(cpu_start);
    let memory = measure::memory_of(pid)?;

    let pid = rustix::process::Pid::from_raw(pid as i32).ok_or_else(|| anyhow!("no pid"))?;
    rustix::process::kill_process(pid, rustix::process::Signal::TERM)?;
    let stopped = tokio::task::spawn_blocking(move || child.wait()).await??;

    let cpu_percent = cpu.total().as_secs_f64() / window.as_secs_f64() * 100.0;
    let measured_batches = received.batches - batches_start;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" }.to_owned();
    let mut table = Table::new("figure", ["value".to_owned(), "bar".to_owned()]);
    table.row("window", [format!("{:.0} s at a {} s interval", window.as_secs_f64(), args.interval_seconds), String::new()]);
    table.row("batches received (samples)", [format!("{measured_batches} ({})", received.samples - samples_start), String::new()]);
    let containers = received.containers.map_or_else(|| "none (no engine)".to_owned(), |n| n.to_string());
    table.row("containers in the last sample", [containers, String::new()]);
    table.row("CPU time (user + system)", [format!("{:.2} s", cpu.total().as_secs_f64()), String::new()]);
    table.row(
        "CPU, % of one core",
        [format!("{cpu_percent:.3} %"), format!("< {CPU_BAR_PERCENT} %: {}", verdict(cpu_percent < CPU_BAR_PERCENT))],
    );
    let per_sample = if measured_batches == 0 { 0.0 } else { cpu.total().as_secs_f64() * 1000.0 / measured_batches as f64 };
    table.row("CPU per sample", [format!("{} ms", num(per_sample, 2)), String::new()]);
    table.row("RSS at the end (VmRSS)", [format!("{:.1} MB", measure::mb(memory.rss)), String::new()]);
    table.row("RSS, largest seen each second", [format!("{:.1} MB", measure::mb(rss_max)), String::new()]);
    let peak = measure::mb(memory.peak_rss);
    table.row("peak RSS since start (VmHWM)", [format!("{peak:.1} MB"), format!("< {RSS_BAR_MB} MB: {}", verdict(peak < RSS_BAR_MB))]);
    table.row(&format!("binary ({})", args.profile), [format!("{:.2} MB", size as f64 / 1e6), String::new()]);
    println!("\n{}", table.render());
    println!("agent stopped with {stopped}");
    Ok(())
}
