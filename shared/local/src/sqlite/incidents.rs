use super::SqliteStore;
use super::codec::{backend, blob, decode_cursor, encode_cursor, ms};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{IncidentQuery, IncidentStore, OpenOutcome, StoreError};

fn parse(body: &str) -> anyhow::Result<AnyIncident> {
    serde_json::from_str(body).context("a stored incident does not parse")
}

fn append_entries(conn: &Connection, tenant: TenantId, entries: &[TimelineEntry]) -> anyhow::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO incident_timeline (tenant_id, incident_id, at, entry_id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for entry in entries {
        insert.execute(params![
            blob(tenant.as_uuid()),
            blob(entry.incident_id.as_uuid()),
            ms(entry.at),
            blob(entry.id.as_uuid()),
            serde_json::to_string(entry)?
        ])?;
    }
    Ok(())
}

fn ongoing_in(conn: &Connection, tenant: TenantId, subject: IncidentSubject) -> anyhow::Result<Option<Ongoing>> {
    let body: Option<String> = conn
        .prepare_cached(
            "SELECT body FROM incidents WHERE tenant_id = ?1 AND subject_kind = ?2 AND subject_id = ?3 AND status <> 'resolved'",
        )?
        .query_row(params![blob(tenant.as_uuid()), subject.kind(), blob(subject.uuid())], |row| row.get(0))
        .optional()?;
    Ok(body.as_deref().map(parse).transpose()?.and_then(AnyIncident::ongoing))
}

#[async_trait]
impl IncidentStore for SqliteStore {
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        let (incident, entries) = (incident.clone(), entries.to_vec());
        self.db
            .write(move |conn| {
                let core = incident.core();
                let tenant = blob(core.tenant_id.as_uuid());
                let exists: bool = conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM incidents WHERE tenant_id = ?1 AND id = ?2)",
                    params![tenant, blob(core.id.as_uuid())],
                    |row| row.get(0),
                )?;
                if exists {
                    return Ok(OpenOutcome::Duplicate);
                }
                if let Some(ongoing) = ongoing_in(conn, core.tenant_id, core.subject)? {
                    return Ok(OpenOutcome::AlreadyOngoing(Box::new(ongoing)));
                }
                // The unique partial index refuses a second ongoing incident even if a check
                // above were ever wrong.
                conn.prepare_cached(
                    "INSERT INTO incidents (tenant_id, id, subject_kind, subject_id, status, opened_at, body) \
                     VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6)",
                )?
                .execute(params![
                    tenant,
                    blob(core.id.as_uuid()),
                    core.subject.kind(),
                    blob(core.subject.uuid()),
                    ms(core.opened_at),
                    serde_json::to_string(&AnyIncident::Open(incident.clone()))?
                ])?;
                append_entries(conn, core.tenant_id, &entries)?;
                Ok(OpenOutcome::Opened)
            })
            .await
            .context("opening an incident")
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM incidents WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.as_deref().map(parse).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError> {
        self.db.read(move |conn| ongoing_in(conn, tenant, subject)).await.map_err(backend)
    }

    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        let (incident, entries) = (incident.clone(), entries.to_vec());
        self.db
            .write(move |conn| {
                let core = incident.core();
                let args = params![
                    blob(core.tenant_id.as_uuid()),
                    blob(core.id.as_uuid()),
                    incident.status().as_str(),
                    serde_json::to_string(&incident)?,
                    expected.as_str()
                ];
                let changed = conn
                    .prepare_cached("UPDATE incidents SET status = ?3, body = ?4 WHERE tenant_id = ?1 AND id = ?2 AND status = ?5")?
                    .execute(args)?;
                if changed == 0 {
                    let exists: bool = conn.query_row(
                        "SELECT EXISTS (SELECT 1 FROM incidents WHERE tenant_id = ?1 AND id = ?2)",
                        params![blob(core.tenant_id.as_uuid()), blob(core.id.as_uuid())],
                        |row| row.get(0),
                    )?;
                    return Ok(Err(if exists { StoreError::Conflict } else { StoreError::NotFound }));
                }
                append_entries(conn, core.tenant_id, &entries)?;
                Ok(Ok(()))
            })
            .await
            .context("changing an incident")
            .map_err(backend)?
    }

    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        let entries = entries.to_vec();
        self.db.write(move |conn| append_entries(conn, tenant, &entries)).await.context("appending to a timeline").map_err(backend)
    }

    async fn timeline(&self, tenant: TenantId, id: IncidentId, page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        let after = page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let limit = page.limit as usize;
        self.db
            .read(move |conn| {
                let (after_at, after_id) = match &after {
                    Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
                    None => (i64::MIN, Vec::new()),
                };
                let mut statement = conn.prepare_cached(
                    "SELECT entry_id, body FROM incident_timeline WHERE tenant_id = ?1 AND incident_id = ?2 \
                     AND (at, entry_id) > (?3, ?4) ORDER BY at, entry_id LIMIT ?5",
                )?;
                let mut rows =
                    statement.query(params![blob(tenant.as_uuid()), blob(id.as_uuid()), after_at, after_id, limit as i64 + 1])?;
                let mut items: Vec<TimelineEntry> = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(serde_json::from_str(&row.get::<_, String>(1)?).context("a stored timeline entry does not parse")?);
                }
                let next_cursor = (items.len() > limit).then(|| {
                    items.truncate(limit);
                    let last = &items[limit - 1];
                    encode_cursor(&[ms(last.at)], Some(last.id.as_uuid()))
                });
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }

    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        let before = query.page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let query = query.clone();
        self.db
            .read(move |conn| {
                let mut sql = String::from("SELECT body FROM incidents WHERE tenant_id = ?1");
                let mut args: Vec<rusqlite::types::Value> = vec![blob(tenant.as_uuid()).to_vec().into()];
                let mut arg = |sql: &mut String, clause: &str, value: rusqlite::types::Value| {
                    args.push(value);
                    *sql += &clause.replace('?', &format!("?{}", args.len()));
                };
                if let Some(status) = query.status {
                    arg(&mut sql, " AND status = ?", status.as_str().to_owned().into());
                }
                if let Some(subject) = query.subject {
                    arg(&mut sql, " AND subject_kind = ?", subject.kind().to_owned().into());
                    arg(&mut sql, " AND subject_id = ?", blob(subject.uuid()).to_vec().into());
                }
                if let Some(from) = query.opened_from {
                    arg(&mut sql, " AND opened_at >= ?", ms(from).into());
                }
                if let Some(before) = query.opened_before {
                    arg(&mut sql, " AND opened_at < ?", ms(before).into());
                }
                if let Some((at, id)) = &before {
                    arg(&mut sql, " AND (opened_at, id) < (?", at[0].into());
                    arg(&mut sql, ", ?)", id.map(|id| blob(id).to_vec()).unwrap_or_default().into());
                }
                let limit = query.page.limit as usize;
                arg(&mut sql, " ORDER BY opened_at DESC, id DESC LIMIT ?", (limit as i64 + 1).into());
                let mut statement = conn.prepare_cached(&sql)?;
                let mut rows = statement.query(params_from_iter(args))?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(parse(&row.get::<_, String>(0)?)?);
                }
                let next_cursor = (items.len() > limit).then(|| {
                    items.truncate(limit);
                    let last = items[limit - 1].core();
                    encode_cursor(&[ms(last.opened_at)], Some(last.id.as_uuid()))
                });
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }
}
