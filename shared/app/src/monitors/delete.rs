use crate::Deps;
use crate::incidents::{HandleEventError, resolve_ongoing};
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::incident::{IncidentSubject, ResolvedBy};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Delete a monitor and its history.
#[derive(Clone, Debug)]
pub struct DeleteMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
}

/// Why a monitor could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteMonitorError {
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

/// Deletes a monitor, its check history, transitions and artefacts, and resolves its ongoing
/// incident (which no check would ever resolve otherwise; its reminders would go on forever).
#[tracing::instrument(name = "delete_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn delete_monitor(deps: &Deps, cmd: DeleteMonitor, now: Timestamp) -> Result<(), DeleteMonitorError> {
    cmd.actor.require(Action::EditMonitors)?;
    let Some(before) = deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await? else {
        return Err(DeleteMonitorError::NotFound);
    };
    if !deps.stores.monitors.delete(cmd.actor.tenant_id, cmd.monitor_id).await? {
        return Err(DeleteMonitorError::NotFound);
    }
    deps.notify(cmd.actor.tenant_id, LiveNotice::Monitor(cmd.monitor_id));
    let spec = &before.monitor.spec;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.delete",
        "monitor",
        cmd.monitor_id,
        Some(&spec.name),
        crate::accounts::audit_trail::snapshot(&spec.to_draft()),
        serde_json::Value::Null,
        now,
    )
    .await?;
    deps.stores.artefacts.delete_monitor(cmd.actor.tenant_id, cmd.monitor_id).await?;
    let subject = IncidentSubject::Monitor(cmd.monitor_id);
    resolve_ongoing(deps, cmd.actor.tenant_id, subject, now, ResolvedBy::SubjectDeleted, now)
        .await
        .map_err(|HandleEventError::Store(e)| e)?;
    Ok(())
}
