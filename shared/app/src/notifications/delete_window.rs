use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MaintenanceWindowId, TenantId};
use vigil_domain::ports::StoreError;

/// Delete a maintenance window.
#[derive(Clone, Copy, Debug)]
pub struct DeleteWindow {
    /// Owner.
    pub tenant_id: TenantId,
    /// Window.
    pub window_id: MaintenanceWindowId,
}

/// Why a window could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteWindowError {
    /// No such window for this tenant.
    #[error("maintenance window not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a window.
#[tracing::instrument(name = "delete_window", skip_all, fields(tenant = %cmd.tenant_id, window = %cmd.window_id))]
pub async fn delete_window(deps: &Deps, cmd: DeleteWindow, _now: Timestamp) -> Result<(), DeleteWindowError> {
    if deps.stores.silences.delete_window(cmd.tenant_id, cmd.window_id).await? { Ok(()) } else { Err(DeleteWindowError::NotFound) }
}
