//! The `vigil` command: wiring only.

use anyhow::Context;
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::process::ExitCode;
use vigil::args::{Cli, Command, LogFormat};
use vigil::serve::{ServeConfig, start};

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIL_LOG").unwrap_or_else(|_| "info,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::from(5);
        }
    };
    match cli.command {
        Command::Serve(args) => {
            init_logs(args.log_format);
            let done = args.into_config().and_then(|config| runtime.block_on(serve(config)));
            finish_anyhow(done)
        }
        Command::Backup(args) => finish_anyhow(vigil::backup::backup(&args.data_dir, &args.file).map(|summary| {
            println!("Backed up to {}: {}", args.file.display(), vigil::backup::describe(&summary));
        })),
        Command::Restore(args) => finish_anyhow(vigil::backup::restore(&args.data_dir, &args.file).map(|(kept, summary)| {
            println!("Restored {} into {}: {}", args.file.display(), args.data_dir.display(), vigil::backup::describe(&summary));
            if let Some(kept) = kept {
                println!("The database it replaced is kept as {}", kept.display());
            }
        })),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "vigil", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        _ => match runtime.block_on(vigil::commands::dispatch(cli)) {
            Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            Err(failure) => {
                let label = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                    "\x1b[31;1merror:\x1b[0m"
                } else {
                    "error:"
                };
                eprintln!("{label} {failure}");
                ExitCode::from(failure.code as u8)
            }
        },
    }
}

fn finish_anyhow(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
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
