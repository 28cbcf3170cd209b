use super::notify::notify_subscribers;
use super::stored::page_for;
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use serde_json::Value;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{PublicIncidentId, PublicUpdateId, StatusPageId};
use vigil_domain::ports::{IncidentWrite, StoreError};
use vigil_domain::status_page::{PublicIncident, PublicIncidentDraft};

/// Post a public incident on a page.
#[derive(Clone, Debug)]
pub struct PostIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
    /// What the editor wrote.
    pub draft: PublicIncidentDraft,
}

/// Validates and stores the incident with its first update, notifies subscribers if the
/// update says so, and recomputes the page's snapshot. Returns the incident and how many
/// subscribers are being told.
#[tracing::instrument(name = "post_public_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn post_incident(deps: &Deps, cmd: PostIncident, now: Timestamp) -> Result<(PublicIncident, usize), StatusPageError> {
    let page = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let (name, impact_override, first) = cmd.draft.validate(&page)?;
    let update = first.into_update(PublicUpdateId::from_uuid(deps.random.new_id(now)), now, &cmd.actor.label, None);
    let incident = PublicIncident {
        id: PublicIncidentId::from_uuid(deps.random.new_id(now)),
        tenant_id: page.tenant_id,
        page_id: page.id,
        name,
        impact_override,
        updates: vec![update.clone()],
        source: None,
        follows_source: false,
        created_at: now,
        revision: 1,
    };
    if deps.stores.public_incidents.put_incident(&incident).await? != IncidentWrite::Written {
        return Err(StoreError::Conflict.into());
    }
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "public_incident.create",
        "public_incident",
        incident.id,
        Some(&incident.name),
        Value::Null,
        crate::accounts::audit_trail::snapshot(&incident),
        now,
    )
    .await?;
    let notified = notify_subscribers(deps, &page, &incident, &update, now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok((incident, notified))
}
