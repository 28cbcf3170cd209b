use super::stored::{audit, audit_view, page_for, save};
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{ComponentId, StatusPageId};
use vigil_domain::monitor::FieldError;
use vigil_domain::notify::InvalidInput;
use vigil_domain::status_page::{ComponentDraft, StatusPage};

/// Add a component (or group) to a page, or change one.
#[derive(Clone, Debug)]
pub struct PutComponent {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
    /// The component to change; `None` to add one.
    pub component_id: Option<ComponentId>,
    /// What the editor sent.
    pub draft: ComponentDraft,
}

/// Validates the component (its monitors and tasks must be the organisation's), places it on
/// the page, stores the page and recomputes its snapshot. Returns the page and the component's id.
#[tracing::instrument(name = "put_component", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn put_component(deps: &Deps, cmd: PutComponent, now: Timestamp) -> Result<(StatusPage, ComponentId), StatusPageError> {
    let current = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let id = match cmd.component_id {
        Some(id) if current.component(id).is_none() => return Err(StatusPageError::NotFound("component")),
        Some(id) => id,
        None => ComponentId::from_uuid(deps.random.new_id(now)),
    };
    let placed = cmd.draft.validate(&current, id, now)?;
    let tenant = cmd.actor.tenant_id;
    let mut missing = Vec::new();
    for (i, monitor) in placed.component.sources.monitors.iter().enumerate() {
        if deps.stores.monitors.get(tenant, *monitor).await?.is_none() {
            missing.push(FieldError { field: format!("monitors[{i}]"), message: "no monitor with this id".into() });
        }
    }
    for (i, task) in placed.component.sources.tasks.iter().enumerate() {
        if deps.stores.tasks.get(tenant, *task).await?.is_none() {
            missing.push(FieldError { field: format!("tasks[{i}]"), message: "no task with this id".into() });
        }
    }
    if !missing.is_empty() {
        return Err(InvalidInput(missing).into());
    }
    let page = StatusPage { revision: current.revision + 1, updated_at: now, ..current.with_component(placed) };
    save(deps, &page, false).await?;
    let action = if cmd.component_id.is_some() { "status_page.component_update" } else { "status_page.component_add" };
    audit(deps, &cmd.actor, action, &page, audit_view(&current), audit_view(&page), now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok((page, id))
}
