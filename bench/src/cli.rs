//! The command line: one subcommand per scenario, plus the hidden target server.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Vigil's benchmark harness: scenarios that run the real engine against a local target in a
/// child process and print a table of figures.
#[derive(Parser, Debug)]
#[command(name = "vigil-bench", version, about)]
pub struct Cli {
    /// The scenario.
    #[command(subcommand)]
    pub command: Command,
}

/// The scenarios.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// The self-hosted path as `vigil serve` runs it: SQLite store, scheduler and probe engine,
    /// N monitors at one interval, measured in steady state after a warm-up.
    Scheduler(SchedulerArgs),
    /// The raw probe engine: K checks at concurrency C, no scheduler and no store.
    Probe(ProbeArgs),
    /// Detection latency: a local target starts failing → a local webhook receiver has the
    /// incident message, over N outages, self-hosted.
    AlertLatency(AlertLatencyArgs),
    /// Heartbeat ping ingest of `vigil serve` (durable): pings/s, latency, CPU per 1000 pings.
    Pings(PingsArgs),
    /// `vigil serve` for the pings scenario (run by it as a child process).
    #[command(hide = true)]
    PingsServer(PingsServerArgs),
    /// The serverless path on the AWS emulator: AWS requests per 1000 checks and the cost per
    /// million checks.
    AwsCost(AwsCostArgs),
    /// The dashboard's render cost, self-hosted: the overview and monitor pages over N monitors
    /// with D days of history, server time p50 / p99 and bytes sent.
    Dashboard(DashboardArgs),
    /// The Lambda functions' binaries cold-started against a fake Runtime API: init time,
    /// first answer, peak memory, sizes.
    LambdaStartup(LambdaStartupArgs),
    /// The host agent's own cost: the release `vigil-agent` binary sampling this machine at
    /// its interval for a bounded time, streaming to a loopback agent server: CPU and memory.
    Agent(AgentArgs),
    /// Host agents' ingest by `vigil serve`: N simulated agents on WebSockets, one batch each
    /// per interval; the time from a batch sent to its acknowledgement, and the server's CPU.
    HostIngest(HostIngestArgs),
    /// A public status page under an outage's crowd, self-hosted: answers/s and latency of the
    /// HTML page and of its `summary.json`, for a page of N components.
    StatusPage(StatusPageArgs),
    /// The local target (run by the other scenarios as a child process).
    #[command(hide = true)]
    Target(TargetArgs),
}

/// Which target scheme the checks use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemeChoice {
    /// Plain HTTP.
    Http,
    /// HTTPS with certificate verification against the target's test CA.
    Https,
    /// HTTP first, then HTTPS, each in a fresh phase, reported side by side.
    Both,
    /// A prober that answers 200 at once without network: the scheduler and store alone.
    NoNetwork,
    /// No network, then HTTP, then HTTPS: the cost split into its parts within one run.
    All,
}

impl SchemeChoice {
    /// The phases to run, in order.
    pub fn schemes(self) -> Vec<Scheme> {
        match self {
            SchemeChoice::Http => vec![Scheme::Http],
            SchemeChoice::Https => vec![Scheme::Https],
            SchemeChoice::Both => vec![Scheme::Http, Scheme::Https],
            SchemeChoice::NoNetwork => vec![Scheme::NoNetwork],
            SchemeChoice::All => vec![Scheme::NoNetwork, Scheme::Http, Scheme::Https],
        }
    }
}

/// One scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS.
    Https,
    /// No network: a prober that answers at once.
    NoNetwork,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::NoNetwork => "no-network",
        }
    }
}

