use super::SqliteStore;
use super::codec::{at, backend, blob, ms, uuid};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::params;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::resume_slot;
use vigil_domain::ports::{CheckSchedule, DueCheck, StoreError};

#[async_trait]
impl CheckSchedule for SqliteStore {
    async fn claim_due(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<DueCheck>, StoreError> {
        self.claim_ahead(now, until, until, limit).await
    }

    async fn claim_ahead(
        &self,
        now: Timestamp,
        lead_until: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<DueCheck>, StoreError> {
        let lead_until = lead_until.min(until);
        self.db
            // Claiming runs in the single writer, so two claims can never hand out one slot.
            .write(move |conn| {
                let mut due_rows = conn.prepare_cached(
                    "SELECT tenant_id, id, interval_s, next_due_at FROM monitors \
                     WHERE next_due_at IS NOT NULL AND next_due_at < ?1 ORDER BY next_due_at LIMIT ?2",
                )?;
                let mut rows = due_rows.query(params![ms(lead_until), limit as i64])?;
                let mut claimed = Vec::new();
                let mut advanced = Vec::new();
                while let Some(row) = rows.next()? {
                    if claimed.len() >= limit {
                        break;
                    }
                    let tenant_id = TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?);
                    let monitor_id = MonitorId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?);
                    let interval = CheckInterval::from_seconds(row.get(2)?).map_err(anyhow::Error::msg)?;
                    let mut slot = resume_slot(interval, monitor_id, at(row.get(3)?)?, now);
                    // A short interval can have several slots before `until`.
                    while slot < until && claimed.len() < limit {
                        claimed.push(DueCheck { tenant_id, monitor_id, planned_at: slot, interval });
                        slot = interval.next_slot_after(monitor_id, slot);
                    }
                    advanced.push((tenant_id, monitor_id, slot));
                }
                drop(rows);
                let mut advance = conn.prepare_cached("UPDATE monitors SET next_due_at = ?3 WHERE tenant_id = ?1 AND id = ?2")?;
                for (tenant_id, monitor_id, next) in advanced {
                    advance.execute(params![blob(tenant_id.as_uuid()), blob(monitor_id.as_uuid()), ms(next)])?;
                }
                Ok(claimed)
            })
            .await
            .context("claiming due checks")
            .map_err(backend)
    }
}
