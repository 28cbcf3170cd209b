use crate::Deps;
use jiff::Timestamp;
use serde::Serialize;
use vigil_domain::access::{Action, Actor};
use vigil_domain::check::CheckResult;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::MonitorRecord;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::StoreError;

/// Read one monitor.
#[derive(Clone, Debug)]
pub struct GetMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// A monitor with its latest check.
#[derive(Clone, Debug, Serialize)]
pub struct MonitorView {
    /// The stored monitor.
    pub record: MonitorRecord,
    /// Its most recent check, if any.
    pub last_check: Option<CheckResult>,
}

/// Why a monitor could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetMonitorError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a monitor, its status and its latest check.
#[tracing::instrument(name = "get_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn get_monitor(deps: &Deps, cmd: GetMonitor, _now: Timestamp) -> Result<MonitorView, GetMonitorError> {
    cmd.actor.require(Action::Read)?;
    let record = deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.ok_or(GetMonitorError::NotFound)?;
    let latest = PageRequest { cursor: None, limit: 1 };
    let last_check = deps.stores.checks.list(cmd.actor.tenant_id, cmd.monitor_id, &latest).await?.items.into_iter().next();
    Ok(MonitorView { record, last_check })
}
