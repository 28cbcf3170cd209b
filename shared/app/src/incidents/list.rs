use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::incident::AnyIncident;
use vigil_domain::page::Page;
use vigil_domain::ports::{IncidentQuery, StoreError};

/// List a tenant's incidents.
#[derive(Clone, Debug)]
pub struct ListIncidents {
    /// Owner.
    pub tenant_id: TenantId,
    /// Filters and page.
    pub query: IncidentQuery,
}

/// Why incidents could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListIncidentsError {
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists incidents, newest first.
#[tracing::instrument(name = "list_incidents", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_incidents(deps: &Deps, cmd: ListIncidents, _now: Timestamp) -> Result<Page<AnyIncident>, ListIncidentsError> {
    Ok(deps.stores.incidents.list(cmd.tenant_id, &cmd.query).await?)
}
