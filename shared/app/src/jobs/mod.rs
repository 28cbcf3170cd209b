//! Probe jobs: the scheduler's side (claim due checks and enqueue them as delayed jobs) and the
//! prober's side (run a batch of jobs' checks concurrently). `vigil serve` does not use these:
//! its scheduler claims and runs checks in-process; the Lambda functions do.

mod dispatch;
mod run;

pub use dispatch::{DispatchDeps, DispatchDueChecks, DispatchDueChecksError, Dispatched, dispatch_due_checks};
pub use run::{EntryOutcome, JobReport, RunProbeJobs, run_probe_jobs};
