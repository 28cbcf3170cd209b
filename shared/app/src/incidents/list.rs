use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::incident::AnyIncident;
use vigil_domain::page::Page;
use vigil_domain::ports::{IncidentQuery, StoreError};

/// List a tenant's incidents.
#[derive(Clone, Debug)]
pub struct ListIncidents {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Filters and page.
    pub query: IncidentQuery,
}

/// Why incidents could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListIncidentsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists incidents, newest first.
#[tracing::instrument(name = "list_incidents", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_incidents(deps: &Deps, cmd: ListIncidents, _now: Timestamp) -> Result<Page<AnyIncident>, ListIncidentsError> {
    cmd.actor.require(Action::Read)?;
    Ok(deps.stores.incidents.list(cmd.actor.tenant_id, &cmd.query).await?)
}
