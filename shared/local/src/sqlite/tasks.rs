//! Heartbeat tasks: the repository, the atomic state changes of the ping path and the sweeper,
//! and the due-index (a partial index on `next_deadline_at`).

use super::SqliteStore;
use super::codec::{at, backend, blob, decode_cursor, encode_cursor, ms, uuid};
use super::due::DueIndex;
use super::task_runs::{rides_on, riding_columns, settle_riding_runs, upsert_run};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use vigil_domain::heartbeat::{PingToken, StoredRun, Task, TaskRecord};
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{
    Applied, Decide, StoreError, StoredBody, StoredPing, TaskChange, TaskDueIndex, TaskLocator, TaskRepository, TaskStateStore, TaskWrite,
};

const TASK_COLUMNS: &str = "t.tenant_id, t.id, t.token, t.spec, t.revision, t.created_at, t.updated_at, t.state, t.next_deadline_at";

fn task_from_row(row: &Row<'_>) -> anyhow::Result<TaskRecord> {
    let spec: String = row.get(3)?;
    let state: String = row.get(7)?;
    Ok(TaskRecord {
        task: Task {
            tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
            id: TaskId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
            token: PingToken::from_uuid(uuid(&row.get::<_, Vec<u8>>(2)?)?),
            spec: serde_json::from_str(&spec).context("a stored task spec does not parse")?,
            revision: row.get::<_, i64>(4)? as u64,
            created_at: at(row.get(5)?)?,
            updated_at: at(row.get(6)?)?,
        },
        state: serde_json::from_str(&state).context("a stored task state does not parse")?,
        next_deadline: row.get::<_, Option<i64>>(8)?.map(at).transpose()?,
    })
}

/// The task `locator` names.
fn load(conn: &Connection, locator: &TaskLocator) -> anyhow::Result<Option<TaskRecord>> {
    let (sql, args): (String, Vec<Value>) = match locator {
        TaskLocator::Token(token) => {
            (format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.token = ?1"), vec![blob(token.as_uuid()).to_vec().into()])
        }
        TaskLocator::Slug { key, slug } => (
            format!(
                "SELECT {TASK_COLUMNS} FROM tenant_ping_keys k JOIN tasks t ON t.tenant_id = k.tenant_id \
                 WHERE k.ping_key = ?1 AND t.slug = ?2"
            ),
            vec![key.as_str().to_owned().into(), slug.as_str().to_owned().into()],
        ),
        TaskLocator::Id { tenant, task } => (
            format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.tenant_id = ?1 AND t.id = ?2"),
            vec![blob(tenant.as_uuid()).to_vec().into(), blob(task.as_uuid()).to_vec().into()],
        ),
    };
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params_from_iter(args))?;
    rows.next()?.map(task_from_row).transpose()
}

/// Appends a ping, with the run riding on it, if any.
fn insert_ping(conn: &Connection, ping: &StoredPing, riding: Option<&StoredRun>) -> anyhow::Result<()> {
    let (inline, size, received, truncated, external) = match &ping.body {
        StoredBody::None => (None, 0, 0, false, false),
        StoredBody::Inline(body) => (Some(body.bytes.as_slice()), body.bytes.len() as u64, body.received, body.truncated, false),
        StoredBody::External { size, received, truncated } => (None, *size, *received, *truncated, true),
    };
    let (run_state, run_exit_status, run_reason, run_log_tail) = riding_columns(riding);
    conn.prepare_cached(
        "INSERT INTO task_pings (task_id, id, at, kind, exit_status, rid, run_id, method, body, body_size, received, truncated, \
         external, run_state, run_exit_status, run_reason, run_log_tail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        blob(ping.task_id.as_uuid()),
        blob(ping.id.as_uuid()),
        ms(ping.at),
        ping.kind.as_str(),
        ping.kind.exit_status(),
        ping.rid.map(blob),
        ping.run_id.map(|r| blob(r.as_uuid())),
        ping.method,
        inline,
        size as i64,
        received as i64,
        truncated,
        external,
        run_state,
        run_exit_status,
        run_reason,
        run_log_tail,
    ])?;
    Ok(())
}

