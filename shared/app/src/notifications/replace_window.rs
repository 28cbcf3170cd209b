use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MaintenanceWindowId, TenantId};
use vigil_domain::notify::{InvalidInput, MaintenanceDraft, MaintenanceWindow};
use vigil_domain::ports::StoreError;

/// Replace a maintenance window, keeping its id.
#[derive(Clone, Debug)]
pub struct ReplaceWindow {
    /// Owner.
    pub tenant_id: TenantId,
    /// The window replaced.
    pub window_id: MaintenanceWindowId,
    /// What the client sent: the whole window.
    pub draft: MaintenanceDraft,
}

/// Why a window could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceWindowError {
    /// No such window for this tenant.
    #[error("maintenance window not found")]
    NotFound,
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates the draft and stores it in place of the window, keeping its creation time. An
/// incident opening afterwards is judged by the new schedule; one already silenced stays so.
#[tracing::instrument(name = "replace_window", skip_all, fields(tenant = %cmd.tenant_id, window = %cmd.window_id))]
pub async fn replace_window(deps: &Deps, cmd: ReplaceWindow, _now: Timestamp) -> Result<MaintenanceWindow, ReplaceWindowError> {
    let windows = deps.stores.silences.windows(cmd.tenant_id).await?;
    let current = windows.into_iter().find(|w| w.id == cmd.window_id).ok_or(ReplaceWindowError::NotFound)?;
    let managed = cmd.draft.managed.clone();
    let (name, select, schedule) = cmd.draft.validate()?;
    let window = MaintenanceWindow { name, select, schedule, managed, ..current };
    deps.stores.silences.put_window(&window).await?;
    Ok(window)
}
