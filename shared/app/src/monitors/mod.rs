//! Managing monitors.

mod create;
mod delete;
mod get;
mod list;
mod pause;
mod resume;
pub(crate) mod target_policy;
#[cfg(test)]
mod tests;
mod try_draft;
mod update;

pub use create::{CreateMonitor, CreateMonitorError, create_monitor};
pub use delete::{DeleteMonitor, DeleteMonitorError, delete_monitor};
pub use get::{GetMonitor, GetMonitorError, MonitorView, get_monitor};
pub use list::{ListMonitors, ListMonitorsError, list_monitors};
pub use pause::{PauseMonitor, PauseMonitorError, pause_monitor};
pub use resume::{ResumeMonitor, ResumeMonitorError, resume_monitor};
pub use try_draft::{MonitorTrial, TryMonitor, TryMonitorError, try_monitor};
pub use update::{UpdateMonitor, UpdateMonitorError, update_monitor};

use crate::Deps;
use jiff::Timestamp;
use vigil_domain::check::CheckResult;
use vigil_domain::events::{DomainEvent, MonitorStatusChanged};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HealthChange, MonitorRecord, StatusTransition, TransitionCause};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// The event announcing `transition` of the monitor in `record`, caused by `check` if a check
/// caused it.
pub(crate) fn status_event(record: &MonitorRecord, transition: &StatusTransition, check: Option<&CheckResult>) -> DomainEvent {
    DomainEvent::MonitorStatusChanged(MonitorStatusChanged {
        tenant_id: transition.tenant_id,
        monitor_id: transition.monitor_id,
        monitor_name: record.monitor.spec.name.clone(),
        url: record.monitor.spec.url.to_string(),
        from: transition.from,
        to: transition.to,
        at: transition.at,
        cause: transition.cause.clone(),
        tags: record.monitor.spec.tags.clone(),
        checked_at: check.map(|c| c.started_at),
        status_code: check.and_then(|c| c.status_code),
    })
}

/// Applies a manual health change (pause, resume) with optimistic concurrency, storing the
/// transition and publishing its event. Returns the record as stored, or `None` if the monitor
/// does not exist.
pub(crate) async fn change_health_manually(
    deps: &Deps,
    tenant: TenantId,
    id: MonitorId,
    now: Timestamp,
    cause: TransitionCause,
    change: impl Fn(&MonitorRecord) -> (HealthChange, Option<Timestamp>),
) -> Result<Option<MonitorRecord>, StoreError> {
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let Some(mut record) = deps.stores.monitors.get(tenant, id).await? else { return Ok(None) };
        let (health_change, next_due_at) = change(&record);
        if !health_change.is_change(&record.health) {
            return Ok(Some(record));
        }
        let transition = health_change.transitioned_from.map(|from| StatusTransition {
            tenant_id: tenant,
            monitor_id: id,
            from,
            to: health_change.next.status,
            at: now,
            cause: cause.clone(),
        });
        match deps
            .stores
            .monitors
            .change_health(tenant, id, record.health.version, &health_change.next, next_due_at, transition.as_ref())
            .await
        {
            Ok(()) => {
                deps.notify(tenant, LiveNotice::Monitor(id));
                record.health = health_change.next;
                record.next_due_at = next_due_at;
                if let Some(transition) = &transition {
                    // The change is stored; a lost event is logged rather than undoing it.
                    if let Err(error) = deps.events.publish(&[status_event(&record, transition, None)]).await {
                        tracing::error!(%error, "publishing a status change failed");
                    }
                }
                return Ok(Some(record));
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    Err(StoreError::Conflict)
}
