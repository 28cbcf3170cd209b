use super::StatusPageError;
use super::stored::{audit, audit_view, page_for};
use crate::Deps;
use jiff::Timestamp;
use serde_json::Value;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::StatusPageId;
use vigil_domain::page::PageRequest;

/// Delete a status page.
#[derive(Clone, Debug)]
pub struct DeletePage {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
}

/// Deletes the page, its snapshot, its public incidents and its subscribers (badges of its
/// components stop answering with it); its slug and domain are free again.
#[tracing::instrument(name = "delete_status_page", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn delete_page(deps: &Deps, cmd: DeletePage, now: Timestamp) -> Result<(), StatusPageError> {
    let page = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let tenant = page.tenant_id;
    loop {
        let batch =
            deps.stores.subscribers.subscribers(tenant, page.id, &PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT }).await?;
        if batch.items.is_empty() {
            break;
        }
        for subscriber in &batch.items {
            deps.stores.subscribers.delete_subscriber(tenant, subscriber.id).await?;
        }
    }
    loop {
        let batch =
            deps.stores.public_incidents.incidents(tenant, page.id, &PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT }).await?;
        if batch.items.is_empty() {
            break;
        }
        for incident in &batch.items {
            deps.stores.public_incidents.delete_incident(tenant, incident.id).await?;
        }
    }
    deps.stores.status_snapshots.delete_snapshot(tenant, page.id).await?;
    deps.stores.status_pages.delete_page(tenant, page.id).await?;
    audit(deps, &cmd.actor, "status_page.delete", &page, audit_view(&page), Value::Null, now).await
}
