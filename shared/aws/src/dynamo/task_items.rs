//! Heartbeat items: a task (its spec and its state as two JSON documents, so an edit and a ping
//! each rewrite only their own), and the runs and pings of its history partition.

use super::keys::{
    DUE_AT, DUE_SHARD, EXPIRES_AT, PING_SK_PREFIX, PK, SK, TASK_SK_PREFIX, ping_sk, run_sk, task_due_shard, task_history_pk, task_sk,
    tenant_pk,
};
use super::toolkit::attributes::{Item, ItemExt, key_suffix, n, s};
use super::toolkit::item::key;
use super::toolkit::update::Update;
use crate::dynamo::client::AttributeValue;
use anyhow::{Context, anyhow};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vigil_domain::heartbeat::ping::{PingBody, PingKind};
use vigil_domain::heartbeat::{StoredRun, Task, TaskRecord, TaskState};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};
use vigil_domain::ports::{StoredBody, StoredPing};

/// The task (id, token, spec, revision, times) as JSON.
pub(crate) const TASK: &str = "task";
/// The task's live state as JSON.
pub(crate) const STATE: &str = "state";
/// The task's revision, for the conditions of edits.
pub(crate) const REVISION: &str = "revision";
/// The state's version, for the conditions of state changes.
pub(crate) const STATE_VERSION: &str = "state_version";
/// The exact next deadline (`due_at` holds it in milliseconds, for the index).
pub(crate) const DEADLINE: &str = "deadline";
/// A run as JSON.
const RUN: &str = "run";
/// A ping's facts as JSON.
const PING: &str = "ping";
/// An inline ping body, as bytes.
const BODY: &str = "body";

/// The key of a task's item.
pub(crate) fn task_key(tenant: TenantId, task: TaskId) -> Item {
    key(tenant_pk(tenant), task_sk(task))
}

/// The item of a new task.
pub(crate) fn task_item(record: &TaskRecord) -> anyhow::Result<Item> {
    let task = &record.task;
    let mut item = task_key(task.tenant_id, task.id);
    item.insert(TASK.to_owned(), s(serde_json::to_string(task).context("encoding a task")?));
    item.insert(STATE.to_owned(), s(serde_json::to_string(&record.state).context("encoding a task's state")?));
    item.insert(REVISION.to_owned(), n(task.revision));
    item.insert(STATE_VERSION.to_owned(), n(record.state.version));
    if let Some(deadline) = record.next_deadline {
        item.insert(DEADLINE.to_owned(), s(deadline.to_string()));
        item.insert(DUE_SHARD.to_owned(), s(task_due_shard(task.id)));
        item.insert(DUE_AT.to_owned(), n(deadline.as_millisecond()));
    }
    Ok(item)
}

/// Sets a task's state and deadline: the deadline goes to the due-index while there is one and
/// leaves it (the attributes removed) when only a ping can change the task.
pub(crate) fn set_state(update: &mut Update, task: TaskId, state: &TaskState, deadline: Option<Timestamp>) -> anyhow::Result<()> {
    update.set(STATE, s(serde_json::to_string(state).context("encoding a task's state")?)).set(STATE_VERSION, n(state.version));
    match deadline {
        Some(deadline) => {
            update.set(DEADLINE, s(deadline.to_string())).set(DUE_SHARD, s(task_due_shard(task))).set(DUE_AT, n(deadline.as_millisecond()));
        }
        None => {
            update.remove(DEADLINE).remove(DUE_SHARD).remove(DUE_AT);
        }
    }
    Ok(())
}

/// A task from its item.
pub(crate) fn task_from_item(item: &Item) -> anyhow::Result<TaskRecord> {
    let task: Task = serde_json::from_str(item.string(TASK)?).context("a stored task does not parse")?;
    let state: TaskState = serde_json::from_str(item.string(STATE)?).context("a stored task state does not parse")?;
    let next_deadline = item.opt_string(DEADLINE)?.map(str::parse::<Timestamp>).transpose().context("a stored deadline does not parse")?;
    Ok(TaskRecord { task, state, next_deadline })
}

/// The task id in a task item's sort key.
pub(crate) fn task_id_of(item: &Item) -> anyhow::Result<TaskId> {
    key_suffix(item, SK, TASK_SK_PREFIX)
}

/// When history opened at `at` expires: the store's retention later, as check results.
fn expiry(at: Timestamp, retention: SignedDuration) -> AttributeValue {
    n(at.saturating_add(retention).unwrap_or(at).as_second())
}

/// The item of a run. A finished run expires with the retention counted from its opening (as
/// the self-hosted store prunes them); an open run never does, its task still refers to it.
pub(crate) fn run_item(run: &StoredRun, retention: SignedDuration) -> anyhow::Result<Item> {
    let mut item = Item::from([
        (PK.to_owned(), s(task_history_pk(run.tenant_id, run.task_id))),
        (SK.to_owned(), s(run_sk(run.id))),
        (RUN.to_owned(), s(serde_json::to_string(run).context("encoding a run")?)),
    ]);
    if let Some(finished) = run.finished_at() {
        item.insert(EXPIRES_AT.to_owned(), expiry(run.started_at().unwrap_or(finished), retention));
    }
    Ok(item)
}

