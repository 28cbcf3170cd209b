use super::announce::timeline_entry;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::IncidentId;
use vigil_domain::incident::{TimelineEntry, TimelineEvent};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Someone writes on an incident's timeline.
#[derive(Clone, Debug)]
pub struct CommentOnIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Incident.
    pub incident_id: IncidentId,
    /// Who.
    pub by: String,
    /// What.
    pub text: String,
}

/// Why a comment was not added.
#[derive(Debug, thiserror::Error)]
pub enum CommentOnIncidentError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such incident for this tenant.
    #[error("incident not found")]
    NotFound,
    /// Empty or too long.
    #[error("the comment must be 1 to {max} characters", max = MAX_CHARS)]
    Invalid,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Longest comment, in characters.
pub const MAX_CHARS: usize = 4000;

/// Appends a comment to the timeline (resolved incidents too: post-mortem notes belong there).
#[tracing::instrument(name = "comment_on_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn comment_on_incident(deps: &Deps, cmd: CommentOnIncident, now: Timestamp) -> Result<TimelineEntry, CommentOnIncidentError> {
    cmd.actor.require(Action::RespondToIncidents)?;
    let text = cmd.text.trim();
    if text.is_empty() || text.chars().count() > MAX_CHARS {
        return Err(CommentOnIncidentError::Invalid);
    }
    deps.stores.incidents.get(cmd.actor.tenant_id, cmd.incident_id).await?.ok_or(CommentOnIncidentError::NotFound)?;
    let entry = timeline_entry(deps, cmd.incident_id, now, TimelineEvent::Commented { by: cmd.by.clone(), text: text.to_owned() });
    deps.stores.incidents.append(cmd.actor.tenant_id, std::slice::from_ref(&entry)).await?;
    deps.notify(cmd.actor.tenant_id, LiveNotice::Incident(cmd.incident_id));
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "incident.comment",
        "incident",
        cmd.incident_id,
        None,
        serde_json::Value::Null,
        serde_json::json!({"comment": text}),
        now,
    )
    .await?;
    Ok(entry)
}
