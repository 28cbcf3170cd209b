use super::SqliteStore;
use super::codec::{MONITOR_COLUMNS, MONITORS_SCHEDULED, backend, blob, decode_cursor, encode_cursor, monitor_from_row, ms};
use super::due::DueIndex;
use super::transitions::insert_transition;
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::collections::BTreeMap;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::page::Page;
use vigil_domain::ports::{MonitorQuery, MonitorRepository, StoreError};

/// The outcome of a conditional write.
enum Conditional {
    Done,
    Conflict,
    Missing,
}

impl Conditional {
    fn into_result(self) -> Result<(), StoreError> {
        match self {
            Conditional::Done => Ok(()),
            Conditional::Conflict => Err(StoreError::Conflict),
            Conditional::Missing => Err(StoreError::NotFound),
        }
    }
}

fn replace_tags(conn: &Connection, monitor: &HttpMonitor) -> rusqlite::Result<()> {
    let (tenant, id) = (blob(monitor.tenant_id.as_uuid()), blob(monitor.id.as_uuid()));
    conn.execute("DELETE FROM monitor_tags WHERE tenant_id = ?1 AND monitor_id = ?2", params![tenant, id])?;
    let mut insert = conn.prepare_cached("INSERT INTO monitor_tags (tenant_id, tag, monitor_id) VALUES (?1, ?2, ?3)")?;
    for tag in &monitor.spec.tags {
        insert.execute(params![tenant, tag, id])?;
    }
    Ok(())
}

/// Plans the monitor's next check at `next_due_at`, or none. A claim made before is no longer
/// handed back at a start (see interrupted.rs): the plan it was part of has changed.
fn schedule(conn: &Connection, tenant: TenantId, id: MonitorId, next_due_at: Option<Timestamp>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO check_schedule (tenant_id, monitor_id, next_due_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (tenant_id, monitor_id) DO UPDATE SET next_due_at = excluded.next_due_at, claimed_slot = NULL",
    )?
    .execute(params![blob(tenant.as_uuid()), blob(id.as_uuid()), next_due_at.map(ms)])?;
    Ok(())
}

/// Whether the monitor exists, for telling a lost race from a missing row.
fn exists(conn: &Connection, tenant: [u8; 16], id: [u8; 16]) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM monitors WHERE tenant_id = ?1 AND id = ?2)", params![tenant, id], |row| row.get(0))
}

