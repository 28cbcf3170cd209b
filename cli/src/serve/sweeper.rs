//! The in-process sweeper: what the EventBridge-fired sweeper Lambda is on AWS.
//!
//! Each pass reads the due-index for tasks whose deadline has passed (a partial index on
//! `next_deadline_at`, so the cost grows with the tasks due, not with all tasks) and moves them
//! with time: Late, Down, runs past their limit closed. Between passes it sleeps until the
//! earliest deadline or a task's change (see `Pacing`). Every host tick it judges the silence
//! rules of hosts: a host that stopped reporting opens an incident, one back resolves it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::heartbeats::{SweepDueTasks, sweep_due_tasks};
use vigil_app::hosts::sweep_silent_hosts;
use vigil_local::DueWatch;

use super::pacing::Pacing;

/// How the sweeper paces itself.
#[derive(Clone, Debug)]
pub struct SweeperConfig {
    /// The shortest time between two reads of the due-index, and the time between them when
    /// there is no `due` watch; detection happens within one tick of a deadline.
    pub tick: Duration,
    /// The due-index's watch, to sleep until the next deadline.
    pub due: Option<DueWatch>,
    /// How many tasks one tick reads at a time, and at most.
    pub sweep: SweepDueTasks,
    /// How often hosts' silence rules are judged; it reads every host, so less often than
    /// the due-index, and silence rules count in tens of seconds anyway.
    pub host_tick: Duration,
}

impl Default for SweeperConfig {
    fn default() -> Self {
        Self { tick: Duration::from_secs(1), due: None, sweep: SweepDueTasks::default(), host_tick: Duration::from_secs(5) }
    }
}

/// Live figures, for `/metrics`.
#[derive(Debug, Default)]
pub struct SweeperStats {
    /// Due tasks looked at.
    pub due: AtomicU64,
    /// Status changes announced.
    pub changed: AtomicU64,
    /// Host silence rules that opened or resolved.
    pub host_changes: AtomicU64,
}

impl SweeperStats {
    /// The figures in the Prometheus text exposition format.
    pub fn prometheus_text(&self) -> String {
        let counter = |name: &str, help: &str, value: u64| format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
        counter("vigil_heartbeat_due_total", "Heartbeat tasks read from the due-index.", self.due.load(Ordering::Relaxed))
            + &counter(
                "vigil_heartbeat_status_changes_total",
                "Heartbeat status changes found by the sweeper.",
                self.changed.load(Ordering::Relaxed),
            )
    }
}

/// The sweeper.
pub struct LocalSweeper {
    deps: Deps,
    config: SweeperConfig,
    stats: Arc<SweeperStats>,
}

impl LocalSweeper {
    /// A sweeper over `deps`.
    pub fn new(deps: Deps, config: SweeperConfig) -> Self {
        Self { deps, config, stats: Arc::default() }
    }

    /// Its live figures.
    pub fn stats(&self) -> Arc<SweeperStats> {
        Arc::clone(&self.stats)
    }

    /// Runs until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let pacing = Pacing { watch: self.config.due.clone(), tick: self.config.tick, lead: Duration::ZERO, floor: self.config.tick };
        let mut previous = None;
        let mut host_ticker = tokio::time::interval(self.config.host_tick);
        host_ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = host_ticker.tick() => {
                    match sweep_silent_hosts(&self.deps, SystemClock::now()).await {
                        Ok(swept) => {
                            self.stats.host_changes.fetch_add(swept.changed as u64, Ordering::Relaxed);
                        }
                        Err(error) => tracing::error!(%error, "sweeping silent hosts failed; retrying next tick"),
                    }
                    continue;
                }
                () = pacing.next_pass(previous) => {}
            }
            previous = Some(tokio::time::Instant::now());
            match sweep_due_tasks(&self.deps, self.config.sweep, SystemClock::now()).await {
                Ok(swept) => {
                    self.stats.due.fetch_add(swept.due as u64, Ordering::Relaxed);
                    self.stats.changed.fetch_add(swept.changed as u64, Ordering::Relaxed);
                }
                Err(error) => tracing::error!(%error, "sweeping due heartbeat tasks failed; retrying next pass"),
            }
        }
    }
}
