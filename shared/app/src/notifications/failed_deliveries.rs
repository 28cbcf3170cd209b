use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::Actor;
use vigil_domain::notify::Delivery;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List deliveries that failed for good (the self-hosted dead-letter list).
#[derive(Clone, Debug)]
pub struct ListFailedDeliveries {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Which page.
    pub page: PageRequest,
}

/// Why failed deliveries could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListFailedDeliveriesError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists failed deliveries, newest first.
#[tracing::instrument(name = "list_failed_deliveries", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_failed_deliveries(
    deps: &Deps,
    cmd: ListFailedDeliveries,
    _now: Timestamp,
) -> Result<Page<Delivery>, ListFailedDeliveriesError> {
    Ok(deps.stores.deliveries.failed(cmd.actor.tenant_id, &cmd.page).await?)
}