#[async_trait]
impl MonitorRepository for SqliteStore {
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError> {
        let record = record.clone();
        self.db
            .write(move |conn| {
                let (m, h) = (&record.monitor, &record.health);
                conn.execute(
                    "INSERT INTO monitors (tenant_id, id, spec, interval_s, revision, created_at, updated_at, status, \
                     status_since, failure_streak, success_streak, health_version) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        blob(m.tenant_id.as_uuid()),
                        blob(m.id.as_uuid()),
                        serde_json::to_string(&m.spec)?,
                        m.spec.interval.seconds(),
                        m.revision as i64,
                        ms(m.created_at),
                        ms(m.updated_at),
                        h.status.as_str(),
                        ms(h.since),
                        h.failure_streak,
                        h.success_streak,
                        h.version as i64,
                    ],
                )?;
                schedule(conn, m.tenant_id, m.id, record.next_due_at)?;
                replace_tags(conn, m)?;
                Ok(())
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Checks))
            .context("inserting a monitor")
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        self.db
            .read(move |conn| {
                let sql = format!("SELECT {MONITOR_COLUMNS} FROM {MONITORS_SCHEDULED} WHERE m.tenant_id = ?1 AND m.id = ?2");
                let mut statement = conn.prepare_cached(&sql)?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(id.as_uuid())])?;
                rows.next()?.map(monitor_from_row).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn list(&self, tenant: TenantId, query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError> {
        let after = query.page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let query = query.clone();
        self.db
            .read(move |conn| {
                let mut sql = format!("SELECT {MONITOR_COLUMNS} FROM {MONITORS_SCHEDULED} WHERE m.tenant_id = ?1");
                let mut args: Vec<rusqlite::types::Value> = vec![blob(tenant.as_uuid()).to_vec().into()];
                if let Some(tag) = &query.tag {
                    args.push(tag.clone().into());
                    sql += &format!(
                        " AND EXISTS (SELECT 1 FROM monitor_tags t WHERE t.tenant_id = m.tenant_id AND t.tag = ?{} AND t.monitor_id = m.id)",
                        args.len()
                    );
                }
                if let Some(status) = query.status {
                    args.push(status.as_str().to_owned().into());
                    sql += &format!(" AND m.status = ?{}", args.len());
                }
                if let Some((created, id)) = &after {
                    args.push(created[0].into());
                    args.push(id.map(|id| blob(id).to_vec()).unwrap_or_default().into());
                    sql += &format!(" AND (m.created_at, m.id) > (?{}, ?{})", args.len() - 1, args.len());
                }
                args.push(i64::from(query.page.limit + 1).into());
                sql += &format!(" ORDER BY m.created_at, m.id LIMIT ?{}", args.len());
                let mut statement = conn.prepare_cached(&sql)?;
                let mut rows = statement.query(params_from_iter(args))?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(monitor_from_row(row)?);
                }
                let next_cursor = if items.len() > query.page.limit as usize {
                    items.truncate(query.page.limit as usize);
                    items.last().map(|last| encode_cursor(&[ms(last.monitor.created_at)], Some(last.monitor.id.as_uuid())))
                } else {
                    None
                };
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }

    async fn update_spec(&self, monitor: &HttpMonitor, expected_revision: u64, next_due_at: Option<Timestamp>) -> Result<(), StoreError> {
        let monitor = monitor.clone();
        self.db
            .write(move |conn| {
                let (tenant, id) = (blob(monitor.tenant_id.as_uuid()), blob(monitor.id.as_uuid()));
                let changed = conn.execute(
                    "UPDATE monitors SET spec = ?3, interval_s = ?4, revision = ?5, updated_at = ?6 \
                     WHERE tenant_id = ?1 AND id = ?2 AND revision = ?7",
                    params![
                        tenant,
                        id,
                        serde_json::to_string(&monitor.spec)?,
                        monitor.spec.interval.seconds(),
                        monitor.revision as i64,
                        ms(monitor.updated_at),
                        expected_revision as i64,
                    ],
                )?;
                if changed == 0 {
                    return Ok(if exists(conn, tenant, id)? { Conditional::Conflict } else { Conditional::Missing });
                }
                schedule(conn, monitor.tenant_id, monitor.id, next_due_at)?;
                replace_tags(conn, &monitor)?;
                Ok(Conditional::Done)
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Checks))
            .context("updating a monitor")
            .map_err(backend)?
            .into_result()
    }

    async fn change_health(
        &self,
        tenant: TenantId,
        id: MonitorId,
        expected_version: u64,
        health: &MonitorHealth,
        next_due_at: Option<Timestamp>,
        transition: Option<&StatusTransition>,
    ) -> Result<(), StoreError> {
        let (health, transition) = (*health, transition.cloned());
        self.db
            .write(move |conn| {
                let (tenant_blob, id_blob) = (blob(tenant.as_uuid()), blob(id.as_uuid()));
                let changed = conn.execute(
                    "UPDATE monitors SET status = ?3, status_since = ?4, failure_streak = ?5, success_streak = ?6, \
                     health_version = ?7 WHERE tenant_id = ?1 AND id = ?2 AND health_version = ?8",
                    params![
                        tenant_blob,
                        id_blob,
                        health.status.as_str(),
                        ms(health.since),
                        health.failure_streak,
                        health.success_streak,
                        health.version as i64,
                        expected_version as i64,
                    ],
                )?;
                if changed == 0 {
                    return Ok(if exists(conn, tenant_blob, id_blob)? { Conditional::Conflict } else { Conditional::Missing });
                }
                schedule(conn, tenant, id, next_due_at)?;
                if let Some(transition) = &transition {
                    insert_transition(conn, transition, None)?;
                }
                Ok(Conditional::Done)
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Checks))
            .context("changing a monitor's health")
            .map_err(backend)?
            .into_result()
    }

    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                let args = params![blob(tenant.as_uuid()), blob(id.as_uuid())];
                let deleted = conn.execute("DELETE FROM monitors WHERE tenant_id = ?1 AND id = ?2", args)?;
                for table in ["monitor_tags", "check_schedule", "check_results", "check_rollups", "transitions"] {
                    conn.execute(&format!("DELETE FROM {table} WHERE tenant_id = ?1 AND monitor_id = ?2"), args)?;
                }
                Ok(deleted > 0)
            })
            .await
            .context("deleting a monitor")
            .map_err(backend)
    }

    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT status, COUNT(*) FROM monitors WHERE tenant_id = ?1 GROUP BY status")?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut counts = BTreeMap::new();
                while let Some(row) = rows.next()? {
                    let status: String = row.get(0)?;
                    if let Some(status) = MonitorStatus::parse(&status) {
                        counts.insert(status, row.get::<_, i64>(1)? as u64);
                    }
                }
                Ok(counts)
            })
            .await
            .map_err(backend)
    }
}

/// The health version of a monitor, or `None` if it does not exist.
pub(super) fn health_version(conn: &Connection, tenant: TenantId, id: MonitorId) -> rusqlite::Result<Option<u64>> {
    conn.prepare_cached("SELECT health_version FROM monitors WHERE tenant_id = ?1 AND id = ?2")?
        .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |row| row.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| v as u64))
}
