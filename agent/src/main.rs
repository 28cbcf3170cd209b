//! `vigil-agent`: reads its configuration, then runs until SIGTERM or Ctrl-C. `--once` prints
//! one sample as JSON instead.

use std::path::PathBuf;
use tokio::signal::unix::{SignalKind, signal};
use vigil_agent::collect::HostCollector;
use vigil_agent::config::Config;
use vigil_agent::link::Timings;

const USAGE: &str = "usage: vigil-agent [--config FILE] [--once]\n\n\
    --config FILE  the TOML configuration (default: $VIGIL_AGENT_CONFIG, else /etc/vigil-agent/agent.toml if present)\n\
    --once         print one sample of this host as JSON and exit\n\n\
    Environment: VIGIL_AGENT_SERVER, VIGIL_AGENT_TOKEN, VIGIL_AGENT_STATE_DIR, VIGIL_AGENT_INTERVAL_SECONDS,\n\
    VIGIL_AGENT_BUFFER_MAX_BATCHES, VIGIL_AGENT_DOCKER_SOCKET, VIGIL_AGENT_CA_FILE, VIGIL_AGENT_HOST_ROOT, VIGIL_AGENT_LOG";

fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIL_AGENT_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    let mut config_path = std::env::var_os("VIGIL_AGENT_CONFIG").map(PathBuf::from);
    let mut once = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config_path = args.next().map(PathBuf::from),
            "--once" => once = true,
            "--version" => {
                println!("vigil-agent {}", env!("CARGO_PKG_VERSION"));
                return std::process::ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("{USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let default = PathBuf::from("/etc/vigil-agent/agent.toml");
    let config_path = config_path.or_else(|| default.exists().then_some(default));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vigil-agent: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        if once {
            return print_one_sample().await;
        }
        let own_exe = std::env::current_exe().ok().and_then(|p| p.canonicalize().ok());
        let config = Config::load(config_path.as_deref(), &|name| std::env::var(name).ok(), own_exe.as_deref())?;
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::spawn(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            tracing::info!("stopping");
            let _ = stop_tx.send(true);
        });
        vigil_agent::agent::run(config, Timings::default(), stop).await
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "vigil-agent stopped");
            eprintln!("vigil-agent: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Two readings a second apart, so that the sample has rates.
async fn print_one_sample() -> anyhow::Result<()> {
    let mut collector = HostCollector::new(Default::default());
    collector.collect(jiff::Timestamp::now())?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let sample = collector.collect(jiff::Timestamp::now())?;
    println!("{}", serde_json::to_string_pretty(&sample)?);
    Ok(())
}
