use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::notify::MaintenanceWindow;
use vigil_domain::ports::StoreError;

/// List a tenant's maintenance windows.
#[derive(Clone, Debug)]
pub struct ListWindows {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// Why windows could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListWindowsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists every window with whether it is active at `now`, oldest first.
#[tracing::instrument(name = "list_windows", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_windows(deps: &Deps, cmd: ListWindows, now: Timestamp) -> Result<Vec<(MaintenanceWindow, bool)>, ListWindowsError> {
    cmd.actor.require(Action::Read)?;
    Ok(deps
        .stores
        .silences
        .windows(cmd.actor.tenant_id)
        .await?
        .into_iter()
        .map(|w| {
            let active = w.schedule.is_active(now);
            (w, active)
        })
        .collect())
}
