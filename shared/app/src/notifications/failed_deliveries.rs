use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::notify::Delivery;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List deliveries that failed for good (the self-hosted dead-letter list).
#[derive(Clone, Debug)]
pub struct ListFailedDeliveries {
    /// Owner.
    pub tenant_id: TenantId,
    /// Which page.
    pub page: PageRequest,
}

/// Why failed deliveries could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListFailedDeliveriesError {
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists failed deliveries, newest first.
#[tracing::instrument(name = "list_failed_deliveries", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_failed_deliveries(
    deps: &Deps,
    cmd: ListFailedDeliveries,
    _now: Timestamp,
) -> Result<Page<Delivery>, ListFailedDeliveriesError> {
    Ok(deps.stores.deliveries.failed(cmd.tenant_id, &cmd.page).await?)
}
