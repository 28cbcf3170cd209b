use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::ports::StoreError;
use vigil_domain::uptime::CheckTally;

/// Read a monitor's history for its page: response-time windows and ninety days hour by hour.
#[derive(Clone, Debug)]
pub struct MonitorHistory {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// The windows over which a monitor page states response times.
pub const RESPONSE_WINDOWS: [SignedDuration; 4] = [
    SignedDuration::from_hours(1),
    SignedDuration::from_hours(24),
    SignedDuration::from_hours(24 * 7),
    SignedDuration::from_hours(24 * 30),
];

/// How far back the daily bar goes.
pub const HISTORY_DAYS: i64 = 90;

/// A monitor's history.
#[derive(Clone, Debug, Default)]
pub struct MonitorHistoryView {
    /// The tally of each of [`RESPONSE_WINDOWS`] ending now, in that order.
    pub windows: Vec<CheckTally>,
    /// Each hour of the last [`HISTORY_DAYS`] days that has checks, oldest first (the page
    /// groups them into days in the reader's time zone).
    pub hours: Vec<(Timestamp, CheckTally)>,
}

/// Why a monitor's history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MonitorHistoryError {
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

/// Reads the tallies of a monitor's response windows and its hours over ninety days.
#[tracing::instrument(name = "monitor_history", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn monitor_history(deps: &Deps, cmd: MonitorHistory, now: Timestamp) -> Result<MonitorHistoryView, MonitorHistoryError> {
    cmd.actor.require(Action::Read)?;
    let (tenant, monitor) = (cmd.actor.tenant_id, cmd.monitor_id);
    deps.stores.monitors.get(tenant, monitor).await?.ok_or(MonitorHistoryError::NotFound)?;
    let mut windows = Vec::with_capacity(RESPONSE_WINDOWS.len());
    for window in RESPONSE_WINDOWS {
        windows.push(deps.stores.checks.tally(tenant, monitor, now - window, now).await?);
    }
    let from = now - SignedDuration::from_hours(24 * HISTORY_DAYS);
    let hours = deps.stores.checks.hourly(tenant, monitor, from, now + SignedDuration::from_millis(1)).await?;
    Ok(MonitorHistoryView { windows, hours })
}
