use super::TaskView;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a tenant's tasks.
#[derive(Clone, Debug)]
pub struct ListTasks {
    /// Owner.
    pub tenant_id: TenantId,
    /// Which page.
    pub page: PageRequest,
}

/// Why tasks could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListTasksError {
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists tasks, oldest first, with their status now.
#[tracing::instrument(name = "list_tasks", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_tasks(deps: &Deps, cmd: ListTasks, now: Timestamp) -> Result<Page<TaskView>, ListTasksError> {
    let page = deps.stores.tasks.list(cmd.tenant_id, &cmd.page).await?;
    let key = deps.stores.ping_keys.get(cmd.tenant_id).await?;
    Ok(page.map(|record| TaskView::new(record, key.clone(), now)))
}
