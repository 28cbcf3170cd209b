use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::notify::{InvalidInput, MaintenanceDraft, MaintenanceWindow};
use vigil_domain::ports::StoreError;

/// Create a maintenance window.
#[derive(Clone, Debug)]
pub struct CreateWindow {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the client sent.
    pub draft: MaintenanceDraft,
}

/// Why a window could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateWindowError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a window. Incidents opening while it is active notify nobody.
#[tracing::instrument(name = "create_window", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_window(deps: &Deps, cmd: CreateWindow, now: Timestamp) -> Result<MaintenanceWindow, CreateWindowError> {
    cmd.actor.require(Action::EditAlerting)?;
    let managed = cmd.draft.managed.clone();
    let (name, select, schedule) = cmd.draft.validate()?;
    let window = MaintenanceWindow {
        id: MaintenanceWindowId::from_uuid(deps.random.new_id(now)),
        tenant_id: cmd.actor.tenant_id,
        name,
        select,
        schedule,
        created_at: now,
        managed,
    };
    deps.stores.silences.put_window(&window).await?;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "window.create",
        "maintenance_window",
        window.id,
        Some(&window.name),
        serde_json::Value::Null,
        crate::accounts::audit_trail::snapshot(&window),
        now,
    )
    .await?;
    Ok(window)
}
