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
use jiff::Timestamp;
use vigil_domain::check::CheckResult;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome, StoreError};
use vigil_domain::uptime::CheckTally;

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
}
