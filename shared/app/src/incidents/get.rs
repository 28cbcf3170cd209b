use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::IncidentId;
use vigil_domain::incident::{AnyIncident, TimelineEntry};
use vigil_domain::notify::{Delivery, DeliveryAttempt};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::StoreError;

/// Read one incident with its timeline and delivery log.
#[derive(Clone, Debug)]
pub struct GetIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Incident.
    pub incident_id: IncidentId,
}

/// An incident, its timeline (oldest first) and every delivery with its attempts.
#[derive(Clone, Debug)]
pub struct IncidentDetail {
    /// The incident.
    pub incident: AnyIncident,
    /// What happened, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Messages sent or being sent, with each attempt.
    pub deliveries: Vec<(Delivery, Vec<DeliveryAttempt>)>,
}

/// Why an incident could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetIncidentError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such incident for this tenant.
    #[error("incident not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads an incident with its whole timeline and delivery log.
#[tracing::instrument(name = "get_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn get_incident(deps: &Deps, cmd: GetIncident, _now: Timestamp) -> Result<IncidentDetail, GetIncidentError> {
    cmd.actor.require(Action::Read)?;
    let incident = deps.stores.incidents.get(cmd.actor.tenant_id, cmd.incident_id).await?.ok_or(GetIncidentError::NotFound)?;
    let mut timeline = Vec::new();
    let mut page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    loop {
        let read = deps.stores.incidents.timeline(cmd.actor.tenant_id, cmd.incident_id, &page).await?;
        timeline.extend(read.items);
        match read.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    let mut deliveries = Vec::new();
    for delivery in deps.stores.deliveries.for_incident(cmd.actor.tenant_id, cmd.incident_id).await? {
        let attempts = deps.stores.deliveries.attempts(cmd.actor.tenant_id, delivery.id).await?;
        deliveries.push((delivery, attempts));
    }
    Ok(IncidentDetail { incident, timeline, deliveries })
}
