use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::notify::{InvalidInput, MaintenanceDraft, MaintenanceWindow};
use vigil_domain::ports::StoreError;

/// Replace a maintenance window, keeping its id.
#[derive(Clone, Debug)]
pub struct ReplaceWindow {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The window replaced.
    pub window_id: MaintenanceWindowId,
    /// What the client sent: the whole window.
    pub draft: MaintenanceDraft,
}

/// Why a window could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceWindowError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
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
#[tracing::instrument(name = "replace_window", skip_all, fields(tenant = %cmd.actor.tenant_id, window = %cmd.window_id))]
pub async fn replace_window(deps: &Deps, cmd: ReplaceWindow, now: Timestamp) -> Result<MaintenanceWindow, ReplaceWindowError> {
    cmd.actor.require(Action::EditAlerting)?;
    let windows = deps.stores.silences.windows(cmd.actor.tenant_id).await?;
    let current = windows.into_iter().find(|w| w.id == cmd.window_id).ok_or(ReplaceWindowError::NotFound)?;
    let managed = cmd.draft.managed.clone();
    let (name, select, schedule) = cmd.draft.validate()?;
    let before = crate::accounts::audit_trail::snapshot(&current);
    let window = MaintenanceWindow { name, select, schedule, managed, ..current };
    deps.stores.silences.put_window(&window).await?;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "window.update",
        "maintenance_window",
        window.id,
        Some(&window.name),
        before,
        crate::accounts::audit_trail::snapshot(&window),
        now,
    )
    .await?;
    Ok(window)
}
