use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ports::{ClaimedCheck, StoreError};

/// Claim the checks due soon, for a scheduler to run.
#[derive(Clone, Copy, Debug)]
pub struct ClaimDueChecks {
    /// Claim checks planned up to this far ahead of now.
    pub horizon: SignedDuration,
    /// Checks claimed per call to the due-index; calls repeat while they come back full.
    pub batch: usize,
    /// The most checks one claim hands out; the rest stays due for the next.
    pub max: usize,
}

impl Default for ClaimDueChecks {
    fn default() -> Self {
        Self { horizon: SignedDuration::from_secs(2), batch: 2_000, max: 20_000 }
    }
}

/// Why checks could not be claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimDueChecksError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Claims the checks planned before `now + horizon`, batch by batch; each planned check is handed
/// out once, with its monitor where the store read it in the claim (see
/// [`run_claimed_check`](super::run_claimed_check)).
#[tracing::instrument(name = "claim_due_checks", skip_all)]
pub async fn claim_due_checks(deps: &Deps, cmd: ClaimDueChecks, now: Timestamp) -> Result<Vec<ClaimedCheck>, ClaimDueChecksError> {
    let mut claimed = Vec::new();
    loop {
        let want = cmd.batch.max(1).min(cmd.max - claimed.len());
        if want == 0 {
            return Ok(claimed);
        }
        let batch = deps.stores.schedule.claim_due_with_monitors(now, now + cmd.horizon, want).await?;
        let full = batch.len() == want;
        claimed.extend(batch);
        if !full {
            return Ok(claimed);
        }
    }
}
