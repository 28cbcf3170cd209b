//! The history of heartbeat tasks (runs and pings), tenants' ping keys, and ping bodies too
//! large to keep with their ping.

use super::SqliteStore;
use super::codec::{at, backend, blob, decode_cursor, encode_cursor, ms, uuid};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};
use vigil_domain::heartbeat::ping::{PingBody, PingKind};
use vigil_domain::heartbeat::{PingKey, StoredRun};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};
use vigil_domain::page::{Cursor, Page, PageRequest};
use vigil_domain::ports::{PingBodyStore, PingKeys, StoreError, StoredBody, StoredPing, TaskHistory};

const PING_COLUMNS: &str =
    "tenant_id, task_id, id, at, kind, exit_status, rid, run_id, method, body, body_size, received, truncated, external";

fn ping_from_row(row: &Row<'_>) -> anyhow::Result<StoredPing> {
    let kind: String = row.get(4)?;
    let exit: Option<u8> = row.get(5)?;
    let kind = PingKind::parse(&kind, exit).ok_or_else(|| anyhow!("unknown stored ping kind `{kind}`"))?;
    let optional_uuid =
        |i: usize| -> anyhow::Result<Option<uuid::Uuid>> { row.get::<_, Option<Vec<u8>>>(i)?.as_deref().map(uuid).transpose() };
    let (inline, size, received, truncated, external): (Option<Vec<u8>>, i64, i64, bool, bool) =
        (row.get(9)?, row.get(10)?, row.get(11)?, row.get(12)?, row.get(13)?);
    let body = match (inline, external) {
        (_, true) => StoredBody::External { size: size as u64, received: received as u64, truncated },
        (Some(bytes), false) => StoredBody::Inline(PingBody { bytes, received: received as u64, truncated }),
        (None, false) => StoredBody::None,
    };
    Ok(StoredPing {
        tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        task_id: TaskId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
        id: PingId::from_uuid(uuid(&row.get::<_, Vec<u8>>(2)?)?),
        at: at(row.get(3)?)?,
        kind,
        rid: optional_uuid(6)?,
        run_id: optional_uuid(7)?.map(RunId::from_uuid),
        method: row.get(8)?,
        body,
    })
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
                let mut statement = conn.prepare_cached(
                    "SELECT body FROM task_runs WHERE tenant_id = ?1 AND task_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4",
                )?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), before, i64::from(limit) + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    let run: StoredRun = serde_json::from_str(&row.get::<_, String>(0)?).context("a stored run does not parse")?;
                    items.push(run);
                }
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
                    "SELECT {PING_COLUMNS} FROM task_pings WHERE tenant_id = ?1 AND task_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4"
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), before, i64::from(limit) + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(ping_from_row(row)?);
                }
                Ok(page_of(items, limit, |ping| ping.id.as_uuid()))
            })
            .await
            .map_err(backend)
    }

    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn
                    .prepare_cached(&format!("SELECT {PING_COLUMNS} FROM task_pings WHERE tenant_id = ?1 AND task_id = ?2 AND id = ?3"))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(task.as_uuid()), blob(ping.as_uuid())])?;
                rows.next()?.map(ping_from_row).transpose()
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

impl SqliteStore {
    /// Deletes pings, runs and ping bodies older than `before`, in chunks; returns how many
    /// pings were deleted.
    pub async fn prune_task_history(&self, before: Timestamp) -> anyhow::Result<u64> {
        let cutoff = ms(before);
        let mut deleted = 0;
        loop {
            let chunk = self
                .db
                .write(move |conn| {
                    let old = "SELECT tenant_id, task_id, id FROM task_pings WHERE at < ?1 LIMIT 5000";
                    conn.execute(&format!("DELETE FROM ping_bodies WHERE (tenant_id, task_id, ping_id) IN ({old})"), [cutoff])?;
                    Ok(conn.execute(&format!("DELETE FROM task_pings WHERE (tenant_id, task_id, id) IN ({old})"), [cutoff])?)
                })
                .await
                .context("pruning pings")?;
            deleted += chunk as u64;
            if chunk < 5000 {
                break;
            }
        }
        self.db
            .write(move |conn| {
                // Open runs stay whatever their age: they are still referenced by their task.
                Ok(conn
                    .execute("DELETE FROM task_runs WHERE opened_at < ?1 AND json_extract(body, '$.state.state') != 'running'", [cutoff])?)
            })
            .await
            .context("pruning runs")?;
        Ok(deleted)
    }
}
