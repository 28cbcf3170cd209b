use super::notify::notify_subscribers;
use super::stored::page_for;
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{PublicIncidentId, PublicUpdateId};
use vigil_domain::ports::{IncidentWrite, StoreError};
use vigil_domain::status_page::{PublicIncident, PublicUpdateDraft};

/// Post an update of a public incident.
#[derive(Clone, Debug)]
pub struct PostUpdate {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The incident.
    pub incident_id: PublicIncidentId,
    /// What the editor wrote.
    pub draft: PublicUpdateDraft,
}

/// Validates and appends the update (a resolved incident takes none), notifies subscribers if
/// it says so, and recomputes the page's snapshot. Returns the incident and how many subscribers
/// are being told.
#[tracing::instrument(name = "post_public_update", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn post_update(deps: &Deps, cmd: PostUpdate, now: Timestamp) -> Result<(PublicIncident, usize), StatusPageError> {
    cmd.actor.require(Action::EditStatusPages)?;
    let current = deps
        .stores
        .public_incidents
        .incident(cmd.actor.tenant_id, cmd.incident_id)
        .await?
        .ok_or(StatusPageError::NotFound("public incident"))?;
    let page = page_for(deps, &cmd.actor, current.page_id, Action::EditStatusPages).await?;
    let content = cmd.draft.validate(&page)?;
    let update = content.into_update(PublicUpdateId::from_uuid(deps.random.new_id(now)), now, &cmd.actor.label, Some(current.latest()));
    let incident = current.post(update.clone())?;
    match deps.stores.public_incidents.put_incident(&incident).await? {
        IncidentWrite::Written => {}
        _ => return Err(StoreError::Conflict.into()),
    }
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "public_incident.update",
        "public_incident",
        incident.id,
        Some(&incident.name),
        serde_json::json!({"status": current.status()}),
        serde_json::json!({"status": incident.status(), "body": update.body, "notify": update.notify}),
        now,
    )
    .await?;
    let notified = notify_subscribers(deps, &page, &incident, &update, now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok((incident, notified))
}
