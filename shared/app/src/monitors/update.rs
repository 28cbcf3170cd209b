use super::target_policy::vet_target;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{HttpMonitor, HttpMonitorSpec, MonitorDraft, MonitorRecord, MonitorStatus, SpecErrors, secret_headers};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Change some fields of a monitor.
#[derive(Clone, Debug)]
pub struct UpdateMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Fields to replace; absent fields keep their value.
    pub patch: MonitorDraft,
    /// Remove the request body (`"body": null`).
    pub clear_body: bool,
    /// Only apply if the monitor is still at this revision (an `If-Match` from the client).
    pub expected_revision: Option<u64>,
}

/// Why a monitor could not be updated.
#[derive(Debug, thiserror::Error)]
pub enum UpdateMonitorError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such monitor for this tenant.
    #[error("monitor not found")]
    NotFound,
    /// The result broke validation rules.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// The client's expected revision is stale.
    #[error("the monitor is at revision {current}, not {expected}")]
    RevisionMismatch {
        /// What the client expected.
        expected: u64,
        /// What is stored.
        current: u64,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies a partial update. A changed interval moves the next check to the new phase; a
/// paused monitor stays paused.
#[tracing::instrument(name = "update_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id))]
pub async fn update_monitor(deps: &Deps, cmd: UpdateMonitor, now: Timestamp) -> Result<MonitorRecord, UpdateMonitorError> {
    cmd.actor.require(Action::EditMonitors)?;
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let Some(record) = deps.stores.monitors.get(cmd.actor.tenant_id, cmd.monitor_id).await? else {
            return Err(UpdateMonitorError::NotFound);
        };
        let current = record.monitor.revision;
        if let Some(expected) = cmd.expected_revision.filter(|expected| *expected != current) {
            return Err(UpdateMonitorError::RevisionMismatch { expected, current });
        }
        let mut draft = record.monitor.spec.to_draft().overlaid_with(cmd.patch.clone(), cmd.clear_body);
        // Reads show credentials masked; a client that sends a read back must not store the masks.
        draft.headers = draft.headers.map(|sent| secret_headers::unmasked(sent, &record.monitor.spec.headers));
        let spec = HttpMonitorSpec::from_draft(&draft)?;
        vet_target(deps.settings.network_policy, &spec.url).map_err(|e| SpecErrors(vec![e]))?;
        let next_due_at = match record.next_due_at {
            _ if record.health.status == MonitorStatus::Paused => None,
            Some(due) if spec.interval == record.monitor.spec.interval => Some(due),
            _ => Some(spec.interval.slot_at_or_after(cmd.monitor_id, now)),
        };
        let monitor = HttpMonitor { spec, revision: current + 1, updated_at: now, ..record.monitor.clone() };
        match deps.stores.monitors.update_spec(&monitor, current, next_due_at).await {
            Ok(()) => {
                deps.notify(cmd.actor.tenant_id, LiveNotice::Monitor(cmd.monitor_id));
                let (before, after) = (
                    crate::accounts::audit_trail::snapshot(&record.monitor.spec.to_draft()),
                    crate::accounts::audit_trail::snapshot(&monitor.spec.to_draft()),
                );
                let name = monitor.spec.name.clone();
                crate::accounts::audit_trail::changed(
                    deps,
                    &cmd.actor,
                    "monitor.update",
                    "monitor",
                    cmd.monitor_id,
                    Some(&name),
                    before,
                    after,
                    now,
                )
                .await?;
                return Ok(MonitorRecord { monitor, next_due_at, ..record });
            }
            Err(StoreError::Conflict) if cmd.expected_revision.is_none() => continue,
            Err(StoreError::Conflict) => {
                return Err(UpdateMonitorError::RevisionMismatch { expected: current, current: current + 1 });
            }
            Err(StoreError::NotFound) => return Err(UpdateMonitorError::NotFound),
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Conflict.into())
}
