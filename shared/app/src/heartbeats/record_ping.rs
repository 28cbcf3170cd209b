use crate::Deps;
use crate::tasks::publish;
use jiff::Timestamp;
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::heartbeat::step::{PingFacts, on_ping};
use vigil_domain::heartbeat::{PingBody, PingKind, PingTarget, StoredRun, TaskStatus};
use vigil_domain::ids::{PingId, RunId};
use vigil_domain::ports::{StoreError, StoredBody, StoredPing, TaskChange, TaskLocator};

/// Record one ping.
#[derive(Clone, Debug)]
pub struct RecordPing {
    /// The task it names.
    pub target: PingTarget,
    /// What it signals.
    pub kind: PingKind,
    /// The client's run id.
    pub rid: Option<Uuid>,
    /// HTTP method.
    pub method: String,
    /// Its body, already capped.
    pub body: PingBody,
}

/// What recording did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingRecorded {
    /// The stored ping.
    pub ping_id: PingId,
    /// The task's status after it.
    pub status: TaskStatus,
}

/// Why a ping was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordPingError {
    /// No task has this token, or this slug under this ping key.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores a ping and the state change it causes (its run, the task's status and deadline) as
/// one atomic write, durable before this returns; then publishes the status change, if any.
///
/// A body larger than the inline limit goes to the body store first, under the ping's id.
// The URL is the task's secret, so the span names the task only once it is known.
#[tracing::instrument(name = "record_ping", skip_all, fields(kind = ?cmd.kind, tenant = tracing::field::Empty, task = tracing::field::Empty))]
pub async fn record_ping(deps: &Deps, cmd: RecordPing, now: Timestamp) -> Result<PingRecorded, RecordPingError> {
    let ping_id = PingId::from_uuid(deps.random.new_id(now));
    let new_run = RunId::from_uuid(deps.random.new_id(now));
    let mut locator = match cmd.target {
        PingTarget::Token(token) => TaskLocator::Token(token),
        PingTarget::Slug { key, slug } => TaskLocator::Slug { key, slug },
    };
    let log_tail = cmd.body.tail(StoredRun::LOG_TAIL_BYTES);
    let body = if cmd.body.bytes.is_empty() {
        StoredBody::None
    } else if cmd.body.bytes.len() <= deps.settings.heartbeat.inline_body_bytes {
        StoredBody::Inline(cmd.body)
    } else {
        let (tenant, task) = deps.stores.task_state.resolve(&locator).await?.ok_or(RecordPingError::NotFound)?;
        deps.stores.ping_bodies.put(tenant, task, ping_id, &cmd.body.bytes).await?;
        locator = TaskLocator::Id { tenant, task };
        StoredBody::External { size: cmd.body.bytes.len() as u64, received: cmd.body.received, truncated: cmd.body.truncated }
    };
    let facts = PingFacts { id: ping_id, kind: cmd.kind, rid: cmd.rid };
    let (method, rid) = (cmd.method, cmd.rid);
    let cap = deps.settings.heartbeat.pings_kept;
    let decide = Arc::new(move |record: &vigil_domain::heartbeat::TaskRecord| {
        let (mut step, run_id) = on_ping(record, &facts, new_run, now);
        for run in step.runs.iter_mut().filter(|run| run.finish_ping == Some(ping_id)) {
            run.log_tail = log_tail.clone();
        }
        let ping = StoredPing {
            tenant_id: record.task.tenant_id,
            task_id: record.task.id,
            id: ping_id,
            at: now,
            kind: facts.kind,
            rid,
            run_id,
            method: method.clone(),
            body: body.clone(),
        };
        let keep_pings = cap.prune_at(step.state.pings);
        Some(TaskChange { state: step.state, next_deadline: step.next_deadline, runs: step.runs, ping: Some(ping), keep_pings })
    });
    let applied = deps.stores.task_state.apply(&locator, decide).await?.ok_or(RecordPingError::NotFound)?;
    let span = tracing::Span::current();
    span.record("tenant", tracing::field::display(applied.before.task.tenant_id));
    span.record("task", tracing::field::display(applied.before.task.id));
    if !applied.pruned_bodies.is_empty() {
        let task = &applied.before.task;
        // The ping is stored; a body left here is only unreachable, and expires with the
        // store's retention.
        if let Err(error) = deps.stores.ping_bodies.delete(task.tenant_id, task.id, &applied.pruned_bodies).await {
            tracing::warn!(%error, pruned = applied.pruned_bodies.len(), "deleting pruned pings' bodies failed");
        }
    }
    publish(deps, &applied).await;
    let status = applied.change.as_ref().map_or(applied.before.state.reported.status, |c| c.state.reported.status);
    Ok(PingRecorded { ping_id, status })
}
