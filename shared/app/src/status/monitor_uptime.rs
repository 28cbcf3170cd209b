use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::ports::StoreError;
use vigil_domain::uptime::{UptimeSummary, UptimeWindow};

/// Uptime and latency of a monitor over 24 h, 7 d and 30 d.
#[derive(Clone, Debug)]
pub struct MonitorUptime {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why the summary could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum MonitorUptimeError {
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

/// One summary per window, shortest first, each ending at `now`.
#[tracing::instrument(name = "monitor_uptime", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn monitor_uptime(deps: &Deps, cmd: MonitorUptime, now: Timestamp) -> Result<Vec<UptimeSummary>, MonitorUptimeError> {
    cmd.actor.require(Action::Read)?;
    if deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.is_none() {
        return Err(MonitorUptimeError::NotFound);
    }
    let mut summaries = Vec::with_capacity(UptimeWindow::ALL.len());
    for window in UptimeWindow::ALL {
        let tally = deps.stores.checks.tally(cmd.actor.tenant_id, cmd.monitor_id, window.start(now), now).await?;
        summaries.push(UptimeSummary::from_tally(window, now, &tally));
    }
    Ok(summaries)
}
