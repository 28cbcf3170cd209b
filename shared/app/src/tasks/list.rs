use super::TaskView;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a tenant's tasks.
#[derive(Clone, Debug)]
pub struct ListTasks {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Which page.
    pub page: PageRequest,
}

/// Why tasks could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListTasksError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists tasks, oldest first, with their status now.
#[tracing::instrument(name = "list_tasks", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_tasks(deps: &Deps, cmd: ListTasks, now: Timestamp) -> Result<Page<TaskView>, ListTasksError> {
    cmd.actor.require(Action::ReadTasks)?;
    let page = deps.stores.tasks.list(cmd.actor.tenant_id, &cmd.page).await?;
    let key = deps.stores.ping_keys.get(cmd.actor.tenant_id).await?;
    Ok(page.map(|record| TaskView::new(record, key.clone(), now)))
}
