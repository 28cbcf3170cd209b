use super::{HandleEvent, HandleEventError, HandledEvent, handle_event};
use crate::Deps;
use crate::monitors::status_event;
use jiff::Timestamp;
use vigil_domain::events::{DomainEvent, TaskStatusChanged};
use vigil_domain::heartbeat::TaskStatus;
use vigil_domain::incident::IncidentSubject;
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::MonitorQuery;

/// Opens the incidents that a crash between storing a status change and handling its event
/// would otherwise never open: every monitor or task that is Down without an ongoing incident
/// has its going-down handled again. Incident ids come from the subject and the time it went
/// down, so an outage that was handled is recognised and nothing opens twice. Self-hosted,
/// where events travel in memory, this runs at start; returns how many incidents it opened.
#[tracing::instrument(name = "reconcile_outages", skip_all)]
pub async fn reconcile_outages(deps: &Deps, now: Timestamp) -> Result<usize, HandleEventError> {
    let mut opened = 0;
    for tenant in deps.stores.organisations.tenants().await? {
        let mut page = PageRequest::first();
        loop {
            let query = MonitorQuery { tag: None, status: Some(MonitorStatus::Down), page: page.clone() };
            let monitors = deps.stores.monitors.list(tenant.id, &query).await?;
            for record in &monitors.items {
                let id = record.monitor.id;
                if deps.stores.incidents.ongoing(tenant.id, IncidentSubject::Monitor(id)).await?.is_some() {
                    continue;
                }
                let latest = deps.stores.transitions.list(tenant.id, id, &PageRequest { cursor: None, limit: 1 }).await?;
                if let Some(transition) = latest.items.into_iter().next().filter(|t| t.to == MonitorStatus::Down) {
                    let event = status_event(record, &transition, None);
                    opened += usize::from(matches!(handle_event(deps, HandleEvent { event }, now).await?, HandledEvent::Opened { .. }));
                }
            }
            match monitors.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
        let mut page = PageRequest::first();
        loop {
            let tasks = deps.stores.tasks.list(tenant.id, &page).await?;
            for record in tasks.items.iter().filter(|r| r.state.reported.status == TaskStatus::Down) {
                let id = record.task.id;
                if deps.stores.incidents.ongoing(tenant.id, IncidentSubject::Task(id)).await?.is_some() {
                    continue;
                }
                let reported = &record.state.reported;
                let event = DomainEvent::TaskStatusChanged(TaskStatusChanged {
                    tenant_id: tenant.id,
                    task_id: id,
                    task_name: record.task.spec.name.clone(),
                    // What it was before is not kept; the outage is what matters.
                    from: TaskStatus::Up,
                    to: TaskStatus::Down,
                    at: reported.since,
                    reason: reported.reason.clone(),
                });
                opened += usize::from(matches!(handle_event(deps, HandleEvent { event }, now).await?, HandledEvent::Opened { .. }));
            }
            match tasks.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => break,
            }
        }
    }
    if opened > 0 {
        tracing::warn!(opened, "opened incidents for outages whose status change had not been handled (the server stopped in between)");
    }
    Ok(opened)
}
