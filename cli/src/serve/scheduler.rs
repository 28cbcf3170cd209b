//! The in-process scheduler: what EventBridge, the scheduler Lambda and SQS delays are on AWS.
//!
//! Each pass claims the checks planned within the next horizon from the due-index, then each
//! claimed check waits in its own task for the first tick of the release clock at or after its
//! planned time, or a group's gap later when that tick is crowded (see
//! [`ReleasePolicy`]), and runs once one of a bounded number of
//! slots is free. Claiming advances each monitor's due time in the store, so a restart
//! resumes on schedule and nothing is claimed twice. Between passes it sleeps until the earliest
//! planned check is within half the horizon, or a monitor was made or changed (see `Pacing`).

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::checks::{ClaimDueChecks, RunCheckOutcome, claim_due_checks, run_claimed_check};
use vigil_domain::latency::LatencyDigest;
use vigil_domain::ports::ClaimedCheck;
use vigil_local::DueWatch;

use super::pacing::Pacing;
use super::releases::{ReleasePolicy, Releases};

/// How the scheduler paces itself.
#[derive(Clone, Debug)]
pub struct SchedulerConfig {
    /// The shortest time between two reads of the due-index, and the time between them when
    /// there is no `due` watch.
    pub tick: Duration,
    /// The due-index's watch, to sleep until the next planned check.
    pub due: Option<DueWatch>,
    /// How far ahead checks are claimed (must exceed `tick`) and how many at once.
    pub claim: ClaimDueChecks,
    /// The most checks running at once.
    pub max_in_flight: usize,
    /// When each claimed check starts: on the half second at or after its planned time, at most
    /// 8 at one instant (see [`ReleasePolicy`]).
    pub release: ReleasePolicy,
    /// On shutdown, how long running checks may take to finish and be stored.
    pub shutdown_grace: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            tick: Duration::from_millis(250),
            due: None,
            claim: ClaimDueChecks::default(),
            max_in_flight: 1_000,
            release: ReleasePolicy::default(),
            shutdown_grace: Duration::from_secs(15),
        }
    }
}

/// Live figures, for `/metrics` and the benchmark.
#[derive(Debug, Default)]
pub struct SchedulerStats {
    /// Checks started.
    pub started: AtomicU64,
    /// Checks whose result was stored.
    pub completed: AtomicU64,
    /// Checks that could not be stored.
    pub failed: AtomicU64,
    /// Checks running now.
    pub in_flight: AtomicUsize,
    /// Actual minus planned start of every check, the wait for the release tick included.
    pub lag: Mutex<LatencyDigest>,
}

impl SchedulerStats {
    /// The figures in the Prometheus text exposition format.
    pub fn prometheus_text(&self) -> String {
        let counter = |name: &str, help: &str, value: u64| format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
        let mut text = counter("vigil_checks_started_total", "Scheduled checks started.", self.started.load(Ordering::Relaxed));
        text +=
            &counter("vigil_checks_completed_total", "Scheduled checks whose result was stored.", self.completed.load(Ordering::Relaxed));
        text += &counter("vigil_checks_failed_total", "Scheduled checks that could not be stored.", self.failed.load(Ordering::Relaxed));
        text += &format!(
            "# HELP vigil_checks_in_flight Checks running now.\n# TYPE vigil_checks_in_flight gauge\nvigil_checks_in_flight {}\n",
            self.in_flight.load(Ordering::Relaxed)
        );
        if let Ok(lag) = self.lag.lock() {
            text += "# HELP vigil_schedule_lag_seconds Actual minus planned start of scheduled checks (up to one release tick of it by design).\n# TYPE vigil_schedule_lag_seconds summary\n";
            for q in [0.5, 0.9, 0.99] {
                let seconds = lag.quantile(q).map_or(0.0, |d| d.as_secs_f64());
                text += &format!("vigil_schedule_lag_seconds{{quantile=\"{q}\"}} {seconds}\n");
            }
            text += &format!("vigil_schedule_lag_seconds_sum {}\n", lag.sum_us as f64 / 1e6);
            text += &format!("vigil_schedule_lag_seconds_count {}\n", lag.count);
        }
        text
    }
}

