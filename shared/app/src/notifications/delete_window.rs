use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::ports::StoreError;

/// Delete a maintenance window.
#[derive(Clone, Debug)]
pub struct DeleteWindow {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Window.
    pub window_id: MaintenanceWindowId,
}

/// Why a window could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteWindowError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such window for this tenant.
    #[error("maintenance window not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a window.
#[tracing::instrument(name = "delete_window", skip_all, fields(tenant = %cmd.actor.tenant_id, window = %cmd.window_id))]
pub async fn delete_window(deps: &Deps, cmd: DeleteWindow, now: Timestamp) -> Result<(), DeleteWindowError> {
    cmd.actor.require(Action::EditAlerting)?;
    if !deps.stores.silences.delete_window(cmd.actor.tenant_id, cmd.window_id).await? {
        return Err(DeleteWindowError::NotFound);
    }
    Ok(crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "window.delete",
        "maintenance_window",
        cmd.window_id,
        None,
        serde_json::Value::Null,
        serde_json::Value::Null,
        now,
    )
    .await?)
}
