use super::announce::{announce, timeline_entry};
use crate::Deps;
use jiff::Timestamp;
use std::collections::BTreeSet;
use vigil_domain::events::{DomainEvent, HostAlertChange};
use vigil_domain::heartbeat::TaskStatus;
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentCause, IncidentCore, IncidentSubject, Resolution, ResolvedBy, TimelineEvent};
use vigil_domain::monitor::{MonitorStatus, TransitionCause};
use vigil_domain::notify::{NotificationKind, silence_reason};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{IncidentQuery, OpenOutcome, StoreError};

/// React to a status change (at least once: redeliveries are harmless).
#[derive(Clone, Debug)]
pub struct HandleEvent {
    /// The event.
    pub event: DomainEvent,
}

/// What the event did to incidents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandledEvent {
    /// An incident opened; `deliveries` messages were enqueued.
    Opened {
        /// The incident.
        incident: IncidentId,
        /// New deliveries.
        deliveries: usize,
    },
    /// An incident was resolved; `deliveries` messages were enqueued.
    Resolved {
        /// The incident.
        incident: IncidentId,
        /// New deliveries.
        deliveries: usize,
    },
    /// The subject already had an ongoing incident.
    AlreadyOngoing(IncidentId),
    /// Nothing to do (a status that neither opens nor resolves, a redelivery, a stale event).
    Nothing,
}

/// Why an event could not be handled; the event should be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum HandleEventError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens an incident when a monitor or task enters Down (or a host rule starts firing) and
/// resolves its ongoing incident when it enters Up or is paused (or the rule clears or is
/// withdrawn), then announces it. The store keeps one ongoing incident per
/// subject; the incident id comes from the subject and the time it went down, so a redelivered
/// event opens nothing new and only re-enqueues (idempotently) what may have been lost.
#[tracing::instrument(name = "handle_event", skip_all, fields(tenant = %cmd.event.tenant_id(), event = %cmd.event.idempotency_key()))]
pub async fn handle_event(deps: &Deps, cmd: HandleEvent, now: Timestamp) -> Result<HandledEvent, HandleEventError> {
    let handled = handle(deps, &cmd, now).await?;
    // The status pages the subject feeds show its new state at once (and again on redelivery).
    let subject = match &cmd.event {
        DomainEvent::MonitorStatusChanged(e) => IncidentSubject::Monitor(e.monitor_id),
        DomainEvent::TaskStatusChanged(e) => IncidentSubject::Task(e.task_id),
        DomainEvent::HostAlertChanged(e) => IncidentSubject::Host(e.watch_id),
    };
    crate::status_pages::subject_changed(deps, cmd.event.tenant_id(), subject, now).await?;
    Ok(handled)
}

async fn handle(deps: &Deps, cmd: &HandleEvent, now: Timestamp) -> Result<HandledEvent, HandleEventError> {
    match &cmd.event {
        DomainEvent::MonitorStatusChanged(e) => {
            let subject = IncidentSubject::Monitor(e.monitor_id);
            match e.to {
                MonitorStatus::Down => {
                    // The event carries the tags and the check's facts: no read of the monitor or
                    // the check (two DynamoDB reads per Down event on AWS).
                    let cause = match &e.cause {
                        TransitionCause::Check { check_id, outcome } => {
                            IncidentCause::of_check(*check_id, e.checked_at, outcome, e.status_code)
                        }
                        _ => IncidentCause::described("the monitor went down"),
                    };
                    let facts = Facts {
                        tenant: e.tenant_id,
                        subject,
                        name: e.monitor_name.clone(),
                        url: Some(e.url.clone()),
                        tags: e.tags.clone(),
                        cause,
                    };
                    open(deps, facts, e.at, now).await
                }
                MonitorStatus::Up => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::Recovery, now).await,
                MonitorStatus::Paused => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::SubjectPaused, now).await,
                _ => Ok(HandledEvent::Nothing),
            }
        }
        DomainEvent::TaskStatusChanged(e) => {
            let subject = IncidentSubject::Task(e.task_id);
            match e.to {
                TaskStatus::Down => {
                    let facts = Facts {
                        tenant: e.tenant_id,
                        subject,
                        name: e.task_name.clone(),
                        url: None,
                        tags: BTreeSet::new(),
                        cause: IncidentCause::described(e.reason.clone()),
                    };
                    open(deps, facts, e.at, now).await
                }
                TaskStatus::Up => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::Recovery, now).await,
                TaskStatus::Paused => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::SubjectPaused, now).await,
                _ => Ok(HandledEvent::Nothing),
            }
        }
        DomainEvent::HostAlertChanged(e) => {
            let subject = IncidentSubject::Host(e.watch_id);
            match e.change {
                HostAlertChange::Firing => {
                    let facts = Facts {
                        tenant: e.tenant_id,
                        subject,
                        name: e.subject_name.clone(),
                        url: None,
                        tags: e.tags.clone(),
                        cause: IncidentCause::described(e.reason.clone()),
                    };
                    open(deps, facts, e.at, now).await
                }
                HostAlertChange::Clear => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::Recovery, now).await,
                HostAlertChange::Withdrawn => resolve_ongoing(deps, e.tenant_id, subject, e.at, ResolvedBy::SubjectDeleted, now).await,
            }
        }
    }
}

