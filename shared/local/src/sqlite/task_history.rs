//! The history of heartbeat tasks (runs and pings), tenants' ping keys, and ping bodies too
//! large to keep with their ping.

use super::SqliteStore;
use super::codec::{at, backend, blob, decode_cursor, encode_cursor, ms, uuid};
use super::task_runs::{RIDING_RUN_COLUMNS, RUN_COLUMNS, RUNNING, run_from_row};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};
use vigil_domain::heartbeat::ping::{PingBody, PingKind};
use vigil_domain::heartbeat::{PingKey, StoredRun};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};
use vigil_domain::page::{Cursor, Page, PageRequest};
use vigil_domain::ports::{PingBodyStore, PingKeys, StoreError, StoredBody, StoredPing, TaskHistory};

const PING_COLUMNS: &str = "task_id, id, at, kind, exit_status, rid, run_id, method, body, body_size, received, truncated, external";

/// History rows are keyed by their task alone: a read of a tenant's task history matches rows
/// only while the task is that tenant's (`?1` the tenant, `?2` the task).
const TENANT_OWNS_TASK: &str = "EXISTS (SELECT 1 FROM tasks WHERE tenant_id = ?1 AND id = ?2)";

/// A ping of `tenant` from a row of [`PING_COLUMNS`].
fn ping_from_row(row: &Row<'_>, tenant: TenantId) -> anyhow::Result<StoredPing> {
    let kind: String = row.get(3)?;
    let exit: Option<u8> = row.get(4)?;
    let kind = PingKind::parse(&kind, exit).ok_or_else(|| anyhow!("unknown stored ping kind `{kind}`"))?;
    let optional_uuid =
        |i: usize| -> anyhow::Result<Option<uuid::Uuid>> { row.get::<_, Option<Vec<u8>>>(i)?.as_deref().map(uuid).transpose() };
    let (inline, size, received, truncated, external): (Option<Vec<u8>>, i64, i64, bool, bool) =
        (row.get(8)?, row.get(9)?, row.get(10)?, row.get(11)?, row.get(12)?);
    let body = match (inline, external) {
        (_, true) => StoredBody::External { size: size as u64, received: received as u64, truncated },
        (Some(bytes), false) => StoredBody::Inline(PingBody { bytes, received: received as u64, truncated }),
        (None, false) => StoredBody::None,
    };
    Ok(StoredPing {
        tenant_id: tenant,
        task_id: TaskId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        id: PingId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
        at: at(row.get(2)?)?,
        kind,
        rid: optional_uuid(5)?,
        run_id: optional_uuid(6)?.map(RunId::from_uuid),
        method: row.get(7)?,
        body,
    })
}

/// The `wanted` newest runs riding on the task's pings with ids below `before` (or all of them,
/// if fewer), in no particular order.
///
/// A riding run's id and its ping's were minted in the same millisecond, and a UUIDv7 starts
/// with its millisecond: so the pings' own key order is the runs' order but for ties within a
/// millisecond. The walk goes down the key range and, once it has `wanted`, reads on only
/// through the rest of that millisecond; the caller sorts by run id. It thus stops early even
/// under a cap of thousands of pings.
fn newest_riding_runs(conn: &Connection, tenant: TenantId, task: TaskId, before: &[u8], wanted: usize) -> anyhow::Result<Vec<StoredRun>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {RIDING_RUN_COLUMNS} FROM task_pings WHERE task_id = ?2 AND id < ?3 AND run_state IS NOT NULL \
         AND {TENANT_OWNS_TASK} ORDER BY id DESC"
    ))?;
    // Pings minted in `before`'s millisecond or earlier: 0xFF… past its timestamp bytes.
    let mut ping_bound = [0xFF_u8; 16];
    ping_bound[..6].copy_from_slice(&before[..6]);
    let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), ping_bound.as_slice()])?;
    let mut found = Vec::new();
    let mut last_millisecond = None;
    while let Some(row) = rows.next()? {
        let run = run_from_row(row, tenant)?;
        let id = *run.id.as_uuid().as_bytes();
        let millisecond = [id[0], id[1], id[2], id[3], id[4], id[5]];
        if found.len() >= wanted && last_millisecond != Some(millisecond) {
            break;
        }
        if id.as_slice() < before {
            last_millisecond = Some(millisecond);
            found.push(run);
        }
    }
    Ok(found)
}

