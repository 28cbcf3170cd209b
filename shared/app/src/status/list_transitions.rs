use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::StatusTransition;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a monitor's status changes, newest first.
#[derive(Clone, Debug)]
pub struct ListTransitions {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Which page.
    pub page: PageRequest,
}

/// Why transitions could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListTransitionsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists status changes with their time and cause.
#[tracing::instrument(name = "list_transitions", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn list_transitions(deps: &Deps, cmd: ListTransitions, _now: Timestamp) -> Result<Page<StatusTransition>, ListTransitionsError> {
    cmd.actor.require(Action::Read)?;
    if deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.is_none() {
        return Err(ListTransitionsError::NotFound);
    }
    Ok(deps.stores.transitions.list(cmd.actor.tenant_id, cmd.monitor_id, &cmd.page).await?)
}
