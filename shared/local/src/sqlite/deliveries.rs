use super::SqliteStore;
use super::codec::{backend, blob, decode_cursor, encode_cursor, ms};
use super::due::DueIndex;
use anyhow::Context;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use rusqlite::{OptionalExtension, params};
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::notify::{Delivery, DeliveryAttempt};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryDueIndex, DeliveryLog, EnqueueOutcome, StoreError};

fn parse(body: &str) -> anyhow::Result<Delivery> {
    serde_json::from_str(body).context("a stored delivery does not parse")
}

#[async_trait]
impl DeliveryLog for SqliteStore {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        let delivery = delivery.clone();
        self.db
            .write(move |conn| {
                // The unique idempotency key makes a second enqueue of the same transition to the
                // same channel a no-op.
                let inserted = conn
                    .prepare_cached(
                        "INSERT OR IGNORE INTO deliveries (id, tenant_id, incident_id, idempotency_key, status, attempts, \
                         next_attempt_at, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        blob(delivery.id.as_uuid()),
                        blob(delivery.tenant_id.as_uuid()),
                        blob(delivery.about()),
                        delivery.idempotency_key(),
                        delivery.status.as_str(),
                        delivery.attempts,
                        delivery.next_attempt_at.map(ms),
                        ms(delivery.created_at),
                        serde_json::to_string(&delivery)?
                    ])?;
                Ok(if inserted == 1 { EnqueueOutcome::Enqueued } else { EnqueueOutcome::Duplicate })
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Deliveries))
            .context("enqueueing a delivery")
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM deliveries WHERE id = ?1 AND tenant_id = ?2")?
                    .query_row(params![blob(id.as_uuid()), blob(tenant.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.as_deref().map(parse).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        let (delivery, attempt) = (delivery.clone(), attempt.clone());
        self.db
            .write(move |conn| {
                let changed = conn
                    .prepare_cached(
                        "UPDATE deliveries SET status = ?3, attempts = ?4, next_attempt_at = ?5, body = ?6 \
                         WHERE id = ?1 AND tenant_id = ?2 AND attempts = ?7",
                    )?
                    .execute(params![
                        blob(delivery.id.as_uuid()),
                        blob(delivery.tenant_id.as_uuid()),
                        delivery.status.as_str(),
                        delivery.attempts,
                        delivery.next_attempt_at.map(ms),
                        serde_json::to_string(&delivery)?,
                        delivery.attempts.saturating_sub(1)
                    ])?;
                if changed == 0 {
                    let exists: bool = conn.query_row(
                        "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = ?1 AND tenant_id = ?2)",
                        params![blob(delivery.id.as_uuid()), blob(delivery.tenant_id.as_uuid())],
                        |row| row.get(0),
                    )?;
                    return Ok(Err(if exists { StoreError::Conflict } else { StoreError::NotFound }));
                }
                conn.prepare_cached("INSERT INTO delivery_attempts (delivery_id, number, tenant_id, body) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![
                        blob(attempt.delivery_id.as_uuid()),
                        attempt.number,
                        blob(delivery.tenant_id.as_uuid()),
                        serde_json::to_string(&attempt)?
                    ])?;
                Ok(Ok(()))
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Deliveries))
            .context("recording a delivery attempt")
            .map_err(backend)?
    }

    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached("SELECT body FROM deliveries WHERE tenant_id = ?1 AND incident_id = ?2 ORDER BY created_at, id")?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(incident.as_uuid())])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(parse(&row.get::<_, String>(0)?)?);
                }
                Ok(out)
            })
            .await
            .map_err(backend)
    }

    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached("SELECT body FROM delivery_attempts WHERE delivery_id = ?1 AND tenant_id = ?2 ORDER BY number")?;
                let mut rows = statement.query(params![blob(id.as_uuid()), blob(tenant.as_uuid())])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(serde_json::from_str(&row.get::<_, String>(0)?).context("a stored attempt does not parse")?);
                }
                Ok(out)
            })
            .await
            .map_err(backend)
    }

    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        let before = page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let limit = page.limit as usize;
        self.db
            .read(move |conn| {
                let (before_at, before_id) = match &before {
                    Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
                    None => (i64::MAX, Vec::new()),
                };
                let mut statement = conn.prepare_cached(
                    "SELECT body FROM deliveries WHERE tenant_id = ?1 AND status = 'failed' AND (created_at, id) < (?2, ?3) \
                     ORDER BY created_at DESC, id DESC LIMIT ?4",
                )?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), before_at, before_id, limit as i64 + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    items.push(parse(&row.get::<_, String>(0)?)?);
                }
                let next_cursor = (items.len() > limit).then(|| {
                    items.truncate(limit);
                    let last: &Delivery = &items[limit - 1];
                    encode_cursor(&[ms(last.created_at)], Some(last.id.as_uuid()))
                });
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl DeliveryDueIndex for SqliteStore {
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        self.db
            .write(move |conn| {
                let mut due = Vec::new();
                {
                    let mut statement = conn.prepare_cached(
                        "SELECT body FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2",
                    )?;
                    let mut rows = statement.query(params![ms(now), limit as i64])?;
                    while let Some(row) = rows.next()? {
                        due.push(parse(&row.get::<_, String>(0)?)?);
                    }
                }
                // The single writer makes select-then-update atomic: no other claimer sees these
                // rows as due until the lease ends.
                let until = vigil_domain::time::to_millis(now + lease);
                let mut update = conn.prepare_cached("UPDATE deliveries SET next_attempt_at = ?2, body = ?3 WHERE id = ?1")?;
                for delivery in &mut due {
                    delivery.next_attempt_at = Some(until);
                    update.execute(params![blob(delivery.id.as_uuid()), ms(until), serde_json::to_string(&*delivery)?])?;
                }
                Ok(due)
            })
            .await
            .context("claiming due deliveries")
            .map_err(backend)
    }

    async fn claim(&self, tenant: TenantId, id: DeliveryId, now: Timestamp, lease: SignedDuration) -> Result<Option<Delivery>, StoreError> {
        self.db
            .write(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached(
                        "SELECT body FROM deliveries WHERE id = ?1 AND tenant_id = ?2 AND status = 'pending' AND next_attempt_at <= ?3",
                    )?
                    .query_row(params![blob(id.as_uuid()), blob(tenant.as_uuid()), ms(now)], |row| row.get(0))
                    .optional()?;
                let Some(mut delivery) = body.as_deref().map(parse).transpose()? else { return Ok(None) };
                let until = vigil_domain::time::to_millis(now + lease);
                delivery.next_attempt_at = Some(until);
                conn.prepare_cached("UPDATE deliveries SET next_attempt_at = ?2, body = ?3 WHERE id = ?1")?.execute(params![
                    blob(id.as_uuid()),
                    ms(until),
                    serde_json::to_string(&delivery)?
                ])?;
                Ok(Some(delivery))
            })
            .await
            .context("claiming a delivery")
            .map_err(backend)
    }
}
