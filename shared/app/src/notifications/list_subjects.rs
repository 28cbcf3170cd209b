use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{MonitorId, TaskId};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{MonitorQuery, StoreError};

/// What a rule, a window, a mute or the incidents' filter can name: a tenant's monitors and
/// tasks.
#[derive(Clone, Debug)]
pub struct ListSubjects {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// The monitors and tasks (the first [`PageRequest::MAX_LIMIT`] of each, oldest first), by id
/// and name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subjects {
    /// Each monitor's id and name.
    pub monitors: Vec<(MonitorId, String)>,
    /// Each task's id and name.
    pub tasks: Vec<(TaskId, String)>,
}

/// Why the subjects could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListSubjectsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists the names a form picks from. Unlike `list_monitors` and `list_tasks` it reads neither
/// the ping key nor anything else a task's status needs, so a function that only fills forms
/// carries no more of the stores than their listings.
#[tracing::instrument(name = "list_subjects", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_subjects(deps: &Deps, cmd: ListSubjects, _now: Timestamp) -> Result<Subjects, ListSubjectsError> {
    cmd.actor.require(Action::Read)?;
    cmd.actor.require(Action::ReadTasks)?;
    let tenant = cmd.actor.tenant_id;
    let page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    let query = MonitorQuery { tag: None, status: None, page: page.clone() };
    let monitors = deps.stores.monitors.list(tenant, &query).await?;
    let tasks = deps.stores.tasks.list(tenant, &page).await?;
    Ok(Subjects {
        monitors: monitors.items.into_iter().map(|m| (m.monitor.id, m.monitor.spec.name)).collect(),
        tasks: tasks.items.into_iter().map(|t| (t.task.id, t.task.spec.name)).collect(),
    })
}
