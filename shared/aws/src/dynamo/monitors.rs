//! Monitors ([`MonitorRepository`]): one item each in the tenant's partition, listed in creation
//! order through the keys-only `by_creation` index; health changes conditional on the health
//! version, spec changes on the revision.

use super::DynamoStore;
use super::keys::{BY_CREATION_INDEX, CREATION_KEY, DUE_AT, DUE_SHARD, MONITOR_SK_PREFIX, PK, SK, due_shard, history_pk, tenant_pk};
use super::monitor_item::{self, HEALTH_VERSION, INTERVAL, JOINED_AT, REVISION, STATUS, TAGS, monitor_key};
use super::toolkit::attributes::{ItemExt, key_suffix, n, s};
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::Read;
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_put, transact_update};
use super::toolkit::update::Update;
use super::transitions::transition_item;
use async_trait::async_trait;
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::page::Page;
use vigil_domain::ports::{MonitorQuery, MonitorRepository, StoreError};

/// The due-index attributes for a due time: set while due, removed while paused, so paused
/// monitors cost the index nothing. Either way the monitor leaves its tenant's schedule cursor:
/// it is claimed on its own again (from `next_due_at`) until a claim moves it back.
pub(crate) fn set_due(update: &mut Update, monitor: MonitorId, next_due_at: Option<Timestamp>) {
    update.remove(JOINED_AT);
    match next_due_at {
        Some(due) => {
            update.set(DUE_SHARD, s(due_shard(monitor))).set(DUE_AT, n(due.as_millisecond()));
        }
        None => {
            update.remove(DUE_SHARD).remove(DUE_AT);
        }
    }
}

impl DynamoStore {
    /// Whether the monitor exists, read consistently: tells a lost condition from a missing item.
    pub(crate) async fn monitor_exists(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        self.item_exists(monitor_key(tenant, id), Read::Strong, "checking a monitor exists").await
    }

    async fn lost_condition(&self, tenant: TenantId, id: MonitorId) -> StoreError {
        match self.monitor_exists(tenant, id).await {
            Ok(true) => StoreError::Conflict,
            Ok(false) => StoreError::NotFound,
            Err(error) => error,
        }
    }

    /// Applies `update` to a monitor: [`StoreError::Conflict`] if its conditions did not hold,
    /// [`StoreError::NotFound`] if the monitor is gone.
    async fn update_monitor(&self, tenant: TenantId, id: MonitorId, update: Update, what: &str) -> Result<(), StoreError> {
        match self.update_item(monitor_key(tenant, id), update, what).await? {
            true => Ok(()),
            false => Err(self.lost_condition(tenant, id).await),
        }
    }

    /// Whether an edit leaves a monitor on its tenant's schedule cursor: it is on it, stays
    /// scheduled, and keeps its interval (its slots are the same). Otherwise the edit sets its
    /// own due time, as the use case computed it. Without this, every rename would take a monitor
    /// off the cursor and have its claim hand out again slots the cursor already had.
    async fn stays_on_cursor(&self, monitor: &HttpMonitor, next_due_at: Option<Timestamp>) -> Result<bool, StoreError> {
        if next_due_at.is_none() {
            return Ok(false);
        }
        let key = monitor_key(monitor.tenant_id, monitor.id);
        let Some(item) = self.get_item(key, Read::Strong, &[INTERVAL, JOINED_AT], "reading a monitor's schedule").await? else {
            return Ok(false);
        };
        let on_cursor = item.opt_number::<i64>(JOINED_AT).map_err(decode)?.is_some();
        Ok(on_cursor && item.opt_number::<u32>(INTERVAL).map_err(decode)? == Some(monitor.spec.interval.seconds()))
    }