/// The id after which a newest-first page continues.
fn before(cursor: Option<&Cursor>) -> Result<Vec<u8>, StoreError> {
    // 16 bytes of 0xFF sort after every id.
    Ok(match cursor {
        Some(cursor) => blob(decode_cursor(cursor, 1, true)?.1.ok_or(StoreError::InvalidCursor)?).to_vec(),
        None => vec![0xFF; 16],
    })
}

/// A page of `items` read with one extra row to know whether more follow.
fn page_of<T>(mut items: Vec<T>, limit: u32, id_of: impl Fn(&T) -> uuid::Uuid) -> Page<T> {
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|last| encode_cursor(&[0], Some(id_of(last))))
    } else {
        None
    };
    Page { items, next_cursor }
}

#[async_trait]
impl TaskHistory for SqliteStore {
    async fn list_runs(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        let before = before(page.cursor.as_ref())?;
        let limit = page.limit;
        self.db
            .read(move |conn| {
                let wanted = limit as usize + 1;
                let args = params![blob(tenant.as_uuid()), blob(task.as_uuid()), before, wanted as i64];
                let mut items = Vec::new();
                let mut own_rows = conn.prepare_cached(&format!(
                    "SELECT {RUN_COLUMNS} FROM task_runs WHERE task_id = ?2 AND id < ?3 AND {TENANT_OWNS_TASK} ORDER BY id DESC LIMIT ?4"
                ))?;
                let mut rows = own_rows.query(args)?;
                while let Some(row) = rows.next()? {
                    items.push(run_from_row(row, tenant)?);
                }
                items.extend(newest_riding_runs(conn, tenant, task, &before, wanted)?);
                items.sort_unstable_by_key(|run: &StoredRun| std::cmp::Reverse(run.id.as_uuid()));
                items.truncate(wanted);
                Ok(page_of(items, limit, |run| run.id.as_uuid()))
            })
            .await
            .map_err(backend)
    }

    async fn list_pings(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        let before = before(page.cursor.as_ref())?;
        let limit = page.limit;
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT {PING_COLUMNS} FROM task_pings WHERE task_id = ?2 AND id < ?3 AND {TENANT_OWNS_TASK} ORDER BY id DESC LIMIT ?4"
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), before, i64::from(limit) + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(ping_from_row(row, tenant)?);
                }
                Ok(page_of(items, limit, |ping| ping.id.as_uuid()))
            })
            .await
            .map_err(backend)
    }

    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT {PING_COLUMNS} FROM task_pings WHERE task_id = ?2 AND id = ?3 AND {TENANT_OWNS_TASK}"
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), blob(ping.as_uuid())])?;
                rows.next()?.map(|row| ping_from_row(row, tenant)).transpose()
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl PingKeys for SqliteStore {
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        self.db
            .read(move |conn| {
                let key: Option<String> = conn
                    .prepare_cached("SELECT ping_key FROM tenant_ping_keys WHERE tenant_id = ?1")?
                    .query_row([blob(tenant.as_uuid())], |row| row.get(0))
                    .optional()?;
                key.map(|k| k.parse::<PingKey>().map_err(anyhow::Error::msg)).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn get_or_insert(&self, tenant: TenantId, key: &PingKey) -> Result<PingKey, StoreError> {
        let key = key.clone();
        self.db
            .write(move |conn| {
                conn.prepare_cached("INSERT OR IGNORE INTO tenant_ping_keys (tenant_id, ping_key) VALUES (?1, ?2)")?
                    .execute(params![blob(tenant.as_uuid()), key.as_str()])?;
                let stored: String = conn
                    .prepare_cached("SELECT ping_key FROM tenant_ping_keys WHERE tenant_id = ?1")?
                    .query_row([blob(tenant.as_uuid())], |row| row.get(0))?;
                stored.parse::<PingKey>().map_err(anyhow::Error::msg)
            })
            .await
            .context("storing a ping key")
            .map_err(backend)
    }
}

#[async_trait]
impl PingBodyStore for SqliteStore {
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError> {
        let body = body.to_vec();
        self.db
            .write(move |conn| {
                conn.prepare_cached("INSERT OR REPLACE INTO ping_bodies (tenant_id, task_id, ping_id, body) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![blob(tenant.as_uuid()), blob(task.as_uuid()), blob(ping.as_uuid()), body])?;
                Ok(())
            })
            .await
            .context("storing a ping body")
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        self.db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached("SELECT body FROM ping_bodies WHERE tenant_id = ?1 AND task_id = ?2 AND ping_id = ?3")?
                    .query_row(params![blob(tenant.as_uuid()), blob(task.as_uuid()), blob(ping.as_uuid())], |row| row.get(0))
                    .optional()?)
            })
            .await
            .map_err(backend)
    }

    async fn delete(&self, tenant: TenantId, task: TaskId, pings: &[PingId]) -> Result<(), StoreError> {
        let pings = pings.to_vec();
        self.db
            .write(move |conn| {
                let mut delete = conn.prepare_cached("DELETE FROM ping_bodies WHERE tenant_id = ?1 AND task_id = ?2 AND ping_id = ?3")?;
                for ping in &pings {
                    delete.execute(params![blob(tenant.as_uuid()), blob(task.as_uuid()), blob(ping.as_uuid())])?;
                }
                Ok(())
            })
            .await
            .context("deleting ping bodies")
            .map_err(backend)
    }

    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError> {
        self.db
            .write(move |conn| {
                conn.execute(
                    "DELETE FROM ping_bodies WHERE tenant_id = ?1 AND task_id = ?2",
                    params![blob(tenant.as_uuid()), blob(task.as_uuid())],
                )?;
                Ok(())
            })
            .await
            .context("deleting ping bodies")
            .map_err(backend)
    }
}