/// `vigil-bench scheduler`.
#[derive(Args, Debug, Clone)]
pub struct SchedulerArgs {
    /// Monitors to create.
    #[arg(long, default_value_t = 10_000)]
    pub monitors: usize,
    /// Every monitor's check interval (10 s at least).
    #[arg(long, default_value_t = 30)]
    pub interval_seconds: u32,
    /// Length of the measured window, after the warm-up.
    #[arg(long, default_value_t = 120)]
    pub duration_seconds: u64,
    /// Which scheme the monitors check.
    #[arg(long, value_enum, default_value_t = SchemeChoice::Both)]
    pub scheme: SchemeChoice,
    /// Warm-up before the measured window, counted from the moment every monitor exists
    /// (default: one interval, so the burst of first checks is over).
    #[arg(long)]
    pub warmup_seconds: Option<u64>,
    /// The scheduler's most checks running at once (`vigil serve --max-in-flight`).
    #[arg(long, default_value_t = 1_000)]
    pub max_in_flight: usize,
    /// The scheduler's release tick in milliseconds: checks start on its multiples, at or after
    /// their planned time (0: each at its own planned time).
    #[arg(long, default_value_t = 500)]
    pub release_tick_ms: u64,
    /// The most checks the scheduler starts at one instant (0: a whole tick at once).
    #[arg(long, default_value_t = 8)]
    pub release_group: usize,
    /// Each monitor's check timeout, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Monitors created concurrently while setting up.
    #[arg(long, default_value_t = 256)]
    pub create_concurrency: usize,
    /// Seconds between progress lines.
    #[arg(long, default_value_t = 10)]
    pub progress_seconds: u64,
    /// Directory in which each phase's temporary data directory (SQLite file, artefacts) is
    /// made; the system temporary directory by default.
    #[arg(long)]
    pub data_parent: Option<PathBuf>,
}

/// `vigil-bench probe`.
#[derive(Args, Debug, Clone)]
pub struct ProbeArgs {
    /// Checks to run per scheme.
    #[arg(long, default_value_t = 50_000)]
    pub checks: usize,
    /// Checks running at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Which scheme to check.
    #[arg(long, value_enum, default_value_t = SchemeChoice::Both)]
    pub scheme: SchemeChoice,
    /// Each check's timeout, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
}

/// `vigil-bench alert-latency`.
#[derive(Args, Debug, Clone)]
pub struct AlertLatencyArgs {
    /// Outages to measure.
    #[arg(long, default_value_t = 20)]
    pub outages: usize,
    /// The monitor's check interval (10 s at least).
    #[arg(long, default_value_t = 10)]
    pub interval_seconds: u32,
}

/// `vigil-bench target` (hidden): serves HTTP and HTTPS on loopback until stdin closes.
#[derive(Args, Debug, Clone)]
pub struct TargetArgs {
    /// Where to write the test CA certificate (PEM) that signed the HTTPS certificate.
    #[arg(long)]
    pub ca_file: PathBuf,
}

/// `vigil-bench pings`.
#[derive(Args, Debug, Clone)]
pub struct PingsArgs {
    /// Concurrent keep-alive connections, each sending one ping at a time.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Tasks the pings are spread over.
    #[arg(long, default_value_t = 1_000)]
    pub tasks: usize,
    /// Length of the measured window.
    #[arg(long, default_value_t = 30)]
    pub duration_seconds: u64,
    /// Warm-up before it.
    #[arg(long, default_value_t = 5)]
    pub warmup_seconds: u64,
    /// Directory in which the server's temporary data directory is made (its disk is the one
    /// whose fsyncs are measured); the system temporary directory by default.
    #[arg(long)]
    pub data_parent: Option<PathBuf>,
}

/// `vigil-bench pings-server` (hidden).
#[derive(Args, Debug, Clone)]
pub struct PingsServerArgs {
    /// The data directory.
    #[arg(long)]
    pub data_dir: PathBuf,
}

/// `vigil-bench aws-cost`.
#[derive(Args, Debug, Clone)]
pub struct AwsCostArgs {
    /// Monitors to create.
    #[arg(long, default_value_t = 200)]
    pub monitors: usize,
    /// Every monitor's check interval.
    #[arg(long, default_value_t = 60)]
    pub interval_seconds: u32,
    /// Simulated minutes measured (one scheduler run each).
    #[arg(long, default_value_t = 30)]
    pub minutes: u32,
    /// Simulated minutes run before measuring (the monitors' first checks and first claims).
    #[arg(long, default_value_t = 15)]
    pub warmup_minutes: u32,
    /// The scheduler's lead (VIGIL_SCHEDULE_LEAD_SECONDS).
    #[arg(long, default_value_t = 120)]
    pub lead_seconds: u32,
    /// The scheduler's horizon (VIGIL_SCHEDULE_HORIZON_SECONDS).
    #[arg(long, default_value_t = 900)]
    pub horizon_seconds: u32,
    /// Checks per job message (VIGIL_JOB_SIZE).
    #[arg(long, default_value_t = 50)]
    pub job_size: usize,
    /// Messages per prober invocation (the event source mapping's batch size).
    #[arg(long, default_value_t = 10)]
    pub batch_size: i32,
    /// The functions' memory, for GB-seconds.
    #[arg(long, default_value_t = 128)]
    pub memory_mb: u32,
}

