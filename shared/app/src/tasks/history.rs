use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::heartbeat::StoredRun;
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{StoreError, StoredBody, StoredPing};

/// List a task's runs.
#[derive(Clone, Debug)]
pub struct ListRuns {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
    /// Which page.
    pub page: PageRequest,
}

/// List a task's pings.
#[derive(Clone, Debug)]
pub struct ListPings {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Task.
    pub task_id: TaskId,
    /// Which page.
    pub page: PageRequest,
}

/// A run with its log: the body of the ping that finished it, or the end of that body kept with
/// the run once the ping is pruned, or else the body of the ping that started it.
#[derive(Clone, Debug)]
pub struct RunView {
    /// The run.
    pub run: StoredRun,
    /// Its log, if a ping of it carried a body.
    pub log: Option<String>,
}

/// A ping with its body.
#[derive(Clone, Debug)]
pub struct PingView {
    /// The ping.
    pub ping: StoredPing,
    /// Its body, as text.
    pub body: Option<String>,
}

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ListHistoryError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such task for this tenant.
    #[error("task not found")]
    NotFound,
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A ping's body as text, from the ping or the body store.
async fn body_text(deps: &Deps, ping: &StoredPing) -> Result<Option<String>, StoreError> {
    Ok(match &ping.body {
        StoredBody::None => None,
        StoredBody::Inline(body) => Some(body.text()),
        StoredBody::External { .. } => deps
            .stores
            .ping_bodies
            .get(ping.tenant_id, ping.task_id, ping.id)
            .await?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    })
}

async fn ping_body(deps: &Deps, tenant: TenantId, task: TaskId, ping: Option<PingId>) -> Result<Option<String>, StoreError> {
    let Some(ping) = ping else { return Ok(None) };
    match deps.stores.task_history.get_ping(tenant, task, ping).await? {
        Some(ping) => body_text(deps, &ping).await,
        None => Ok(None),
    }
}

/// Lists runs, newest first, with durations, exit statuses and logs.
#[tracing::instrument(name = "list_runs", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn list_runs(deps: &Deps, cmd: ListRuns, _now: Timestamp) -> Result<Page<RunView>, ListHistoryError> {
    cmd.actor.require(Action::ReadTasks)?;
    deps.stores.tasks.get(cmd.actor.tenant_id, cmd.task_id).await?.ok_or(ListHistoryError::NotFound)?;
    let page = deps.stores.task_history.list_runs(cmd.actor.tenant_id, cmd.task_id, &cmd.page).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for run in page.items {
        let mut log = ping_body(deps, cmd.actor.tenant_id, cmd.task_id, run.finish_ping).await?;
        if log.as_deref().is_none_or(str::is_empty) {
            // The per-task cap has pruned the finishing ping: the run kept the end of its body.
            log = run.log_tail.clone().or(log);
        }
        if log.as_deref().is_none_or(str::is_empty) {
            log = ping_body(deps, cmd.actor.tenant_id, cmd.task_id, run.start_ping).await?.or(log);
        }
        items.push(RunView { run, log });
    }
    Ok(Page { items, next_cursor: page.next_cursor })
}

/// Lists pings, newest first, with their bodies.
#[tracing::instrument(name = "list_pings", skip_all, fields(tenant = %cmd.actor.tenant_id, task = %cmd.task_id))]
pub async fn list_pings(deps: &Deps, cmd: ListPings, _now: Timestamp) -> Result<Page<PingView>, ListHistoryError> {
    cmd.actor.require(Action::ReadTasks)?;
    deps.stores.tasks.get(cmd.actor.tenant_id, cmd.task_id).await?.ok_or(ListHistoryError::NotFound)?;
    let page = deps.stores.task_history.list_pings(cmd.actor.tenant_id, cmd.task_id, &cmd.page).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for ping in page.items {
        let body = body_text(deps, &ping).await?;
        items.push(PingView { ping, body });
    }
    Ok(Page { items, next_cursor: page.next_cursor })
}
