use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use vigil_domain::job::{MAX_JOB_DELAY_SECONDS, group_into_jobs};
use vigil_domain::ports::{CheckSchedule, ProbeJobQueue, StoreError};

/// What dispatching needs: the due-index and the job queue, nothing else. It is narrower than
/// [`crate::Deps`] on purpose: only the scheduler function dispatches, and `vigil serve`, whose
/// scheduler runs claimed checks in-process, has no job queue to carry.
#[derive(Clone)]
pub struct DispatchDeps {
    /// The due-index.
    pub schedule: Arc<dyn CheckSchedule>,
    /// Where jobs go.
    pub jobs: Arc<dyn ProbeJobQueue>,
}

/// Claim the checks of monitors due within the lead, each with every slot within the horizon,
/// and enqueue them as delayed probe jobs.
#[derive(Clone, Copy, Debug)]
pub struct DispatchDueChecks {
    /// Monitors due this soon are claimed. Longer than the time between two dispatches, so a
    /// check is always claimed before it is due.
    pub lead: SignedDuration,
    /// How far ahead a claimed monitor's slots are taken; at most the queue's longest delay.
    /// The longer the horizon beyond the lead, the fewer claims (one write per monitor per
    /// `horizon - lead`).
    pub horizon: SignedDuration,
    /// Checks claimed per call to the due-index.
    pub claim_batch: usize,
    /// The most checks one dispatch claims; the rest stays due for the next run.
    pub max_checks: usize,
    /// The most checks in one job.
    pub job_size: usize,
}

/// What a dispatch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dispatched {
    /// Checks claimed and enqueued.
    pub checks: usize,
    /// Jobs enqueued.
    pub jobs: usize,
    /// Whether `max_checks` stopped the dispatch while checks were still due.
    pub capped: bool,
}

/// Why a dispatch failed.
#[derive(Debug, thiserror::Error)]
pub enum DispatchDueChecksError {
    /// The horizon is longer than a job can be delayed, or the lead is not within it.
    #[error("the lead ({lead}) must be positive and at most the horizon ({horizon}), itself at most {MAX_JOB_DELAY_SECONDS} s")]
    Window {
        /// The lead asked for.
        lead: SignedDuration,
        /// The horizon asked for.
        horizon: SignedDuration,
    },
    /// Claiming or enqueueing failed. Checks claimed before the failure but not enqueued are not
    /// run; their monitors continue at their next slot after what was claimed.
    #[error("dispatching failed after {} checks in {} jobs were enqueued: {source}", .done.checks, .done.jobs)]
    Store {
        /// What had been enqueued before the failure.
        done: Dispatched,
        /// The failure.
        source: StoreError,
    },
}

/// Claims the checks due soon, batch by batch, and enqueues each batch as jobs
/// released at the second boundary at or after each check's planned time. Claiming advances
/// each monitor's due time past what it handed out, so two dispatchers never enqueue the same
/// check.
#[tracing::instrument(name = "dispatch_due_checks", skip_all)]
pub async fn dispatch_due_checks(
    deps: &DispatchDeps,
    cmd: DispatchDueChecks,
    now: Timestamp,
) -> Result<Dispatched, DispatchDueChecksError> {
    if cmd.lead <= SignedDuration::ZERO
        || cmd.lead > cmd.horizon
        || cmd.horizon > SignedDuration::from_secs(i64::from(MAX_JOB_DELAY_SECONDS))
    {
        return Err(DispatchDueChecksError::Window { lead: cmd.lead, horizon: cmd.horizon });
    }
    let (lead_until, until) = (now + cmd.lead, now + cmd.horizon);
    let mut done = Dispatched::default();
    loop {
        let want = cmd.claim_batch.max(1).min(cmd.max_checks - done.checks);
        if want == 0 {
            done.capped = true;
            return Ok(done);
        }
        let claimed = deps
            .schedule
            .claim_ahead(now, lead_until, until, want)
            .await
            .map_err(|source| DispatchDueChecksError::Store { done, source })?;
        let jobs = group_into_jobs(&claimed, now, cmd.job_size);
        deps.jobs.enqueue(&jobs).await.map_err(|source| DispatchDueChecksError::Store { done, source })?;
        done.checks += claimed.len();
        done.jobs += jobs.len();
        if claimed.len() < want {
            return Ok(done);
        }
    }
}
