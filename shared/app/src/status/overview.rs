use super::task_digests::{TaskDigests, TaskDigestsError, task_digests};
use crate::Deps;
use crate::tasks::TaskView;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::digest::HistoryDigest;
use vigil_domain::heartbeat::digest::RunDigest;
use vigil_domain::monitor::MonitorRecord;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{MonitorQuery, StoreError};

/// Read everything an organisation watches, for the dashboard's overview.
#[derive(Clone, Debug)]
pub struct Overview {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// Every monitor with the digest of its history, and every heartbeat task.
#[derive(Clone, Debug, Default)]
pub struct OverviewView {
    /// Monitors, oldest first, each with its newest checks and counts.
    pub monitors: Vec<(MonitorRecord, HistoryDigest)>,
    /// Heartbeat tasks, oldest first, with their status now and the digest of their runs;
    /// empty when the actor may not read them.
    pub tasks: Vec<(TaskView, RunDigest)>,
}

/// Why the overview could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads every monitor and task of the actor's organisation, page after page, and the digests
/// of the monitors' histories in one call to the store; each task with the digest of its runs
/// ([`task_digests`]).
#[tracing::instrument(name = "overview", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn overview(deps: &Deps, cmd: Overview, now: Timestamp) -> Result<OverviewView, OverviewError> {
    cmd.actor.require(Action::Read)?;
    let tenant = cmd.actor.tenant_id;
    let mut monitors = Vec::new();
    let mut query = MonitorQuery { tag: None, status: None, page: PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT } };
    loop {
        let page = deps.stores.monitors.list(tenant, &query).await?;
        monitors.extend(page.items);
        match page.next_cursor {
            Some(cursor) => query.page.cursor = Some(cursor),
            None => break,
        }
    }
    let ids: Vec<_> = monitors.iter().map(|m| m.monitor.id).collect();
    let digests = deps.stores.checks.digests(tenant, &ids, now).await?;
    let tasks = if cmd.actor.may(Action::ReadTasks) {
        task_digests(deps, TaskDigests { actor: cmd.actor.clone() }, now).await.map_err(|error| match error {
            TaskDigestsError::Forbidden(refused) => OverviewError::Forbidden(refused),
            TaskDigestsError::Store(error) => OverviewError::Store(error),
        })?
    } else {
        Vec::new()
    };
    Ok(OverviewView { monitors: monitors.into_iter().zip(digests).collect(), tasks })
}
