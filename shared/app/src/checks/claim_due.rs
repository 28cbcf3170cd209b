use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ports::{DueCheck, StoreError};

/// Claim the checks due soon, for a scheduler to run.
#[derive(Clone, Copy, Debug)]
pub struct ClaimDueChecks {
    /// Claim checks planned up to this far ahead of now.
    pub horizon: SignedDuration,
    /// At most this many.
    pub limit: usize,
}

/// Why checks could not be claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimDueChecksError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Claims the checks planned before `now + horizon`; each planned check is handed out once.
pub async fn claim_due_checks(deps: &Deps, cmd: ClaimDueChecks, now: Timestamp) -> Result<Vec<DueCheck>, ClaimDueChecksError> {
    Ok(deps.schedule.claim_due(now, now + cmd.horizon, cmd.limit).await?)
}
