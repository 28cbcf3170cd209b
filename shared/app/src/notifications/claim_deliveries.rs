use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::notify::Delivery;
use vigil_domain::ports::StoreError;

/// Claim pending deliveries whose next attempt is due, for a deliverer to attempt.
#[derive(Clone, Copy, Debug)]
pub struct ClaimDueDeliveries {
    /// Only deliveries due this long ago or longer: zero for a deliverer; on AWS, where the
    /// queue's delay brings each attempt, the sweeper looks only for deliveries overdue by more
    /// than that grace (their queue message was lost).
    pub overdue_by: SignedDuration,
    /// How long a claimed delivery is kept from other claims before it comes back (longer than
    /// an attempt may take).
    pub lease: SignedDuration,
    /// The most deliveries claimed.
    pub limit: usize,
}

/// Why deliveries could not be claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimDueDeliveriesError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Claims the deliveries due as of `now - overdue_by`; a claimed delivery is handed out again
/// only after its lease, so a crashed deliverer's work comes back and no two attempts overlap.
#[tracing::instrument(name = "claim_due_deliveries", skip_all)]
pub async fn claim_due_deliveries(deps: &Deps, cmd: ClaimDueDeliveries, now: Timestamp) -> Result<Vec<Delivery>, ClaimDueDeliveriesError> {
    if cmd.limit == 0 {
        return Ok(Vec::new());
    }
    Ok(deps.stores.delivery_due.claim_due(now - cmd.overdue_by, cmd.lease, cmd.limit).await?)
}