/// A run from its item.
pub(crate) fn run_from_item(item: &Item) -> anyhow::Result<StoredRun> {
    serde_json::from_str(item.string(RUN)?).context("a stored run does not parse")
}

/// A ping's facts as stored; its ids are in the key, an inline body in its own binary
/// attribute (bytes in JSON would take up to four times the room).
#[derive(Serialize, Deserialize)]
struct PingFacts {
    at: Timestamp,
    kind: PingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rid: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    run_id: Option<RunId>,
    method: String,
    body: BodyFacts,
}

/// Where a ping's body is, and its sizes.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum BodyFacts {
    None,
    Inline { received: u64, truncated: bool },
    External { size: u64, received: u64, truncated: bool },
}

/// The item of a ping, expiring with the store's retention.
pub(crate) fn ping_item(ping: &StoredPing, retention: SignedDuration) -> anyhow::Result<Item> {
    let (body, bytes) = match &ping.body {
        StoredBody::None => (BodyFacts::None, None),
        StoredBody::Inline(body) => (BodyFacts::Inline { received: body.received, truncated: body.truncated }, Some(body.bytes.clone())),
        StoredBody::External { size, received, truncated } => {
            (BodyFacts::External { size: *size, received: *received, truncated: *truncated }, None)
        }
    };
    let facts = PingFacts { at: ping.at, kind: ping.kind, rid: ping.rid, run_id: ping.run_id, method: ping.method.clone(), body };
    let mut item = Item::from([
        (PK.to_owned(), s(task_history_pk(ping.tenant_id, ping.task_id))),
        (SK.to_owned(), s(ping_sk(ping.id))),
        (PING.to_owned(), s(serde_json::to_string(&facts).context("encoding a ping")?)),
        (EXPIRES_AT.to_owned(), expiry(ping.at, retention)),
    ]);
    if let Some(bytes) = bytes {
        item.insert(BODY.to_owned(), AttributeValue::B(bytes));
    }
    Ok(item)
}

/// The attributes a prune reads of a ping: its key, and its facts (where its body is).
pub(crate) const PING_PRUNE_ATTRIBUTES: [&str; 3] = [PK, SK, PING];

/// The id of a ping's item, and whether its body is in the body store.
pub(crate) fn ping_id_and_external_body(item: &Item) -> anyhow::Result<(PingId, bool)> {
    let id: PingId = key_suffix(item, SK, PING_SK_PREFIX)?;
    let facts: PingFacts = serde_json::from_str(item.string(PING)?).context("a stored ping does not parse")?;
    Ok((id, matches!(facts.body, BodyFacts::External { .. })))
}

/// A ping of `tenant`'s `task` from its item.
pub(crate) fn ping_from_item(item: &Item, tenant: TenantId, task: TaskId) -> anyhow::Result<StoredPing> {
    let id: PingId = key_suffix(item, SK, PING_SK_PREFIX)?;
    let facts: PingFacts = serde_json::from_str(item.string(PING)?).context("a stored ping does not parse")?;
    let body = match facts.body {
        BodyFacts::None => StoredBody::None,
        BodyFacts::Inline { received, truncated } => {
            let bytes = match item.get(BODY) {
                Some(AttributeValue::B(bytes)) => bytes.clone(),
                Some(other) => return Err(anyhow!("attribute `{BODY}` is not binary: {other:?}")),
                None => return Err(anyhow!("attribute `{BODY}` is missing")),
            };
            StoredBody::Inline(PingBody { bytes, received, truncated })
        }
        BodyFacts::External { size, received, truncated } => StoredBody::External { size, received, truncated },
    };
    Ok(StoredPing {
        tenant_id: tenant,
        task_id: task,
        id,
        at: facts.at,
        kind: facts.kind,
        rid: facts.rid,
        run_id: facts.run_id,
        method: facts.method,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_read_back_as_written() {
        let (tenant, task) = (TenantId::from_uuid(Uuid::now_v7()), TaskId::from_uuid(Uuid::now_v7()));
        let at = Timestamp::from_second(1_767_225_600).unwrap();
        for body in [
            StoredBody::None,
            StoredBody::Inline(PingBody { bytes: vec![0, 159, 146, 150], received: 4, truncated: false }),
            StoredBody::External { size: 10, received: 20, truncated: true },
        ] {
            let ping = StoredPing {
                tenant_id: tenant,
                task_id: task,
                id: PingId::from_uuid(Uuid::now_v7()),
                at,
                kind: PingKind::Exit(3),
                rid: Some(Uuid::new_v4()),
                run_id: None,
                method: "GET".into(),
                body,
            };
            let item = ping_item(&ping, SignedDuration::from_hours(24)).unwrap();
            assert_eq!(ping_from_item(&item, tenant, task).unwrap(), ping);
        }
    }
}
