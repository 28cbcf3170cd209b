use super::super::SqliteStore;
use super::super::codec::{at, backend, blob, ms};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};
use vigil_domain::host::{Enrolment, Host, HostProgress};
use vigil_domain::ids::{AgentId, EnrolmentId, TenantId};
use vigil_domain::ports::{HostDirectory, StoreError};

/// The columns [`host_from_row`] reads.
pub(super) const HOST_COLUMNS: &str = "body, acked_through, dropped_total, last_sample_at, last_seen_at";

/// The progress in the columns of [`HOST_COLUMNS`] from `first` on.
pub(super) fn progress_from_row(row: &Row<'_>, first: usize) -> anyhow::Result<HostProgress> {
    Ok(HostProgress {
        acked_through: row.get::<_, Option<i64>>(first)?.map(|n| n as u64),
        dropped_total: row.get::<_, i64>(first + 1)? as u64,
        last_sample_at: row.get::<_, Option<i64>>(first + 2)?.map(at).transpose()?,
        last_seen_at: row.get::<_, Option<i64>>(first + 3)?.map(at).transpose()?,
    })
}

fn host_from_row(row: &Row<'_>) -> anyhow::Result<Host> {
    let body: String = row.get(0)?;
    let host: Host = from_json(&body, "host")?;
    Ok(Host { progress: progress_from_row(row, 1)?, ..host })
}

impl SqliteStore {
    async fn hosts_where(&self, filter: &'static str, args: Vec<Vec<u8>>) -> Result<Vec<Host>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached(&format!("SELECT {HOST_COLUMNS} FROM hosts WHERE {filter} ORDER BY enrolled_at, id"))?;
                let rows = statement.query_map(rusqlite::params_from_iter(args.iter()), |row| Ok(host_from_row(row)))?;
                rows.map(|row| row?).collect()
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl HostDirectory for SqliteStore {
    async fn insert_enrolment(&self, enrolment: &Enrolment) -> Result<(), StoreError> {
        let (e, body) = (enrolment.clone(), to_json(enrolment).map_err(backend)?);
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT INTO host_enrolments (tenant_id, id, token_digest, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![blob(e.tenant_id.as_uuid()), blob(e.id.as_uuid()), e.token_digest, ms(e.created_at), body],
                )?;
                Ok(())
            })
            .await
            .context("storing an enrolment")
            .map_err(backend)
    }

    async fn enrolments(&self, tenant: TenantId) -> Result<Vec<Enrolment>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT body FROM host_enrolments WHERE tenant_id = ?1 ORDER BY created_at, id")?;
                let rows = statement.query_map([blob(tenant.as_uuid())], |row| row.get::<_, String>(0))?;
                rows.map(|body| from_json(&body?, "enrolment")).collect()
            })
            .await
            .map_err(backend)
    }

    async fn delete_enrolment(&self, tenant: TenantId, id: EnrolmentId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn.execute(
                    "DELETE FROM host_enrolments WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid())],
                )? > 0)
            })
            .await
            .context("withdrawing an enrolment")
            .map_err(backend)
    }

    async fn take_enrolment(&self, token_digest: &str) -> Result<Option<Enrolment>, StoreError> {
        let digest = token_digest.to_owned();
        self.db
            .write(move |conn| {
                let body: Option<String> = conn
                    .query_row("DELETE FROM host_enrolments WHERE token_digest = ?1 RETURNING body", [digest], |row| row.get(0))
                    .optional()?;
                body.map(|b| from_json(&b, "enrolment")).transpose()
            })
            .await
            .context("taking an enrolment")
            .map_err(backend)
    }

    async fn insert_host(&self, host: &Host) -> Result<(), StoreError> {
        let (h, body) = (host.clone(), to_json(host).map_err(backend)?);
        let inserted = self
            .db
            .write(move |conn| {
                let p = h.progress;
                Ok(conn.execute(
                    "INSERT OR IGNORE INTO hosts (tenant_id, id, enrolled_at, body, acked_through, dropped_total, last_sample_at, last_seen_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        blob(h.tenant_id.as_uuid()),
                        blob(h.id.as_uuid()),
                        ms(h.enrolled_at),
                        body,
                        p.acked_through.map(|n| n as i64),
                        p.dropped_total as i64,
                        p.last_sample_at.map(ms),
                        p.last_seen_at.map(ms)
                    ],
                )? > 0)
            })
            .await
            .context("storing a host")
            .map_err(backend)?;
        if inserted { Ok(()) } else { Err(StoreError::Conflict) }
    }

    async fn host(&self, tenant: TenantId, id: AgentId) -> Result<Option<Host>, StoreError> {
        Ok(self.hosts_where("tenant_id = ?1 AND id = ?2", vec![blob(tenant.as_uuid()).to_vec(), blob(id.as_uuid()).to_vec()]).await?.pop())
    }

    async fn host_by_agent(&self, id: AgentId) -> Result<Option<Host>, StoreError> {
        Ok(self.hosts_where("id = ?1", vec![blob(id.as_uuid()).to_vec()]).await?.pop())
    }

    async fn hosts(&self, tenant: TenantId) -> Result<Vec<Host>, StoreError> {
        self.hosts_where("tenant_id = ?1", vec![blob(tenant.as_uuid()).to_vec()]).await
    }

    async fn update_host(&self, host: &Host) -> Result<(), StoreError> {
        let (tenant, id, body) = (host.tenant_id, host.id, to_json(host).map_err(backend)?);
        let updated = self
            .db
            .write(move |conn| {
                Ok(conn.execute(
                    "UPDATE hosts SET body = ?3 WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid()), body],
                )?)
            })
            .await
            .context("updating a host")
            .map_err(backend)?;
        if updated > 0 { Ok(()) } else { Err(StoreError::NotFound) }
    }
}
