use super::StatusPageError;
use super::refresh_snapshot;
use super::stored::page_for;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{PublicIncidentId, StatusPageId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::status_page::PublicIncident;

/// A page's public incidents, newest first.
pub async fn list_public_incidents(
    deps: &Deps,
    actor: &Actor,
    page_id: StatusPageId,
    request: &PageRequest,
) -> Result<Page<PublicIncident>, StatusPageError> {
    let page = page_for(deps, actor, page_id, Action::Read).await?;
    Ok(deps.stores.public_incidents.incidents(page.tenant_id, page.id, request).await?)
}

/// One public incident.
pub async fn get_public_incident(deps: &Deps, actor: &Actor, id: PublicIncidentId) -> Result<PublicIncident, StatusPageError> {
    actor.require(Action::Read)?;
    deps.stores.public_incidents.incident(actor.tenant_id, id).await?.ok_or(StatusPageError::NotFound("public incident"))
}

/// Deletes a public incident posted by mistake (it leaves the page, its feeds and documents).
pub async fn delete_public_incident(deps: &Deps, actor: &Actor, id: PublicIncidentId, now: Timestamp) -> Result<(), StatusPageError> {
    actor.require(Action::EditStatusPages)?;
    let incident = deps.stores.public_incidents.incident(actor.tenant_id, id).await?.ok_or(StatusPageError::NotFound("public incident"))?;
    deps.stores.public_incidents.delete_incident(actor.tenant_id, id).await?;
    crate::accounts::audit_trail::changed(
        deps,
        actor,
        "public_incident.delete",
        "public_incident",
        id,
        Some(&incident.name),
        crate::accounts::audit_trail::snapshot(&incident),
        serde_json::Value::Null,
        now,
    )
    .await?;
    if let Some(page) = deps.stores.status_pages.page(actor.tenant_id, incident.page_id).await? {
        refresh_snapshot(deps, &page, now).await?;
    }
    Ok(())
}
