use super::announce::{announce, timeline_entry};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::TaskStatus;
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, IncidentSubject, Resolution, ResolvedBy, TimelineEvent};
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::notify::NotificationKind;
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Someone resolves an incident by hand.
#[derive(Clone, Debug)]
pub struct ResolveIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Incident.
    pub incident_id: IncidentId,
    /// Who.
    pub by: String,
    /// Why, if given.
    pub note: Option<String>,
}

/// Why an incident could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveIncidentError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such incident for this tenant.
    #[error("incident not found")]
    NotFound,
    /// Its monitor or task is still Down: no further status change would come to open a new
    /// incident, so resolving now would leave the rest of the outage unalerted.
    #[error("the {0} is still down")]
    StillDown(&'static str),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resolves an open or acknowledged incident and announces it; resolving a resolved incident
/// changes nothing. Refused while the subject is still Down (its incident resolves itself when
/// it recovers, or when it is paused or deleted): a Down subject sends no further change, so
/// nothing would open an incident for the rest of the outage. After a resolve, the subject's
/// next Down opens a new incident.
#[tracing::instrument(name = "resolve_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn resolve_incident(deps: &Deps, cmd: ResolveIncident, now: Timestamp) -> Result<AnyIncident, ResolveIncidentError> {
    cmd.actor.require(Action::RespondToIncidents)?;
    let by = ResolvedBy::Person { name: cmd.by.clone(), note: cmd.note.clone().filter(|n| !n.trim().is_empty()) };
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let incident = deps.stores.incidents.get(cmd.actor.tenant_id, cmd.incident_id).await?.ok_or(ResolveIncidentError::NotFound)?;
        let expected = incident.status();
        let Some(ongoing) = incident.clone().ongoing() else { return Ok(incident) };
        if still_down(deps, cmd.actor.tenant_id, incident.core().subject).await? {
            return Err(ResolveIncidentError::StillDown(incident.core().subject.kind()));
        }
        let resolved = AnyIncident::from(ongoing.resolve(Resolution { at: now, by: by.clone() }));
        let entry = timeline_entry(deps, cmd.incident_id, now, TimelineEvent::Resolved { by: by.clone() });
        match deps.stores.incidents.transition(&resolved, expected, &[entry]).await {
            Ok(()) => {
                deps.notify(cmd.actor.tenant_id, LiveNotice::Incident(cmd.incident_id));
                announce(deps, &resolved, NotificationKind::Resolved, now).await?;
                crate::status_pages::incident_resolved(deps, &resolved, now).await?;
                let after = serde_json::json!({"status": "resolved", "by": cmd.by, "note": cmd.note});
                crate::accounts::audit_trail::changed(
                    deps,
                    &cmd.actor,
                    "incident.resolve",
                    "incident",
                    cmd.incident_id,
                    None,
                    serde_json::Value::Null,
                    after,
                    now,
                )
                .await?;
                return Ok(resolved);
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ResolveIncidentError::NotFound),
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Whether the subject's last announced status is Down. A task that is only overdue by the
/// clock is not: the sweeper will announce its Down, which opens a new incident.
async fn still_down(deps: &Deps, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
    Ok(match subject {
        IncidentSubject::Monitor(id) => deps.stores.monitors.get(tenant, id).await?.is_some_and(|m| m.health.status == MonitorStatus::Down),
        IncidentSubject::Task(id) => {
            deps.stores.tasks.get(tenant, id).await?.is_some_and(|t| !t.state.paused && t.state.reported.status == TaskStatus::Down)
        }
        IncidentSubject::Host(id) => deps.stores.host_rules.watches(tenant).await?.iter().any(|w| {
            w.state.status == vigil_domain::agent::rule::RuleStatus::Firing
                && vigil_domain::ids::HostWatchId::of(w.rule_id, w.agent_id) == id
        }),
    })
}
