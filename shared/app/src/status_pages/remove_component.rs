use super::stored::{audit, audit_view, page_for, save};
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{ComponentId, StatusPageId};
use vigil_domain::status_page::StatusPage;

/// Take a component (or group) off a page.
#[derive(Clone, Debug)]
pub struct RemoveComponent {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
    /// The component.
    pub component_id: ComponentId,
}

/// Removes the component (a group's members move to the top level where it was), stores the
/// page and recomputes its snapshot.
#[tracing::instrument(name = "remove_component", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn remove_component(deps: &Deps, cmd: RemoveComponent, now: Timestamp) -> Result<StatusPage, StatusPageError> {
    let current = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    if current.component(cmd.component_id).is_none() {
        return Err(StatusPageError::NotFound("component"));
    }
    let page = StatusPage { revision: current.revision + 1, updated_at: now, ..current.without_component(cmd.component_id) };
    save(deps, &page, false).await?;
    audit(deps, &cmd.actor, "status_page.component_remove", &page, audit_view(&current), audit_view(&page), now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok(page)
}