/// Deletes the task's pings beyond its newest `kept`, with their bodies; the runs riding on
/// them get rows of their own first.
fn prune_pings(conn: &Connection, tenant: TenantId, task: TaskId, kept: u32) -> anyhow::Result<()> {
    let (tenant, task) = (blob(tenant.as_uuid()), blob(task.as_uuid()));
    let oldest_kept: Option<Vec<u8>> = conn
        .prepare_cached("SELECT id FROM task_pings WHERE task_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2")?
        .query_row(params![task, i64::from(kept) - 1], |row| row.get(0))
        .optional()?;
    let Some(oldest_kept) = oldest_kept else { return Ok(()) };
    // Ping ids are UUIDv7 minted on arrival, so key order is arrival order.
    settle_riding_runs(conn, &task, &oldest_kept)?;
    conn.prepare_cached("DELETE FROM ping_bodies WHERE tenant_id = ?1 AND task_id = ?2 AND ping_id < ?3")?.execute(params![
        tenant,
        task,
        oldest_kept
    ])?;
    conn.prepare_cached("DELETE FROM task_pings WHERE task_id = ?1 AND id < ?2")?.execute(params![task, oldest_kept])?;
    Ok(())
}

/// Writes a change over the version it was computed from.
fn write_change(conn: &Connection, before: &TaskRecord, change: &TaskChange) -> anyhow::Result<()> {
    let task = &before.task;
    let updated = conn
        .prepare_cached(
            "UPDATE tasks SET state = ?3, state_version = ?4, next_deadline_at = ?5 \
             WHERE tenant_id = ?1 AND id = ?2 AND state_version = ?6",
        )?
        .execute(params![
            blob(task.tenant_id.as_uuid()),
            blob(task.id.as_uuid()),
            serde_json::to_string(&change.state)?,
            change.state.version as i64,
            change.next_deadline.map(ms),
            before.state.version as i64,
        ])?;
    // The read and this write run in the single writer, so the version cannot have moved.
    anyhow::ensure!(updated == 1, "the task's state changed between its read and its write");
    let riding = change.ping.as_ref().and_then(|ping| change.runs.iter().find(|run| rides_on(run, ping)));
    for run in change.runs.iter().filter(|run| riding.is_none_or(|riding| riding.id != run.id)) {
        upsert_run(conn, run)?;
    }
    if let Some(ping) = &change.ping {
        insert_ping(conn, ping, riding)?;
    }
    if let Some(kept) = change.keep_pings {
        prune_pings(conn, task.tenant_id, task.id, kept)?;
    }
    Ok(())
}

/// Whether another task of the tenant has `slug`.
fn slug_taken(conn: &Connection, task: &Task) -> rusqlite::Result<bool> {
    let Some(slug) = &task.spec.slug else { return Ok(false) };
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM tasks WHERE tenant_id = ?1 AND slug = ?2 AND id != ?3)")?
        .query_row(params![blob(task.tenant_id.as_uuid()), slug.as_str(), blob(task.id.as_uuid())], |row| row.get(0))
}

