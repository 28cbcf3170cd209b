use super::StatusPageError;
use super::stored::page_for;
use crate::Deps;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::StatusPageId;
use vigil_domain::status_page::StatusPage;

/// The organisation's status pages, oldest first.
pub async fn list_pages(deps: &Deps, actor: &Actor) -> Result<Vec<StatusPage>, StatusPageError> {
    actor.require(Action::Read)?;
    Ok(deps.stores.status_pages.pages(actor.tenant_id).await?)
}

/// One status page of the organisation.
pub async fn get_page(deps: &Deps, actor: &Actor, id: StatusPageId) -> Result<StatusPage, StatusPageError> {
    page_for(deps, actor, id, Action::Read).await
}
