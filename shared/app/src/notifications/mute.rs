use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::Mute;
use vigil_domain::ports::StoreError;

/// Mute a monitor: its incidents still open, nobody is notified.
#[derive(Clone, Debug)]
pub struct MuteMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Until when; `None` until unmuted.
    pub until: Option<Timestamp>,
}

/// Unmute a monitor.
#[derive(Clone, Debug)]
pub struct UnmuteMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be muted or unmuted.
#[derive(Debug, thiserror::Error)]
pub enum MuteMonitorError {
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

/// Mutes a monitor, replacing an earlier mute.
#[tracing::instrument(name = "mute_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn mute_monitor(deps: &Deps, cmd: MuteMonitor, now: Timestamp) -> Result<Mute, MuteMonitorError> {
    cmd.actor.require(Action::EditAlerting)?;
    deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.ok_or(MuteMonitorError::NotFound)?;
    let mute =
        Mute { tenant_id: cmd.actor.tenant_id, subject: IncidentSubject::Monitor(cmd.monitor_id), until: cmd.until, created_at: now };
    deps.stores.silences.put_mute(&mute).await?;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.mute",
        "monitor",
        cmd.monitor_id,
        None,
        serde_json::Value::Null,
        serde_json::json!({"muted_until": mute.until}),
        now,
    )
    .await?;
    Ok(mute)
}

/// Unmutes a monitor; unmuting a monitor that is not muted is a no-op.
#[tracing::instrument(name = "unmute_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn unmute_monitor(deps: &Deps, cmd: UnmuteMonitor, now: Timestamp) -> Result<(), MuteMonitorError> {
    cmd.actor.require(Action::EditAlerting)?;
    deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await?.ok_or(MuteMonitorError::NotFound)?;
    deps.stores.silences.delete_mute(cmd.actor.tenant_id, IncidentSubject::Monitor(cmd.monitor_id)).await?;
    Ok(crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.unmute",
        "monitor",
        cmd.monitor_id,
        None,
        serde_json::Value::Null,
        serde_json::json!({"muted": false}),
        now,
    )
    .await?)
}
