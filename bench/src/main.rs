//! `vigil-bench`: Vigil's benchmark harness. Each scenario runs the real engine against a local
//! target served by a child process and prints a Markdown table of figures; see
//! docs/benchmarks.md. This file only wires: arguments, logs, the target, the scenario.

mod cli;
mod counting;
mod measure;
mod no_network;
mod report;
mod scenario_agent;
mod scenario_alert_latency;
mod scenario_aws_cost;
mod scenario_dashboard;
mod scenario_host_ingest;
mod scenario_lambda_startup;
mod scenario_pings;
mod scenario_probe;
mod scenario_scheduler;
mod scenario_status_page;
mod target;

use clap::Parser;
use cli::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Target(args) = cli.command {
        return target::serve(args).await;
    }
    if let Command::PingsServer(args) = cli.command {
        return scenario_pings::serve(args).await;
    }
    // Warnings and errors only (a failed store, a panicking check); VIGIL_LOG overrides.
    let filter = tracing_subscriber::EnvFilter::try_from_env("VIGIL_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let fd_limit = measure::raise_fd_limit();
    println!("vigil-bench on {}", measure::machine_description());
    println!("started {}; open-file limit {fd_limit}", jiff::Timestamp::now().round(jiff::Unit::Second)?);
    if let Command::Pings(args) = cli.command {
        println!("scenario: pings {args:?}");
        return scenario_pings::run(args).await;
    }
    if let Command::Dashboard(args) = cli.command {
        println!("scenario: dashboard {args:?}");
        return scenario_dashboard::run(args).await;
    }
    if let Command::Agent(args) = cli.command {
        println!("scenario: agent {args:?}");
        return scenario_agent::run(args).await;
    }
    if let Command::StatusPage(args) = cli.command {
        println!("scenario: status-page {args:?}");
        return scenario_status_page::run(args).await;
    }
    if let Command::HostIngest(args) = cli.command {
        println!("scenario: host-ingest {args:?}");
        return scenario_host_ingest::run(args).await;
    }
    let target = target::Target::start()?;
    println!("target: child process {} serving {} and {}", target.pid(), target.url(cli::Scheme::Http), target.url(cli::Scheme::Https));
    match cli.command {
        Command::Scheduler(args) => {
            println!("scenario: scheduler {args:?}");
            scenario_scheduler::run(args, &target).await
        }
        Command::Probe(args) => {
            println!("scenario: probe {args:?}");
            scenario_probe::run(args, &target).await
        }
        Command::AlertLatency(args) => {
            println!("scenario: alert-latency {args:?}");
            scenario_alert_latency::run(args).await
        }
        Command::LambdaStartup(args) => {
            println!("scenario: lambda-startup {args:?}");
            scenario_lambda_startup::run(args, &target).await
        }
        Command::AwsCost(args) => {
            println!("scenario: aws-cost {args:?}");
            scenario_aws_cost::run(args, &target).await
        }
        Command::Target(_)
        | Command::Pings(_)
        | Command::PingsServer(_)
        | Command::Agent(_)
        | Command::Dashboard(_)
        | Command::HostIngest(_)
        | Command::StatusPage(_) => Ok(()),
    }
}