/// Tasks whose history one write prunes, so that pruning never holds the writer for long.
const TASKS_PER_WRITE: usize = 200;

/// The lowest UUIDv7 minted at `at`: every id below it was minted earlier.
fn first_id_at(at: Timestamp) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..6].copy_from_slice(&(ms(at).max(0) as u64).to_be_bytes()[2..]);
    id
}

impl SqliteStore {
    /// Deletes pings, runs and ping bodies older than `before`, task by task over each task's
    /// key range (ids are UUIDv7 minted on arrival, so older ids sort first); returns how many
    /// pings were deleted. Runs still open stay whatever their age: their task refers to them.
    pub async fn prune_task_history(&self, before: Timestamp) -> anyhow::Result<u64> {
        let cutoff = ms(before);
        let below = first_id_at(before).to_vec();
        let tasks: Vec<(Vec<u8>, Vec<u8>)> = self
            .db
            .read(|conn| {
                let mut statement = conn.prepare("SELECT tenant_id, id FROM tasks")?;
                let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            })
            .await
            .context("listing tasks to prune their history")?;
        let mut deleted = 0;
        for chunk in tasks.chunks(TASKS_PER_WRITE) {
            let chunk = chunk.to_vec();
            let below = below.clone();
            deleted += self
                .db
                .write(move |conn| {
                    let mut pings = 0;
                    for (tenant, task) in &chunk {
                        // `?1`, the tenant, keys only the bodies: history is keyed by task.
                        let args = params![tenant, task, below, cutoff];
                        conn.prepare_cached(
                            "DELETE FROM ping_bodies WHERE tenant_id = ?1 AND task_id = ?2 AND ping_id IN \
                             (SELECT id FROM task_pings WHERE task_id = ?2 AND id < ?3 AND at < ?4)",
                        )?
                        .execute(args)?;
                        pings +=
                            conn.prepare_cached("DELETE FROM task_pings WHERE task_id = ?2 AND id < ?3 AND at < ?4")?.execute(args)? as u64;
                        // A run riding on a ping went with it: it ended when the ping came.
                        conn.prepare_cached(
                            "DELETE FROM task_runs WHERE task_id = ?2 AND id < ?3 \
                             AND coalesce(started_at, finished_at) < ?4 AND state != ?5",
                        )?
                        .execute(params![tenant, task, below, cutoff, RUNNING])?;
                    }
                    Ok(pings)
                })
                .await
                .context("pruning pings and runs")?;
        }
        Ok(deleted)
    }
}
