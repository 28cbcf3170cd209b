use super::super::SqliteStore;
use super::super::codec::{backend, blob, decode_cursor, encode_cursor, ms};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::params;
use vigil_domain::accounts::{AuditEntry, AuditQuery};
use vigil_domain::ids::TenantId;
use vigil_domain::page::Page;
use vigil_domain::ports::{AuditLog, StoreError};

/// Rows read per step while filtering: filters other than time are applied to decoded entries.
const SCAN_STEP: usize = 200;

#[async_trait]
impl AuditLog for SqliteStore {
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let entry = entry.clone();
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT OR IGNORE INTO audit_log (tenant_id, id, at, body) VALUES (?1, ?2, ?3, ?4)",
                    params![blob(entry.tenant_id.as_uuid()), blob(entry.id.as_uuid()), ms(entry.at), to_json(&entry)?],
                )?;
                Ok(())
            })
            .await
            .context("appending to the audit log")
            .map_err(backend)
    }

    async fn entries(&self, tenant: TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        let after = query.page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let query = query.clone();
        self.db
            .read(move |conn| {
                let limit = query.page.limit as usize;
                let (mut before_at, mut before_id) = match &after {
                    Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
                    None => (query.until.map_or(i64::MAX, ms), vec![0xff; 17]),
                };
                let since = query.since.map_or(i64::MIN, ms);
                let mut items = Vec::new();
                let mut statement = conn.prepare_cached(
                    "SELECT id, at, body FROM audit_log WHERE tenant_id = ?1 AND at >= ?2 AND (at < ?3 OR (at = ?3 AND id < ?4)) \
                     ORDER BY at DESC, id DESC LIMIT ?5",
                )?;
                loop {
                    let rows: Vec<(Vec<u8>, i64, String)> = statement
                        .query_map(params![blob(tenant.as_uuid()), since, before_at, before_id, SCAN_STEP as i64], |row| {
                            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                        })?
                        .collect::<Result<_, _>>()?;
                    let exhausted = rows.len() < SCAN_STEP;
                    for (id, at, body) in rows {
                        (before_at, before_id) = (at, id);
                        let entry: AuditEntry = from_json(&body, "audit entry")?;
                        if query.matches(&entry) {
                            items.push(entry);
                            if items.len() > limit {
                                items.pop();
                                let last = items.last().expect("a full page");
                                let cursor = encode_cursor(&[ms(last.at)], Some(last.id.as_uuid()));
                                return Ok(Page { items, next_cursor: Some(cursor) });
                            }
                        }
                    }
                    if exhausted {
                        return Ok(Page { items, next_cursor: None });
                    }
                }
            })
            .await
            .map_err(backend)
    }

    async fn purge_audit(&self, tenant: TenantId, before: Timestamp) -> Result<u64, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn.execute("DELETE FROM audit_log WHERE tenant_id = ?1 AND at < ?2", params![blob(tenant.as_uuid()), ms(before)])?
                    as u64)
            })
            .await
            .context("purging the audit log")
            .map_err(backend)
    }
}
