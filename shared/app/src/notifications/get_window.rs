use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::notify::MaintenanceWindow;
use vigil_domain::ports::StoreError;

/// Read one maintenance window.
#[derive(Clone, Debug)]
pub struct GetWindow {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Window.
    pub window_id: MaintenanceWindowId,
}

/// Why a window could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetWindowError {
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

/// Reads a window, with whether it is active at `now`.
#[tracing::instrument(name = "get_window", skip_all, fields(tenant = %cmd.actor.tenant_id, window = %cmd.window_id))]
pub async fn get_window(deps: &Deps, cmd: GetWindow, now: Timestamp) -> Result<(MaintenanceWindow, bool), GetWindowError> {
    cmd.actor.require(Action::Read)?;
    let windows = deps.stores.silences.windows(cmd.actor.tenant_id).await?;
    let window = windows.into_iter().find(|w| w.id == cmd.window_id).ok_or(GetWindowError::NotFound)?;
    let active = window.schedule.is_active(now);
    Ok((window, active))
}
