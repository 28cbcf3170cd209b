use super::super::SqliteStore;
use super::super::codec::{backend, blob, decode_cursor, encode_cursor, ms, uuid};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use serde::de::DeserializeOwned;
use vigil_domain::host::{ActionRecord, ConnectionEvent};
use vigil_domain::ids::{ActionRequestId, AgentId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{ActionHistory, ConnectionLog, StoreError};

/// A page, newest first, of rows `(at, id, body)` that `sql` selects: its parameters are
/// `args`, then the position to read before (`at`, `id`) and the row limit.
fn newest_first<T: DeserializeOwned>(
    conn: &rusqlite::Connection,
    sql: &str,
    args: Vec<Vec<u8>>,
    page: &PageRequest,
    what: &str,
) -> anyhow::Result<Result<Page<T>, StoreError>> {
    let before = match page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose() {
        Ok(before) => before,
        Err(error) => return Ok(Err(error)),
    };
    let (before_at, before_id) = match before {
        Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
        None => (i64::MAX, vec![0xff; 17]),
    };
    let limit = page.limit as usize;
    let mut statement = conn.prepare_cached(sql)?;
    let mut values: Vec<rusqlite::types::Value> = args.into_iter().map(rusqlite::types::Value::Blob).collect();
    values.extend([before_at.into(), before_id.into(), (limit as i64 + 1).into()]);
    let mut rows = statement.query(rusqlite::params_from_iter(values))?;
    let mut items = Vec::new();
    let mut last = None;
    while let Some(row) = rows.next()? {
        if items.len() == limit {
            let (at, id): (i64, uuid::Uuid) = last.expect("a full page has a last row");
            return Ok(Ok(Page { items, next_cursor: Some(encode_cursor(&[at], Some(id))) }));
        }
        last = Some((row.get::<_, i64>(0)?, uuid(&row.get::<_, Vec<u8>>(1)?)?));
        items.push(from_json(&row.get::<_, String>(2)?, what)?);
    }
    Ok(Ok(Page { items, next_cursor: None }))
}

#[async_trait]
impl ConnectionLog for SqliteStore {
    async fn append_connection(&self, event: &ConnectionEvent) -> Result<(), StoreError> {
        let (e, body) = (event.clone(), to_json(event).map_err(backend)?);
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO host_connections (tenant_id, agent_id, at, id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![blob(e.tenant_id.as_uuid()), blob(e.agent_id.as_uuid()), ms(e.at), blob(e.id.as_uuid()), body],
                )?;
                Ok(())
            })
            .await
            .context("storing a connection event")
            .map_err(backend)
    }

    async fn connections(&self, tenant: TenantId, agent: AgentId, page: &PageRequest) -> Result<Page<ConnectionEvent>, StoreError> {
        let page = page.clone();
        self.db
            .read(move |conn| {
                newest_first(
                    conn,
                    "SELECT at, id, body FROM host_connections WHERE tenant_id = ?1 AND agent_id = ?2 AND (at < ?3 OR (at = ?3 AND id < ?4)) \
                     ORDER BY at DESC, id DESC LIMIT ?5",
                    vec![blob(tenant.as_uuid()).to_vec(), blob(agent.as_uuid()).to_vec()],
                    &page,
                    "connection event",
                )
            })
            .await
            .map_err(backend)?
    }
}

#[async_trait]
impl ActionHistory for SqliteStore {
    async fn insert_action(&self, record: &ActionRecord) -> Result<(), StoreError> {
        let (r, body) = (record.clone(), to_json(record).map_err(backend)?);
        let inserted = self
            .db
            .write(move |conn| {
                Ok(conn.execute(
                    "INSERT OR IGNORE INTO host_actions (tenant_id, id, agent_id, requested_at, status, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![blob(r.tenant_id.as_uuid()), blob(r.id.as_uuid()), blob(r.agent_id.as_uuid()), ms(r.requested_at), r.outcome.as_str(), body],
                )? > 0)
            })
            .await
            .context("storing an action request")
            .map_err(backend)?;
        if inserted { Ok(()) } else { Err(StoreError::Conflict) }
    }

    async fn action(&self, tenant: TenantId, id: ActionRequestId) -> Result<Option<ActionRecord>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM host_actions WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.map(|b| from_json(&b, "action request")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn update_action(&self, record: &ActionRecord, expected: &str) -> Result<(), StoreError> {
        let (r, body, expected) = (record.clone(), to_json(record).map_err(backend)?, expected.to_owned());
        self.db
            .write(move |conn| {
                let key = params![blob(r.tenant_id.as_uuid()), blob(r.id.as_uuid())];
                let status: Option<String> =
                    conn.query_row("SELECT status FROM host_actions WHERE tenant_id = ?1 AND id = ?2", key, |row| row.get(0)).optional()?;
                match status {
                    None => Ok(Err(StoreError::NotFound)),
                    Some(status) if status != expected => Ok(Err(StoreError::Conflict)),
                    Some(_) => {
                        conn.execute(
                            "UPDATE host_actions SET status = ?3, body = ?4 WHERE tenant_id = ?1 AND id = ?2",
                            params![blob(r.tenant_id.as_uuid()), blob(r.id.as_uuid()), r.outcome.as_str(), body],
                        )?;
                        Ok(Ok(()))
                    }
                }
            })
            .await
            .context("updating an action request")
            .map_err(backend)?
    }

    async fn actions(&self, tenant: TenantId, agent: Option<AgentId>, page: &PageRequest) -> Result<Page<ActionRecord>, StoreError> {
        let page = page.clone();
        self.db
            .read(move |conn| match agent {
                Some(agent) => newest_first(
                    conn,
                    "SELECT requested_at, id, body FROM host_actions WHERE tenant_id = ?1 AND agent_id = ?2 \
                     AND (requested_at < ?3 OR (requested_at = ?3 AND id < ?4)) ORDER BY requested_at DESC, id DESC LIMIT ?5",
                    vec![blob(tenant.as_uuid()).to_vec(), blob(agent.as_uuid()).to_vec()],
                    &page,
                    "action request",
                ),
                None => newest_first(
                    conn,
                    "SELECT requested_at, id, body FROM host_actions WHERE tenant_id = ?1 \
                     AND (requested_at < ?2 OR (requested_at = ?2 AND id < ?3)) ORDER BY requested_at DESC, id DESC LIMIT ?4",
                    vec![blob(tenant.as_uuid()).to_vec()],
                    &page,
                    "action request",
                ),
            })
            .await
            .map_err(backend)?
    }
}
