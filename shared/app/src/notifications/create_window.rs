use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{MaintenanceWindowId, TenantId};
use vigil_domain::notify::{InvalidInput, MaintenanceDraft, MaintenanceWindow};
use vigil_domain::ports::StoreError;

/// Create a maintenance window.
#[derive(Clone, Debug)]
pub struct CreateWindow {
    /// Owner.
    pub tenant_id: TenantId,
    /// What the client sent.
    pub draft: MaintenanceDraft,
}

/// Why a window could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateWindowError {
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a window. Incidents opening while it is active notify nobody.
#[tracing::instrument(name = "create_window", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn create_window(deps: &Deps, cmd: CreateWindow, now: Timestamp) -> Result<MaintenanceWindow, CreateWindowError> {
    let managed = cmd.draft.managed.clone();
    let (name, select, schedule) = cmd.draft.validate()?;
    let window = MaintenanceWindow {
        id: MaintenanceWindowId::from_uuid(deps.random.new_id(now)),
        tenant_id: cmd.tenant_id,
        name,
        select,
        schedule,
        created_at: now,
        managed,
    };
    deps.stores.silences.put_window(&window).await?;
    Ok(window)
}