/// The scheduler.
pub struct LocalScheduler {
    deps: Deps,
    config: SchedulerConfig,
    stats: Arc<SchedulerStats>,
}

impl LocalScheduler {
    /// A scheduler running checks with `deps`.
    pub fn new(deps: Deps, config: SchedulerConfig) -> Self {
        Self { deps, config, stats: Arc::default() }
    }

    /// Its live figures.
    pub fn stats(&self) -> Arc<SchedulerStats> {
        Arc::clone(&self.stats)
    }

    /// Runs until `shutdown` completes, then lets running checks finish (up to the grace
    /// period) so that their results are stored. Checks claimed but not yet started are dropped;
    /// the next start hands them back (`SqliteStore::hand_back_unrun_claims`) if it comes
    /// within an interval, and otherwise those monitors run again at their next slot.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let slots = Arc::new(Semaphore::new(self.config.max_in_flight));
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let horizon = Duration::try_from(self.config.claim.horizon).unwrap_or_default();
        let pacing = Pacing { watch: self.config.due.clone(), tick: self.config.tick, lead: horizon / 2, floor: self.config.tick };
        let mut releases = Releases::new(self.config.release);
        let mut previous = None;
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                () = pacing.next_pass(previous) => {}
            }
            previous = Some(Instant::now());
            match claim_due_checks(&self.deps, self.config.claim, SystemClock::now()).await {
                Ok(due) => {
                    let now = SystemClock::now();
                    for check in due {
                        let start = releases.start_of(check.check.planned_at, now);
                        tasks.spawn(self.check_task(check, start, Arc::clone(&slots), stop_rx.clone()));
                    }
                }
                Err(error) => tracing::error!(%error, "claiming due checks failed; retrying next pass"),
            }
            while let Some(joined) = tasks.try_join_next() {
                if let Err(error) = joined {
                    tracing::error!(%error, "a check task panicked");
                }
            }
        }
        let _ = stop_tx.send(true);
        let drained = tokio::time::timeout(self.config.shutdown_grace, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(running = tasks.len(), "checks still running at the end of the shutdown grace period were abandoned");
        }
    }

    fn check_task(
        &self,
        claimed: ClaimedCheck,
        start: jiff::Timestamp,
        slots: Arc<Semaphore>,
        mut stop: watch::Receiver<bool>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let deps = self.deps.clone();
        let stats = Arc::clone(&self.stats);
        async move {
            let check = claimed.check;
            let wait = start.duration_since(SystemClock::now());
            let start_at = Instant::now() + Duration::try_from(wait).unwrap_or_default();
            let permit = tokio::select! {
                biased;
                _ = stop.wait_for(|stopped| *stopped) => return,
                permit = async {
                    tokio::time::sleep_until(start_at).await;
                    slots.acquire_owned().await
                } => permit,
            };
            let Ok(_permit) = permit else { return };
            let now = SystemClock::now();
            let lag = Duration::try_from(now.duration_since(check.planned_at)).unwrap_or_default();
            if let Ok(mut digest) = stats.lag.lock() {
                digest.record(lag);
            }
            stats.started.fetch_add(1, Ordering::Relaxed);
            stats.in_flight.fetch_add(1, Ordering::Relaxed);
            match run_claimed_check(&deps, claimed, now).await {
                Ok(RunCheckOutcome::Ran(_) | RunCheckOutcome::MonitorGone | RunCheckOutcome::MonitorPaused) => {
                    stats.completed.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    stats.failed.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(%error, monitor = %check.monitor_id, "a check could not be stored");
                }
            }
            stats.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
    }
}
