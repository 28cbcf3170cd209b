use super::SqliteStore;
use super::codec::{backend, blob, ms};
use super::due::DueIndex;
use anyhow::Context;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, params};
use vigil_domain::notify::Timer;
use vigil_domain::ports::{StoreError, TimerIndex};

fn upsert(conn: &Connection, timer: &Timer) -> anyhow::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO incident_timers (tenant_id, incident_id, rule_id, slot, due_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        blob(timer.tenant_id.as_uuid()),
        blob(timer.incident_id.as_uuid()),
        blob(timer.rule_id.as_uuid()),
        timer.slot(),
        ms(timer.due_at),
        serde_json::to_string(timer)?
    ])?;
    Ok(())
}

#[async_trait]
impl TimerIndex for SqliteStore {
    async fn schedule(&self, timers: &[Timer]) -> Result<(), StoreError> {
        let timers = timers.to_vec();
        self.db
            .write(move |conn| timers.iter().try_for_each(|timer| upsert(conn, timer)))
            .await
            .inspect(|_| self.due_changed(DueIndex::Timers))
            .context("scheduling timers")
            .map_err(backend)
    }

    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Timer>, StoreError> {
        self.db
            .write(move |conn| {
                let mut due: Vec<Timer> = Vec::new();
                {
                    let mut statement =
                        conn.prepare_cached("SELECT body FROM incident_timers WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2")?;
                    let mut rows = statement.query(params![ms(now), limit as i64])?;
                    while let Some(row) = rows.next()? {
                        due.push(serde_json::from_str(&row.get::<_, String>(0)?).context("a stored timer does not parse")?);
                    }
                }
                let until = vigil_domain::time::to_millis(now + lease);
                let mut update = conn.prepare_cached(
                    "UPDATE incident_timers SET due_at = ?5 WHERE tenant_id = ?1 AND incident_id = ?2 AND rule_id = ?3 AND slot = ?4",
                )?;
                for timer in &due {
                    update.execute(params![
                        blob(timer.tenant_id.as_uuid()),
                        blob(timer.incident_id.as_uuid()),
                        blob(timer.rule_id.as_uuid()),
                        timer.slot(),
                        ms(until)
                    ])?;
                }
                Ok(due)
            })
            .await
            .context("claiming due timers")
            .map_err(backend)
    }

    async fn complete(&self, claimed: &Timer, next: Option<&Timer>) -> Result<(), StoreError> {
        let (claimed, next) = (claimed.clone(), next.cloned());
        self.db
            .write(move |conn| {
                conn.prepare_cached(
                    "DELETE FROM incident_timers WHERE tenant_id = ?1 AND incident_id = ?2 AND rule_id = ?3 AND slot = ?4",
                )?
                .execute(params![
                    blob(claimed.tenant_id.as_uuid()),
                    blob(claimed.incident_id.as_uuid()),
                    blob(claimed.rule_id.as_uuid()),
                    claimed.slot()
                ])?;
                if let Some(next) = &next {
                    upsert(conn, next)?;
                }
                Ok(())
            })
            .await
            .inspect(|_| self.due_changed(DueIndex::Timers))
            .context("completing a timer")
            .map_err(backend)
    }
}
