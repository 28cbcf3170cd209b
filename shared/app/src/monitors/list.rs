use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::monitor::MonitorRecord;
use vigil_domain::page::Page;
use vigil_domain::ports::{MonitorQuery, StoreError};

/// List a tenant's monitors.
#[derive(Clone, Debug)]
pub struct ListMonitors {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Filters and page.
    pub query: MonitorQuery,
}

/// Why monitors could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListMonitorsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists monitors, oldest first.
#[tracing::instrument(name = "list_monitors", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_monitors(deps: &Deps, cmd: ListMonitors, _now: Timestamp) -> Result<Page<MonitorRecord>, ListMonitorsError> {
    cmd.actor.require(Action::Read)?;
    Ok(deps.stores.monitors.list(cmd.actor.tenant_id, &cmd.query).await?)
}
