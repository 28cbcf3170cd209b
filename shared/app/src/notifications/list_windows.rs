use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::notify::MaintenanceWindow;
use vigil_domain::ports::StoreError;

/// List a tenant's maintenance windows.
#[derive(Clone, Copy, Debug)]
pub struct ListWindows {
    /// Owner.
    pub tenant_id: TenantId,
}

/// Why windows could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListWindowsError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists every window with whether it is active at `now`, oldest first.
#[tracing::instrument(name = "list_windows", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_windows(deps: &Deps, cmd: ListWindows, now: Timestamp) -> Result<Vec<(MaintenanceWindow, bool)>, ListWindowsError> {
    Ok(deps
        .stores
        .silences
        .windows(cmd.tenant_id)
        .await?
        .into_iter()
        .map(|w| {
            let active = w.schedule.is_active(now);
            (w, active)
        })
        .collect())
}
