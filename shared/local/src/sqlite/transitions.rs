use super::SqliteStore;
use super::codec::{backend, blob, decode_newest_first_cursor, ms, newest_first_page};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::monitor::StatusTransition;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{StoreError, TransitionLog};

/// Appends a transition; `check_planned_at` links it to the check that caused it.
pub(super) fn insert_transition(conn: &Connection, transition: &StatusTransition, check_planned_at: Option<i64>) -> anyhow::Result<()> {
    conn.prepare_cached("INSERT INTO transitions (tenant_id, monitor_id, at, check_planned_at, body) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![
            blob(transition.tenant_id.as_uuid()),
            blob(transition.monitor_id.as_uuid()),
            ms(transition.at),
            check_planned_at,
            serde_json::to_string(transition)?,
        ])?;
    Ok(())
}

fn parse(body: &str) -> anyhow::Result<StatusTransition> {
    serde_json::from_str(body).context("a stored transition does not parse")
}

#[async_trait]
impl TransitionLog for SqliteStore {
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<StatusTransition>, StoreError> {
        let before = decode_newest_first_cursor(page.cursor.as_ref())?;
        let limit = page.limit;
        self.db
            .read(move |conn| {
                let sql = "SELECT seq, body FROM transitions WHERE tenant_id = ?1 AND monitor_id = ?2 AND seq < ?3 \
                           ORDER BY seq DESC LIMIT ?4";
                newest_first_page(conn, sql, (tenant.as_uuid(), monitor.as_uuid()), before, limit, |row| parse(&row.get::<_, String>(1)?))
            })
            .await
            .map_err(backend)
    }

    async fn caused_by(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<StatusTransition>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached(
                        "SELECT body FROM transitions WHERE tenant_id = ?1 AND monitor_id = ?2 AND check_planned_at IS NOT NULL \
                         AND check_planned_at = ?3",
                    )?
                    .query_row(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), check.planned_ms()], |row| row.get(0))
                    .optional()?;
                body.as_deref().map(parse).transpose()
            })
            .await
            .map_err(backend)
    }
}
