use super::announce::{announce, timeline_entry};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::IncidentId;
use vigil_domain::incident::{AnyIncident, TimelineEvent};
use vigil_domain::notify::NotificationKind;
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Someone takes an incident.
#[derive(Clone, Debug)]
pub struct AcknowledgeIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Incident.
    pub incident_id: IncidentId,
    /// Who.
    pub by: String,
}

/// Why an incident could not be acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum AcknowledgeIncidentError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such incident for this tenant.
    #[error("incident not found")]
    NotFound,
    /// It is already resolved.
    #[error("the incident is resolved")]
    Resolved,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Acknowledges an open incident, which stops its escalation, and announces it. Acknowledging
/// an acknowledged incident changes nothing and returns it as it is.
#[tracing::instrument(name = "acknowledge_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn acknowledge_incident(deps: &Deps, cmd: AcknowledgeIncident, now: Timestamp) -> Result<AnyIncident, AcknowledgeIncidentError> {
    cmd.actor.require(Action::RespondToIncidents)?;
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let incident = deps.stores.incidents.get(cmd.actor.tenant_id, cmd.incident_id).await?.ok_or(AcknowledgeIncidentError::NotFound)?;
        let open = match incident {
            AnyIncident::Open(open) => open,
            already @ AnyIncident::Acknowledged(_) => return Ok(already),
            AnyIncident::Resolved(_) => return Err(AcknowledgeIncidentError::Resolved),
        };
        let acknowledged: AnyIncident = open.acknowledge(cmd.by.clone(), now).into();
        let entry = timeline_entry(deps, cmd.incident_id, now, TimelineEvent::Acknowledged { by: cmd.by.clone() });
        match deps.stores.incidents.transition(&acknowledged, vigil_domain::incident::IncidentStatus::Open, &[entry]).await {
            Ok(()) => {
                deps.notify(cmd.actor.tenant_id, LiveNotice::Incident(cmd.incident_id));
                announce(deps, &acknowledged, NotificationKind::Acknowledged, now).await?;
                let after = serde_json::json!({"status": "acknowledged", "by": cmd.by});
                crate::accounts::audit_trail::changed(
                    deps,
                    &cmd.actor,
                    "incident.acknowledge",
                    "incident",
                    cmd.incident_id,
                    None,
                    serde_json::Value::Null,
                    after,
                    now,
                )
                .await?;
                return Ok(acknowledged);
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(AcknowledgeIncidentError::NotFound),
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Conflict.into())
}
