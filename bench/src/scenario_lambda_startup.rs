//! `vigil-bench lambda-startup`: each function's binary, cold-started again and again against a
//! fake Lambda Runtime API (tests/src/runtime_api.rs) and the AWS emulator, serving one sample
//! event each time. Reports the init time (spawn to the first request for an event), the time
//! to the first answer, the peak resident memory (VmHWM) and the sizes of the binaries and, if
//! built, of the arm64 zips.
//!
//! The binaries measured are the host's (x86_64) build of the `lambda-release` profile: the arm64 ones
//! cannot run here. Build them first with
//! `cargo build --profile lambda-release -p vigil-fn-api -p vigil-fn-scheduler -p vigil-fn-prober`.

use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};
use std::time::Duration;
use vigil_tests::runtime_api::{Answer, invoke_binary};

use crate::cli::LambdaStartupArgs;
use crate::report::{Table, num};

const FUNCTIONS: [(&str, &str); 3] =
    [("vigil-api", "apigw-healthz.json"), ("vigil-scheduler", "eventbridge-scheduled.json"), ("vigil-prober", "sqs-probe-job.json")];

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    num(d.as_secs_f64() * 1000.0, 1)
}

/// Runs the scenario and prints its table.
pub async fn run(args: LambdaStartupArgs) -> anyhow::Result<()> {
    let target_dir =
        args.target_dir.clone().unwrap_or_else(|| PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())));
    let endpoint = tokio::task::spawn_blocking(vigil_tests::emulator::endpoint).await?;
    vigil_tests::emulator::reset(&endpoint).await;
    let clients = vigil_tests::emulator::clients(&endpoint, vigil_aws::ClientOptions::default()).await;
    let resources = vigil_tests::emulator::provision(&clients).await?;
    let env = vigil_tests::emulator::function_env(&endpoint, &resources);

    let mut table = Table::new(
        "function",
        [
            "arm64 zip".to_owned(),
            "x86_64 binary".to_owned(),
            "init p50 (ms)".to_owned(),
            "init max (ms)".to_owned(),
            "first answer p50 (ms)".to_owned(),
            "peak RSS (MiB)".to_owned(),
        ],
    );
    for (binary, event) in FUNCTIONS {
        let path = target_dir.join(&args.profile).join(binary);
        let size = std::fs::metadata(&path).with_context(|| format!("{} (build it first)", path.display()))?.len();
        let zip = target_dir.join("lambda").join(binary).join("bootstrap.zip");
        let zip_size = std::fs::metadata(&zip).map(|m| format!("{:.2} MB", m.len() as f64 / 1e6)).unwrap_or_else(|_| "not built".into());
        let (mut inits, mut answers, mut peak) = (Vec::new(), Vec::new(), 0u64);
        for _ in 0..args.runs {
            let run = invoke_binary(Path::new(&path), &env, vigil_tests::lambda::sample_event(event)).await;
            match &run.answer {
                Some(Answer::Response(_)) => {}
                other => return Err(anyhow!("{binary} did not answer: {other:?}\n{}", run.stderr)),
            }
            inits.push(run.init.context("no init time")?);
            answers.push(run.answered.context("no answer time")?);
            peak = peak.max(run.peak_rss_kib.unwrap_or(0));
        }
        inits.sort();
        answers.sort();
        table.row(
            binary,
            [
                zip_size,
                format!("{:.2} MB", size as f64 / 1e6),
                ms(quantile(&inits, 0.5)),
                ms(quantile(&inits, 1.0)),
                ms(quantile(&answers, 0.5)),
                num(peak as f64 / 1024.0, 1),
            ],
        );
    }
    println!("\n{} cold starts per function, profile `{}`:\n\n{}", args.runs, args.profile, table.render());
    Ok(())
}