#[async_trait]
impl TaskRepository for SqliteStore {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        let record = record.clone();
        self.db
            .write(move |conn| {
                let task = &record.task;
                if slug_taken(conn, task)? {
                    return Ok(TaskWrite::SlugTaken);
                }
                conn.execute(
                    "INSERT INTO tasks (tenant_id, id, token, slug, spec, revision, created_at, updated_at, state, state_version, \
                     next_deadline_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        blob(task.tenant_id.as_uuid()),
                        blob(task.id.as_uuid()),
                        blob(task.token.as_uuid()),
                        task.spec.slug.as_ref().map(|s| s.as_str().to_owned()),
                        serde_json::to_string(&task.spec)?,
                        task.revision as i64,
                        ms(task.created_at),
                        ms(task.updated_at),
                        serde_json::to_string(&record.state)?,
                        record.state.version as i64,
                        record.next_deadline.map(ms),
                    ],
                )?;
                Ok(TaskWrite::Done)
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Deadlines))
            .context("inserting a task")
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        self.db.read(move |conn| load(conn, &TaskLocator::Id { tenant, task: id })).await.map_err(backend)
    }

    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        let after = page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let limit = page.limit;
        self.db
            .read(move |conn| {
                let (created, id) =
                    after.map_or((i64::MIN, Vec::new()), |(v, id)| (v[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()));
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.tenant_id = ?1 AND (t.created_at, t.id) > (?2, ?3) \
                     ORDER BY t.created_at, t.id LIMIT ?4"
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), created, id, i64::from(limit) + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(task_from_row(row)?);
                }
                let next_cursor = if items.len() > limit as usize {
                    items.truncate(limit as usize);
                    items.last().map(|last| encode_cursor(&[ms(last.task.created_at)], Some(last.task.id.as_uuid())))
                } else {
                    None
                };
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }

    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        let task = task.clone();
        self.db
            .write(move |conn| {
                let (tenant, id) = (blob(task.tenant_id.as_uuid()), blob(task.id.as_uuid()));
                let revision: Option<i64> = conn
                    .prepare_cached("SELECT revision FROM tasks WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![tenant, id], |row| row.get(0))
                    .optional()?;
                match revision {
                    None => return Ok(TaskWrite::Missing),
                    Some(revision) if revision as u64 != expected_revision => return Ok(TaskWrite::RevisionConflict),
                    Some(_) => {}
                }
                if slug_taken(conn, &task)? {
                    return Ok(TaskWrite::SlugTaken);
                }
                conn.execute(
                    "UPDATE tasks SET slug = ?3, spec = ?4, revision = ?5, updated_at = ?6 WHERE tenant_id = ?1 AND id = ?2",
                    params![
                        tenant,
                        id,
                        task.spec.slug.as_ref().map(|s| s.as_str().to_owned()),
                        serde_json::to_string(&task.spec)?,
                        task.revision as i64,
                        ms(task.updated_at)
                    ],
                )?;
                Ok(TaskWrite::Done)
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Deadlines))
            .context("updating a task")
            .map_err(backend)
    }

    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                let args = params![blob(tenant.as_uuid()), blob(id.as_uuid())];
                let deleted = conn.execute("DELETE FROM tasks WHERE tenant_id = ?1 AND id = ?2", args)?;
                // History is keyed by the task alone: it goes only with a task of this tenant.
                if deleted > 0 {
                    for table in ["task_runs", "task_pings"] {
                        conn.execute(&format!("DELETE FROM {table} WHERE task_id = ?1"), [blob(id.as_uuid())])?;
                    }
                }
                Ok(deleted > 0)
            })
            .await
            .context("deleting a task")
            .map_err(backend)
    }
}

#[async_trait]
impl TaskStateStore for SqliteStore {
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError> {
        let locator = locator.clone();
        self.db
            // Read, decide and write in the single writer: nothing can land in between. Its only
            // effects are its statements, so it may run again after a rollback.
            .write_repeatable(move |conn| {
                let Some(before) = load(conn, &locator)? else { return Ok(None) };
                let change = decide(&before);
                if let Some(change) = &change {
                    write_change(conn, &before, change)?;
                }
                // Bodies live in this same database, so pruning deleted them in this write.
                Ok(Some(Applied { before, change, pruned_bodies: Vec::new() }))
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Deadlines))
            .context("changing a task's state")
            .map_err(backend)
    }

    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        let locator = locator.clone();
        self.db.read(move |conn| Ok(load(conn, &locator)?.map(|record| (record.task.tenant_id, record.task.id)))).await.map_err(backend)
    }
}

#[async_trait]
impl TaskDueIndex for SqliteStore {
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT tenant_id, id FROM tasks WHERE next_deadline_at IS NOT NULL AND next_deadline_at <= ?1 \
                     ORDER BY next_deadline_at LIMIT ?2",
                )?;
                let mut rows = statement.query(params![ms(now), limit as i64])?;
                let mut due = Vec::new();
                while let Some(row) = rows.next()? {
                    due.push((
                        TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
                        TaskId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
                    ));
                }
                Ok(due)
            })
            .await
            .map_err(backend)
    }
}
