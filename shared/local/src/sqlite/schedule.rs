use super::SqliteStore;
use super::codec::{MONITOR_COLUMNS, MONITORS_SCHEDULED, at, backend, blob, monitor_from_row, ms, uuid};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::params;
use std::sync::Arc;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::{DueMonitor, allot_slots};
use vigil_domain::ports::{CheckSchedule, ClaimedCheck, DueCheck, StoreError};

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
        let claimed = self.claim(now, lead_until, until, limit, false).await?;
        Ok(claimed.into_iter().map(|c| c.check).collect())
    }

    async fn claim_due_with_monitors(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<ClaimedCheck>, StoreError> {
        self.claim(now, until, until, limit, true).await
    }
}

impl SqliteStore {
    /// Claims as [`CheckSchedule::claim_ahead`] does, reading each claimed monitor's row too
    /// when `with_monitors`.
    async fn claim(
        &self,
        now: Timestamp,
        lead_until: Timestamp,
        until: Timestamp,
        limit: usize,
        with_monitors: bool,
    ) -> Result<Vec<ClaimedCheck>, StoreError> {
        let lead_until = lead_until.min(until);
        self.db
            // Claiming runs in the single writer, so two claims can never hand out one slot.
            .write(move |conn| {
                // CROSS JOIN keeps the schedule's index outside, in due order, whatever the
                // planner's statistics say.
                let mut due_rows = conn.prepare_cached(
                    "SELECT s.tenant_id, s.monitor_id, m.interval_s, s.next_due_at FROM check_schedule s \
                     CROSS JOIN monitors m ON m.tenant_id = s.tenant_id AND m.id = s.monitor_id \
                     WHERE s.next_due_at IS NOT NULL AND s.next_due_at < ?1 ORDER BY s.next_due_at LIMIT ?2",
                )?;
                let due = due_rows
                    .query_map(params![ms(lead_until), limit as i64], |row| {
                        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Vec<u8>>(1)?, row.get(2)?, row.get(3)?))
                    })?
                    .map(|row| {
                        let (tenant, monitor, interval, due_at) = row?;
                        Ok(DueMonitor {
                            tenant_id: TenantId::from_uuid(uuid(&tenant)?),
                            monitor_id: MonitorId::from_uuid(uuid(&monitor)?),
                            interval: CheckInterval::from_seconds(interval).map_err(anyhow::Error::msg)?,
                            due_at: at(due_at)?,
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let allotments = allot_slots(due, now, until, limit);
                let mut advance = conn.prepare_cached(
                    "UPDATE check_schedule SET next_due_at = ?3, claimed_slot = ?4 WHERE tenant_id = ?1 AND monitor_id = ?2",
                )?;
                let mut read = conn
                    .prepare_cached(&format!("SELECT {MONITOR_COLUMNS} FROM {MONITORS_SCHEDULED} WHERE m.tenant_id = ?1 AND m.id = ?2"))?;
                let mut claimed = Vec::new();
                for allotment in &allotments {
                    let m = &allotment.monitor;
                    let key = (blob(m.tenant_id.as_uuid()), blob(m.monitor_id.as_uuid()));
                    advance.execute(params![key.0, key.1, ms(allotment.next_due_at), allotment.slots.last().copied().map(ms)])?;
                    let monitor = match with_monitors {
                        true => read.query(params![key.0, key.1])?.next()?.map(monitor_from_row).transpose()?.map(Arc::new),
                        false => None,
                    };
                    claimed.extend(allotment.checks().map(|check| ClaimedCheck { check, monitor: monitor.clone() }));
                }
                Ok(claimed)
            })
            .await
            .context("claiming due checks")
            .map_err(backend)
    }
}
