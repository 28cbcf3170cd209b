use crate::Deps;
use crate::checks::{RunCheck, RunCheckOutcome, run_check_on};
use futures::future::join_all;
use jiff::Timestamp;
use vigil_domain::job::{JobEntry, ProbeJob, StaleEntry};

/// Run the checks of a batch of probe jobs (one queue delivery).
#[derive(Clone, Debug)]
pub struct RunProbeJobs {
    /// The jobs, in delivery order.
    pub jobs: Vec<ProbeJob>,
}

/// What became of one job entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryOutcome {
    /// The check ran and is stored.
    Ran {
        /// An earlier delivery had already stored it.
        duplicate: bool,
        /// It changed the monitor's status.
        status_changed: bool,
    },
    /// The entry no longer applies and was dropped.
    Skipped(StaleEntry),
    /// The check could not be completed; the job must be delivered again.
    Failed(String),
}

/// The outcome of every entry of one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobReport {
    /// One outcome per entry, in the job's order.
    pub entries: Vec<EntryOutcome>,
}

impl JobReport {
    /// Whether any entry failed, so that the whole job must be delivered again (entries that
    /// succeeded are then recognised as duplicates).
    pub fn failed(&self) -> bool {
        self.entries.iter().any(|e| matches!(e, EntryOutcome::Failed(_)))
    }
}

/// Runs every check of every job at once, each through the same path as any scheduled check
/// (`run_check`), and reports per entry. Never fails as a whole: a storage failure fails only
/// the entries it touched.
///
/// Each entry's monitor is read once (strongly consistent on DynamoDB), vetted against the entry
/// (gone, paused, rescheduled since it was claimed), and then checked with that same record.
/// Jobs are small and released at the second their checks are planned for, so every check
/// starts at `now`; the queue's batch size and the scheduler's job size bound how many run at
/// once.
#[tracing::instrument(name = "run_probe_jobs", skip_all, fields(jobs = cmd.jobs.len()))]
pub async fn run_probe_jobs(deps: &Deps, cmd: RunProbeJobs, now: Timestamp) -> Vec<JobReport> {
    let jobs = cmd.jobs.iter().map(|job| async move {
        let entries = join_all(job.entries.iter().map(|entry| run_entry(deps, *entry, now))).await;
        JobReport { entries }
    });
    join_all(jobs).await
}

async fn run_entry(deps: &Deps, entry: JobEntry, now: Timestamp) -> EntryOutcome {
    let record = match deps.stores.monitors.get(entry.tenant_id, entry.monitor_id).await {
        Ok(record) => record,
        Err(error) => return EntryOutcome::Failed(format!("reading monitor {}: {error}", entry.monitor_id)),
    };
    if let Some(stale) = entry.staleness(record.as_ref()) {
        return EntryOutcome::Skipped(stale);
    }
    let Some(record) = record else { return EntryOutcome::Skipped(StaleEntry::MonitorGone) };
    let cmd = RunCheck { tenant_id: entry.tenant_id, monitor_id: entry.monitor_id, planned_at: entry.planned_at, manual: false };
    match run_check_on(deps, record, cmd, now).await {
        // A status change whose event did not go out fails the entry, so the job comes back and
        // its redelivery publishes the event again.
        Ok(RunCheckOutcome::Ran(run)) if !run.event_published => {
            EntryOutcome::Failed(format!("publishing the status change of monitor {} failed", entry.monitor_id))
        }
        Ok(RunCheckOutcome::Ran(run)) => EntryOutcome::Ran { duplicate: run.duplicate, status_changed: run.transition.is_some() },
        Ok(RunCheckOutcome::MonitorGone) => EntryOutcome::Skipped(StaleEntry::MonitorGone),
        Ok(RunCheckOutcome::MonitorPaused) => EntryOutcome::Skipped(StaleEntry::MonitorPaused),
        Err(error) => EntryOutcome::Failed(format!("checking monitor {}: {error}", entry.monitor_id)),
    }
}
