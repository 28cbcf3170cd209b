//! The `vigil` command.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use jiff::SignedDuration;
use std::net::SocketAddr;
use std::path::PathBuf;
use vigil::serve::{ServeConfig, start};
use vigil_app::HeartbeatSettings;
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};

/// Uptime and heartbeat monitoring.
#[derive(Parser)]
#[command(name = "vigil", version, about)]
struct Cli {
    /// Log format.
    #[arg(long, env = "VIGIL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Json, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Json,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum Policy {
    /// Any address, private networks included (watch your LAN).
    AllowPrivate,
    /// Public addresses only (for shared, multi-tenant deployments).
    PublicOnly,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API, scheduler and probe engine in one process on an embedded SQLite store.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "VIGIL_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Directory for the database and artefacts.
        #[arg(long, env = "VIGIL_DATA_DIR", default_value = "vigil-data")]
        data_dir: PathBuf,
        /// Admin API key to create on first start (at least 24 characters); a random key is
        /// generated and printed once otherwise.
        #[arg(long, env = "VIGIL_ADMIN_KEY", hide_env_values = true)]
        admin_key: Option<String>,
        /// Which addresses checks may reach.
        #[arg(long, env = "VIGIL_NETWORK_POLICY", value_enum, default_value_t = Policy::AllowPrivate)]
        network_policy: Policy,
        /// The most response body bytes a check reads.
        #[arg(long, env = "VIGIL_BODY_CAP_BYTES", default_value_t = ProbeRequest::DEFAULT_BODY_CAP)]
        body_cap_bytes: usize,
        /// The most checks running at once.
        #[arg(long, env = "VIGIL_MAX_IN_FLIGHT", default_value_t = 1000)]
        max_in_flight: usize,
        /// Days of check history to keep.
        #[arg(long, env = "VIGIL_RETENTION_DAYS", default_value_t = 90)]
        retention_days: u16,
        /// PEM file of extra trusted root certificates, for checks of services behind a private CA.
        #[arg(long, env = "VIGIL_EXTRA_CA_FILE")]
        extra_ca_file: Option<PathBuf>,
        /// The URL clients reach Vigil at, for the ping URLs it shows (default: http://<listen>).
        #[arg(long, env = "VIGIL_PUBLIC_URL")]
        public_url: Option<url::Url>,
        /// The most bytes of a heartbeat ping's body kept; the rest is dropped with a note.
        #[arg(long, env = "VIGIL_PING_BODY_CAP_BYTES", default_value_t = HeartbeatSettings::DEFAULT_BODY_CAP)]
        ping_body_cap_bytes: usize,
        /// Milliseconds between two reads of the heartbeat due-index.
        #[arg(long, env = "VIGIL_SWEEP_INTERVAL_MS", default_value_t = 1000)]
        sweep_interval_ms: u64,
    },
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIL_LOG").unwrap_or_else(|_| "info,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    match cli.command {
        Command::Serve {
            listen,
            data_dir,
            admin_key,
            network_policy,
            body_cap_bytes,
            max_in_flight,
            retention_days,
            extra_ca_file,
            public_url,
            ping_body_cap_bytes,
            sweep_interval_ms,
        } => {
            let config = ServeConfig {
                listen,
                data_dir,
                admin_key,
                network_policy: match network_policy {
                    Policy::AllowPrivate => NetworkPolicy::AllowPrivate,
                    Policy::PublicOnly => NetworkPolicy::PublicOnly,
                },
                body_cap: body_cap_bytes,
                max_in_flight,
                retention: SignedDuration::from_hours(24 * i64::from(retention_days.max(1))),
                extra_ca_file,
                public_url,
                ping_body_cap: ping_body_cap_bytes,
                sweep_interval: std::time::Duration::from_millis(sweep_interval_ms.max(10)),
            };
            serve(config).await
        }
    }
}

async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let data_dir = config.data_dir.clone();
    let server = start(config).await?;
    if let Some(key) = &server.created_admin_key {
        println!("Created the admin API key (shown only this once, keep it safe):\n\n    {key}\n");
    }
    println!("Vigil is listening on http://{} (data in {})", server.addr, data_dir.display());
    shutdown_signal().await.context("waiting for a shutdown signal")?;
    println!("Shutting down: finishing running requests and checks…");
    server.shutdown().await;
    println!("Stopped.");
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    }
}