/// `vigil-bench lambda-startup`.
#[derive(Args, Debug, Clone)]
pub struct LambdaStartupArgs {
    /// Cold starts per function.
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// The build profile whose binaries to start.
    #[arg(long, default_value = "lambda-release")]
    pub profile: String,
    /// The build directory (default: $CARGO_TARGET_DIR or ./target).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Checks per job message in the busy prober's batch (ten messages).
    #[arg(long, default_value_t = 50)]
    pub checks_per_job: usize,
}

/// `vigil-bench agent`.
#[derive(Args, Debug, Clone)]
pub struct AgentArgs {
    /// The agent's sampling interval.
    #[arg(long, default_value_t = 10)]
    pub interval_seconds: u64,
    /// Length of the measured window, after the warm-up.
    #[arg(long, default_value_t = 300)]
    pub duration_seconds: u64,
    /// Warm-up: from the start until this many batches arrived (enrolment, first readings).
    #[arg(long, default_value_t = 2)]
    pub warmup_batches: u64,
    /// The build profile whose binary to run (build it first: `cargo build --profile agent-release -p vigil-agent`).
    #[arg(long, default_value = "agent-release")]
    pub profile: String,
    /// The build directory (default: $CARGO_TARGET_DIR or ./target).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// The Docker Engine API socket the agent watches ("" for none).
    #[arg(long, default_value = "/var/run/docker.sock")]
    pub docker_socket: String,
}

/// `vigil-bench dashboard`.
#[derive(Args, Debug, Clone)]
pub struct DashboardArgs {
    /// Monitors to create.
    #[arg(long, default_value_t = 1_000)]
    pub monitors: usize,
    /// Days of history each has (one check an hour, and the last hour minute by minute).
    #[arg(long, default_value_t = 30)]
    pub days: i64,
    /// Heartbeat tasks listed with the monitors, each with one run an hour over the same days
    /// (read through the task history by the overview).
    #[arg(long, default_value_t = 0)]
    pub tasks: usize,
    /// Requests measured per page.
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// Requests made first and not measured.
    #[arg(long, default_value_t = 20)]
    pub warmup: usize,
}

/// `vigil-bench host-ingest`.
#[derive(Args, Debug, Clone)]
pub struct HostIngestArgs {
    /// Simulated agents, each on its own WebSocket.
    #[arg(long, default_value_t = 2_000)]
    pub agents: usize,
    /// Each agent's interval: one batch of one sample per interval, the agents' phases spread
    /// evenly over it.
    #[arg(long, default_value_t = 10)]
    pub interval_seconds: u64,
    /// Length of the measured window.
    #[arg(long, default_value_t = 60)]
    pub duration_seconds: u64,
    /// Warm-up once every agent is enrolled (the first rollups, the page cache).
    #[arg(long, default_value_t = 20)]
    pub warmup_seconds: u64,
    /// Directory in which the server's temporary data directory is made.
    #[arg(long)]
    pub data_parent: Option<PathBuf>,
}

/// `vigil-bench status-page`.
#[derive(Args, Debug, Clone)]
pub struct StatusPageArgs {
    /// Components on the page (every tenth a group of the nine after it).
    #[arg(long, default_value_t = 50)]
    pub components: usize,
    /// Keep-alive connections, each one request at a time.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Length of each measured window.
    #[arg(long, default_value_t = 10)]
    pub duration_seconds: u64,
    /// Warm-up before each window.
    #[arg(long, default_value_t = 3)]
    pub warmup_seconds: u64,
    /// Directory in which the server's temporary data directory is made.
    #[arg(long)]
    pub data_parent: Option<PathBuf>,
}
