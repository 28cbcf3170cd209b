//! `vigil-bench probe`: the probe engine alone. K checks of the child target at concurrency C
//! through the production [`HttpProber`] (system resolver, policy vetting, real TLS
//! verification against the target's test CA), with no scheduler and no store.

use anyhow::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use url::Url;
use vigil_domain::latency::LatencyDigest;
use vigil_domain::monitor::HttpMethod;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};
use vigil_probe::{HttpProber, ProberConfig};

use crate::cli::{ProbeArgs, Scheme};
use crate::counting::{CountingProber, Outcomes, Tally};
use crate::measure::{self, CpuTime};
use crate::report::{self, Table};
use crate::target::Target;

/// What one scheme's run measured.
struct Run {
    scheme: Scheme,
    wall: Duration,
    outcomes: Outcomes,
    cpu: CpuTime,
    target_cpu: CpuTime,
    others_cpu: Duration,
    durations: LatencyDigest,
    peak_rss: u64,
    first_failure: Option<String>,
}

/// Runs the scenario and prints its table.
pub async fn run(args: ProbeArgs, target: &Target) -> anyhow::Result<()> {
    anyhow::ensure!(args.checks > 0, "--checks must be at least 1");
    let config = ProberConfig { extra_root_certificates_pem: Some(target.ca_pem().to_vec()), ..ProberConfig::default() };
    let tally = Tally::default();
    let prober = Arc::new(CountingProber::new(HttpProber::new(config).context("setting up the probe engine")?, tally.clone()));
    // The no-network phase has no engine to measure; `all` means http and https here.
    let schemes: Vec<Scheme> = args.scheme.schemes().into_iter().filter(|s| *s != Scheme::NoNetwork).collect();
    if schemes.is_empty() {
        anyhow::bail!("the probe scenario measures the real engine: use --scheme http, https or both");
    }
    let mut runs = Vec::new();
    for scheme in schemes {
        let url = Url::parse(&target.url(scheme)).context("the target URL")?;
        let request = ProbeRequest {
            url,
            method: HttpMethod::Get,
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_millis(args.timeout_ms),
            follow_redirects: true,
            verify_tls: true,
            body_cap: ProbeRequest::DEFAULT_BODY_CAP,
            network_policy: NetworkPolicy::AllowPrivate,
        };
        // A short warm-up, so that lazily built state (resolver, TLS session setup, allocator
        // arenas) is not charged to the first measured checks.
        drive(&prober, &request, args.concurrency.max(1) * 4, args.concurrency).await;
        runs.push(measured(scheme, &prober, &request, &args, &tally, target).await?);
    }
    print(&args, &runs);
    Ok(())
}

async fn measured(
    scheme: Scheme,
    prober: &Arc<CountingProber<HttpProber>>,
    request: &ProbeRequest,
    args: &ProbeArgs,
    tally: &Tally,
    target: &Target,
) -> anyhow::Result<Run> {
    eprintln!("[{}] {} checks at concurrency {}…", scheme.as_str(), report::count(args.checks as u64), args.concurrency);
    measure::reset_peak_rss();
    let _ = tally.take_durations();
    let _ = tally.take_first_failure();
    let outcomes_before = tally.outcomes();
    let (cpu_before, target_before, machine_before) = (measure::cpu_time(None)?, target.cpu_time()?, measure::machine_cpu()?);
    let started = Instant::now();
    drive(prober, request, args.checks, args.concurrency).await;
    let wall = started.elapsed();
    let (cpu_after, target_after, machine_after) = (measure::cpu_time(None)?, target.cpu_time()?, measure::machine_cpu()?);
    let cpu = cpu_after.since(cpu_before);
    let target_cpu = target_after.since(target_before);
    let others_cpu = machine_after.busy_since(machine_before).saturating_sub(cpu.total() + target_cpu.total());
    Ok(Run {
        scheme,
        wall,
        outcomes: tally.outcomes().since(outcomes_before),
        cpu,
        target_cpu,
        others_cpu,
        durations: tally.take_durations(),
        peak_rss: measure::memory()?.peak_rss,
        first_failure: tally.take_first_failure(),
    })
}

/// Runs `checks` probes of `request` from `concurrency` tasks (spread over the runtime's
/// worker threads) and waits for all of them.
async fn drive(prober: &Arc<CountingProber<HttpProber>>, request: &ProbeRequest, checks: usize, concurrency: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (prober, request, next) = (Arc::clone(prober), request.clone(), Arc::clone(&next));
        workers.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < checks {
                prober.probe(&request).await;
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        if let Err(error) = joined {
            eprintln!("a probe worker panicked: {error}");
        }
    }
}

fn print(args: &ProbeArgs, runs: &[Run]) {
    let mut table = Table::new("probe engine", runs.iter().map(|r| r.scheme.as_str().to_owned()));
    let cells = |f: &dyn Fn(&Run) -> String| runs.iter().map(f).collect::<Vec<_>>();
    table.row("checks", cells(&|r| report::count(r.outcomes.total())));
    table.row("concurrency", cells(&|_| args.concurrency.to_string()));
    table.row("wall time", cells(&|r| report::duration(r.wall)));
    table.row("checks/s", cells(&|r| report::num(r.outcomes.total() as f64 / r.wall.as_secs_f64(), 0)));
    table.row("non-2xx / failed checks", cells(&|r| report::count(r.outcomes.failed())));
    table.row("CPU s (user + sys)", cells(&|r| format!("{:.2} + {:.2}", r.cpu.user.as_secs_f64(), r.cpu.system.as_secs_f64())));
    table.row("CPU s / 1000 checks", cells(&|r| report::cpu_per_1000(r.cpu.total(), r.outcomes.total())));
    table.row("CPU use (% of one core)", cells(&|r| report::num(100.0 * r.cpu.total().as_secs_f64() / r.wall.as_secs_f64(), 0)));
    table.row("check duration p50", cells(&|r| report::maybe_duration(r.durations.quantile(0.5))));
    table.row("check duration p99", cells(&|r| report::maybe_duration(r.durations.quantile(0.99))));
    table.row("peak RSS (MB)", cells(&|r| report::num(measure::mb(r.peak_rss), 1)));
    table.row("target process CPU s", cells(&|r| report::num(r.target_cpu.total().as_secs_f64(), 2)));
    table.row("other processes' CPU s", cells(&|r| report::num(r.others_cpu.as_secs_f64(), 2)));
    if let [http, _] = runs {
        let per = |r: &Run| r.cpu.total().as_secs_f64() / r.outcomes.total().max(1) as f64;
        table.row("CPU per check ÷ http's", cells(&|r| report::ratio(per(http), per(r))));
    }
    println!("\n{}", table.render());
    for run in runs {
        if let Some(failure) = &run.first_failure {
            println!("[{}] first failure: {failure}", run.scheme.as_str());
        }
    }
}
