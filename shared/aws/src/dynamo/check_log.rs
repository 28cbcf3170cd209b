//! Check history ([`CheckLog`]): result items in the monitor's history partition, each written
//! with the health change and transition it caused in one transaction, or alone with one
//! conditional put.

use super::DynamoStore;
use super::history::{result_from_item, result_item};
use super::keys::{RESULT_SK_PREFIX, SK, history_pk, result_sk};
use super::monitor_item::{self, HEALTH_VERSION, monitor_key};
use super::toolkit::attributes::{key_suffix, n};
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_put, transact_put_new, transact_update};
use super::toolkit::update::Update;
use super::transitions::transition_item;
use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use jiff::{SignedDuration, Timestamp};
use vigil_domain::check::CheckResult;
use vigil_domain::digest::{CheckBrief, Counts, HistoryDigest, RECENT_CHECKS, window_start};
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome, StoreError};
use vigil_domain::uptime::CheckTally;
use vigil_domain::uptime::UptimeWindow;

impl DynamoStore {
    /// Stores a result that changes nothing else: one conditional put, so a redelivery is a
    /// duplicate. Whether the monitor still exists is known from the prober's own consistent
    /// read moments ago (see `recent_reads`); without one, it is read eventually consistently
    /// (half a read unit): a first check always changes health and so goes through the
    /// transaction below, which checks the monitor strongly.
    async fn record_plain(&self, result: &CheckResult) -> Result<RecordOutcome, StoreError> {
        let (tenant, monitor) = (result.tenant_id, result.monitor_id);
        let exists = self.recent.vouches_for(tenant, monitor)
            || self.item_exists(monitor_key(tenant, monitor), Read::Eventual, "checking a monitor exists").await?;
        if !exists {
            return Ok(RecordOutcome::MonitorGone);
        }
        let item = result_item(result, None, self.retention).map_err(decode)?;
        match self.put_new(item, "storing a check result").await? {
            true => Ok(RecordOutcome::Recorded),
            false => Ok(RecordOutcome::Duplicate),
        }
    }

    /// Stores a result with the health change it caused, atomically: the result (if new), the
    /// monitor's health (if still at the version the change was computed from) and the
    /// transition, or nothing.
    async fn record_with_health(&self, result: &CheckResult, update: &HealthUpdate) -> Result<RecordOutcome, StoreError> {
        let transition = update.transition.as_ref();
        let mut health = Update::default();
        for (name, value) in monitor_item::health_attributes(&update.health) {
            health.set(name, value);
        }
        health.require_equal(HEALTH_VERSION, n(update.expected_version));
        let mut items = vec![
            transact_put_new(&self.table, result_item(result, transition, self.retention).map_err(decode)?)?,
            transact_update(&self.table, monitor_key(result.tenant_id, result.monitor_id), health)?,
        ];
        if let Some(transition) = transition {
            items.push(transact_put(&self.table, transition_item(transition, update.health.version).map_err(decode)?, None)?);
        }
        Ok(match self.transact_settled("storing a check result with its health change", items).await? {
            // The monitor's condition first, as in the port: gone, then stale, then a duplicate.
            Outcome::Refused(failed) if failed.get(1) == Some(&true) => {
                match self.monitor_exists(result.tenant_id, result.monitor_id).await? {
                    true => RecordOutcome::HealthConflict,
                    false => RecordOutcome::MonitorGone,
                }
            }
            Outcome::Refused(_) => RecordOutcome::Duplicate,
            _ => RecordOutcome::Recorded,
        })
    }
}

#[async_trait]
impl CheckLog for DynamoStore {
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        let mut outcomes = Vec::with_capacity(records.len());
        for record in records {
            outcomes.push(match &record.health {
                None => self.record_plain(&record.result).await?,
                Some(update) => self.record_with_health(&record.result, update).await?,
            });
        }
        Ok(outcomes)
    }

    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        // The cursor is the last planned time listed; the page continues just below it.
        let before = page.cursor.as_ref().map(cursor::decode_number).transpose()?;
        let high = before.map_or_else(|| format!("{RESULT_SK_PREFIX}~"), |ms| result_sk(ms - 1));
        let query =
            KeyQuery::partition(history_pk(tenant, monitor), "listing check results").between(RESULT_SK_PREFIX, high).newest_first();
        let position = |item: &_| Ok(key_suffix::<i64>(item, SK, RESULT_SK_PREFIX)?.to_string());
        self.page(&query, page.limit as usize, |item| result_from_item(item, tenant, monitor), position).await
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        let item_key = key(history_pk(tenant, monitor), result_sk(id.planned_ms()));
        let item = self.get_item(item_key, Read::Eventual, &[], "reading a check result").await?;
        let result = item.as_ref().map(|item| result_from_item(item, tenant, monitor)).transpose().map_err(decode)?;
        // The id also encodes the monitor: an id of another monitor with the right time must not match.
        Ok(result.filter(|r| r.id == id))
    }

    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError> {
        self.tally_window(tenant, monitor, from, to).await
    }

    async fn hourly(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError> {
        let hours = self.hourly_tallies(tenant, monitor, from, to).await?;
        Ok(hours.into_iter().map(|(hour, tally)| (Timestamp::from_millisecond(hour).unwrap_or_default(), tally)).collect())
    }

    async fn digests(&self, tenant: TenantId, monitors: &[MonitorId], now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError> {
        // No digest is written per check here (it would double a check's write cost): each is
        // made from the newest results and the month's hourly rollups, a few monitors at once.
        let pending: Vec<_> = monitors.iter().map(|monitor| self.digest_of(tenant, *monitor, now)).collect();
        futures::stream::iter(pending).buffered(DIGEST_CONCURRENCY).try_collect().await
    }
}

/// Monitors digested at once.
const DIGEST_CONCURRENCY: usize = 16;

impl DynamoStore {
    async fn digest_of(&self, tenant: TenantId, monitor: MonitorId, now: Timestamp) -> Result<HistoryDigest, StoreError> {
        let newest = PageRequest { cursor: None, limit: RECENT_CHECKS as u32 };
        let recent = self.list(tenant, monitor, &newest).await?.items;
        let mut digest = HistoryDigest { recent: recent.iter().map(CheckBrief::of).collect(), ..HistoryDigest::default() };
        let month = window_start(UptimeWindow::Month, now);
        let starts = UptimeWindow::ALL.map(|window| window_start(window, now).as_millisecond());
        for (hour, tally) in self.hourly_tallies(tenant, monitor, month, now + SignedDuration::from_millis(1)).await? {
            let counts = Counts::from(&tally);
            for (window, start) in UptimeWindow::ALL.into_iter().zip(starts) {
                if hour >= start {
                    let total = match window {
                        UptimeWindow::Day => &mut digest.day,
                        UptimeWindow::Week => &mut digest.week,
                        UptimeWindow::Month => &mut digest.month,
                    };
                    total.add(counts);
                }
            }
        }
        Ok(digest)
    }
}