    /// Reads monitors by key, consistently, in the order of `ids` (missing ones left out).
    async fn get_many(&self, tenant: TenantId, ids: &[MonitorId]) -> Result<Vec<MonitorRecord>, StoreError> {
        let keys = ids.iter().map(|id| monitor_key(tenant, *id)).collect();
        let mut found: HashMap<MonitorId, MonitorRecord> = HashMap::new();
        for item in self.get_items(keys, "reading monitors").await? {
            let record = monitor_item::from_item(&item).map_err(decode)?;
            found.insert(record.monitor.id, record);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}

#[async_trait]
impl MonitorRepository for DynamoStore {
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError> {
        let item = monitor_item::to_item(record).map_err(decode)?;
        match self.put_new(item, "inserting a monitor").await? {
            true => Ok(()),
            // Ids are random UUIDv7s: one that exists means a caller reused it.
            false => Err(StoreError::backend(anyhow::anyhow!("inserting a monitor: monitor {} exists", record.monitor.id))),
        }
    }

    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        // Consistent: a prober computes the next health from this read.
        let item = self.get_item(monitor_key(tenant, id), Read::Strong, &[], "reading a monitor").await?;
        let record = item.as_ref().map(monitor_item::from_item).transpose().map_err(decode)?;
        match &record {
            Some(_) => self.recent.found(tenant, id),
            None => self.recent.gone(tenant, id),
        }
        Ok(record)
    }

    async fn list(&self, tenant: TenantId, query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError> {
        let after = query
            .page
            .cursor
            .as_ref()
            .map(|c| {
                cursor::decode(c, |text| {
                    text.split_once('#').is_some_and(|(ms, id)| ms.parse::<i64>().is_ok() && id.parse::<MonitorId>().is_ok())
                })
            })
            .transpose()?;
        let limit = query.page.limit as usize;
        let keys = KeyQuery::index(BY_CREATION_INDEX, PK, s(tenant_pk(tenant)), CREATION_KEY, "listing monitors");
        let keys = match after {
            Some(after) => keys.above(s(after)),
            None => keys,
        };
        let mut pages = self.pages(&keys);
        let mut items: Vec<(String, MonitorRecord)> = Vec::new();
        // The index holds keys only (so claims and health changes never write to it); each page
        // of keys is read back from the table and filtered, until the page is full.
        while items.len() <= limit {
            let Some(keys) = pages.next(Some((limit + 1 - items.len()).max(25))).await? else { break };
            let mut positions = Vec::with_capacity(keys.len());
            for key in &keys {
                let id = key_suffix::<MonitorId>(key, SK, MONITOR_SK_PREFIX).map_err(decode)?;
                positions.push((key.string(CREATION_KEY).map_err(decode)?.to_owned(), id));
            }
            let ids: Vec<MonitorId> = positions.iter().map(|(_, id)| *id).collect();
            let mut by_id: HashMap<MonitorId, MonitorRecord> =
                self.get_many(tenant, &ids).await?.into_iter().map(|r| (r.monitor.id, r)).collect();
            for (creation_key, id) in positions {
                let Some(record) = by_id.remove(&id) else { continue };
                let tagged = query.tag.as_ref().is_none_or(|tag| record.monitor.spec.tags.contains(tag));
                let in_status = query.status.is_none_or(|status| record.health.status == status);
                if tagged && in_status {
                    items.push((creation_key, record));
                    if items.len() > limit {
                        break;
                    }
                }
            }
        }
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|(key, _)| cursor::encode(key))
        } else {
            None
        };
        Ok(Page { items: items.into_iter().map(|(_, r)| r).collect(), next_cursor })
    }

    async fn update_spec(&self, monitor: &HttpMonitor, expected_revision: u64, next_due_at: Option<Timestamp>) -> Result<(), StoreError> {
        let mut update = Update::default();
        for (name, value) in monitor_item::spec_attributes(monitor).map_err(decode)? {
            update.set(name, value);
        }
        match monitor_item::tags_value(monitor) {
            Some(tags) => update.set(TAGS, tags),
            None => update.remove(TAGS),
        };
        if !self.stays_on_cursor(monitor, next_due_at).await? {
            set_due(&mut update, monitor.id, next_due_at);
        }
        update.require_equal(REVISION, n(expected_revision));
        self.update_monitor(monitor.tenant_id, monitor.id, update, "updating a monitor").await
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
        let mut update = Update::default();
        for (name, value) in monitor_item::health_attributes(health) {
            update.set(name, value);
        }
        set_due(&mut update, id, next_due_at);
        update.require_equal(HEALTH_VERSION, n(expected_version));
        let Some(transition) = transition else {
            return self.update_monitor(tenant, id, update, "changing a monitor's health").await;
        };
        let items = vec![
            transact_update(&self.table, monitor_key(tenant, id), update)?,
            transact_put(&self.table, transition_item(transition, health.version).map_err(decode)?, None)?,
        ];
        match self.transact_settled("changing a monitor's health", items).await? {
            Outcome::Refused(_) => Err(self.lost_condition(tenant, id).await),
            _ => Ok(()),
        }
    }

    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        let existed = self.delete_item(monitor_key(tenant, id), "deleting a monitor").await?;
        self.recent.gone(tenant, id);
        if existed {
            self.purge_partition(&history_pk(tenant, id), "a monitor's history").await?;
        }
        Ok(existed)
    }

    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        let query = KeyQuery::partition(tenant_pk(tenant), "counting monitors").prefix(MONITOR_SK_PREFIX).project(&[STATUS]);
        let mut counts = BTreeMap::new();
        for item in self.query_all(&query).await? {
            if let Some(status) = MonitorStatus::parse(item.string(STATUS).map_err(decode)?) {
                *counts.entry(status).or_default() += 1;
            }
        }
        Ok(counts)
    }
}