struct Facts {
    tenant: TenantId,
    subject: IncidentSubject,
    name: String,
    url: Option<String>,
    tags: BTreeSet<String>,
    cause: IncidentCause,
}

async fn open(deps: &Deps, facts: Facts, at: Timestamp, now: Timestamp) -> Result<HandledEvent, HandleEventError> {
    let windows = deps.stores.silences.windows(facts.tenant).await?;
    let mutes = deps.stores.silences.mutes(facts.tenant).await?;
    let silenced = silence_reason(&facts.subject, &facts.tags, &windows, &mutes, at);
    let id = IncidentId::for_opening(facts.subject.uuid(), at.as_millisecond());
    let incident = Incident::open(IncidentCore {
        id,
        tenant_id: facts.tenant,
        subject: facts.subject,
        subject_name: facts.name,
        subject_url: facts.url,
        tags: facts.tags,
        cause: facts.cause.clone(),
        opened_at: at,
        silenced: silenced.clone(),
    });
    let mut entries = vec![timeline_entry(deps, id, at, TimelineEvent::Opened { cause: facts.cause })];
    if let Some(reason) = silenced {
        entries.push(timeline_entry(deps, id, at, TimelineEvent::Silenced { reason }));
    }
    match deps.stores.incidents.open(&incident, &entries).await? {
        OpenOutcome::Opened => {
            deps.notify(facts.tenant, LiveNotice::Incident(id));
            let incident = AnyIncident::from(incident);
            let deliveries = announce(deps, &incident, NotificationKind::Opened, now).await?;
            crate::status_pages::incident_opened(deps, &incident, now).await?;
            Ok(HandledEvent::Opened { incident: id, deliveries })
        }
        OpenOutcome::AlreadyOngoing(ongoing) => Ok(HandledEvent::AlreadyOngoing(ongoing.core().id)),
        OpenOutcome::Duplicate => {
            // A redelivery: finish what the first delivery may not have (every step is idempotent).
            match deps.stores.incidents.get(facts.tenant, id).await? {
                Some(stored) if stored.status().is_ongoing() => {
                    announce(deps, &stored, NotificationKind::Opened, now).await?;
                    crate::status_pages::incident_opened(deps, &stored, now).await?;
                }
                _ => {}
            }
            Ok(HandledEvent::Nothing)
        }
    }
}

/// Resolves the subject's ongoing incident, if any, as of `at`, and announces it. Idempotent.
pub(crate) async fn resolve_ongoing(
    deps: &Deps,
    tenant: TenantId,
    subject: IncidentSubject,
    at: Timestamp,
    by: ResolvedBy,
    now: Timestamp,
) -> Result<HandledEvent, HandleEventError> {
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let Some(ongoing) = deps.stores.incidents.ongoing(tenant, subject).await? else {
            return redelivered_resolution(deps, tenant, subject, at, now).await;
        };
        if ongoing.core().opened_at > at {
            // A late event from before this incident opened.
            return Ok(HandledEvent::Nothing);
        }
        let expected = ongoing.status();
        let core = ongoing.core().clone();
        let resolved = ongoing.resolve(Resolution { at, by: by.clone() });
        let mut entries = Vec::new();
        if let IncidentSubject::Monitor(monitor) = subject {
            // From the failing check that opened it (which started before the status changed).
            let from = core.cause.checked_at.unwrap_or(core.opened_at);
            let tally = deps.stores.checks.tally(tenant, monitor, from, at).await?;
            let checks = tally.up + tally.down;
            // A deleted monitor's history is gone: no summary rather than a false "0 of 0".
            if checks > 0 {
                entries.push(timeline_entry(deps, core.id, at, TimelineEvent::CheckFailures { failed: tally.down, checks }));
            }
        }
        entries.push(timeline_entry(deps, core.id, at, TimelineEvent::Resolved { by: by.clone() }));
        let resolved = AnyIncident::from(resolved);
        match deps.stores.incidents.transition(&resolved, expected, &entries).await {
            Ok(()) => {
                deps.notify(tenant, LiveNotice::Incident(core.id));
                let deliveries = announce(deps, &resolved, NotificationKind::Resolved, now).await?;
                crate::status_pages::incident_resolved(deps, &resolved, now).await?;
                return Ok(HandledEvent::Resolved { incident: core.id, deliveries });
            }
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// No ongoing incident: if the latest one was resolved by this very event, re-announce its
/// resolution (idempotently) in case the first delivery of the event stopped before that.
async fn redelivered_resolution(
    deps: &Deps,
    tenant: TenantId,
    subject: IncidentSubject,
    at: Timestamp,
    now: Timestamp,
) -> Result<HandledEvent, HandleEventError> {
    let query = IncidentQuery {
        status: None,
        subject: Some(subject),
        opened_from: None,
        opened_before: None,
        page: PageRequest { cursor: None, limit: 1 },
    };
    if let Some(latest) = deps.stores.incidents.list(tenant, &query).await?.items.into_iter().next()
        && latest.resolution().is_some_and(|r| r.at == at)
    {
        announce(deps, &latest, NotificationKind::Resolved, now).await?;
        crate::status_pages::incident_resolved(deps, &latest, now).await?;
    }
    Ok(HandledEvent::Nothing)
}
