use super::DynamoStore;
use super::attributes::{Item, ItemExt, n, s};
use super::cursor;
use super::errors::{Cancelled, backend, cancellation, decode, is_condition_failure};
use super::keys::{
    BY_CREATION_INDEX, CREATION_KEY, DUE_AT, DUE_SHARD, MONITOR_SK_PREFIX, PK, SK, due_shard, history_pk, monitor_sk, tenant_pk,
};
use super::monitor_item::{self, HEALTH_VERSION, REVISION, STATUS, TAGS};
use super::transitions::transition_item;
use super::update::Update;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, Put, ReturnValue, TransactWriteItem, WriteRequest};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::page::Page;
use vigil_domain::ports::{MonitorQuery, MonitorRepository, StoreError};

/// How many times a transaction is retried when DynamoDB reports a conflict with another one.
pub(crate) const TRANSACTION_CONFLICT_RETRIES: usize = 5;

/// The due-index attributes for a due time: set while due, removed while paused, so paused
/// monitors cost the index nothing.
pub(crate) fn set_due(update: &mut Update, monitor: MonitorId, next_due_at: Option<Timestamp>) {
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
    pub(crate) fn monitor_key(&self, tenant: TenantId, id: MonitorId) -> HashMap<String, aws_sdk_dynamodb::types::AttributeValue> {
        HashMap::from([(PK.to_owned(), s(tenant_pk(tenant))), (SK.to_owned(), s(monitor_sk(id)))])
    }

    /// Whether the monitor exists, read consistently: tells a lost condition from a missing item.
    pub(crate) async fn monitor_exists(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(tenant, id)))
            .projection_expression("#pk")
            .expression_attribute_names("#pk", PK)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("checking a monitor exists", e))?;
        Ok(output.item.is_some())
    }

    async fn lost_condition(&self, tenant: TenantId, id: MonitorId) -> StoreError {
        match self.monitor_exists(tenant, id).await {
            Ok(true) => StoreError::Conflict,
            Ok(false) => StoreError::NotFound,
            Err(error) => error,
        }
    }

    /// Reads monitors by key, consistently, in the order of `keys` (missing ones left out).
    async fn get_many(&self, tenant: TenantId, ids: &[MonitorId]) -> Result<Vec<MonitorRecord>, StoreError> {
        let mut found: HashMap<MonitorId, MonitorRecord> = HashMap::new();
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| self.monitor_key(tenant, *id)).collect();
            let mut request =
                Some(KeysAndAttributes::builder().set_keys(Some(keys)).consistent_read(true).build().map_err(StoreError::backend)?);
            while let Some(keys) = request.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, keys)
                    .send()
                    .await
                    .map_err(|e| backend("reading monitors", e))?;
                for item in output.responses.unwrap_or_default().remove(&self.table).unwrap_or_default() {
                    let record = monitor_item::from_item(&item).map_err(decode)?;
                    found.insert(record.monitor.id, record);
                }
                request = output.unprocessed_keys.unwrap_or_default().remove(&self.table).filter(|k| !k.keys.is_empty());
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Deletes every item of partition `pk` (a monitor's or a task's history); `what` names it
    /// in errors.
    pub(crate) async fn purge_partition(&self, pk: &str, what: &str) -> Result<(), StoreError> {
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(pk))
                .projection_expression("#pk, #sk")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend(&format!("listing {what} to delete it"), e))?;
            self.delete_keys(output.items.unwrap_or_default()).await?;
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(());
            }
        }
    }

    /// Deletes items by key, in batches (see [`DynamoStore::write_batch`]).
    pub(crate) async fn delete_keys(&self, keys: Vec<Item>) -> Result<(), StoreError> {
        let requests = keys
            .into_iter()
            .map(|key| {
                let delete = DeleteRequest::builder().set_key(Some(key)).build().map_err(StoreError::backend)?;
                Ok(WriteRequest::builder().delete_request(delete).build())
            })
            .collect::<Result<_, StoreError>>()?;
        self.write_batch(requests, "deleting items").await
    }
}

#[async_trait]
impl MonitorRepository for DynamoStore {
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError> {
        let item = monitor_item::to_item(record).map_err(decode)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .send()
            .await
            .map_err(|e| backend("inserting a monitor", e))?;
        Ok(())
    }

    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        // Consistent: a prober computes the next health from this read.
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(tenant, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("reading a monitor", e))?;
        let record = output.item.as_ref().map(monitor_item::from_item).transpose().map_err(decode)?;
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
        let mut items: Vec<(String, MonitorRecord)> = Vec::new();
        let mut position = after;
        // The index holds keys only (so claims and health changes never write to it); each page
        // of keys is read back from the table and filtered, until the page is full.
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(BY_CREATION_INDEX)
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":pk", s(tenant_pk(tenant)))
                .limit(((limit + 1).saturating_sub(items.len())).max(25) as i32);
            request = match &position {
                Some(after) => request
                    .key_condition_expression("#pk = :pk AND #ck > :after")
                    .expression_attribute_names("#ck", CREATION_KEY)
                    .expression_attribute_values(":after", s(after)),
                None => request.key_condition_expression("#pk = :pk"),
            };
            let output = request.send().await.map_err(|e| backend("listing monitors", e))?;
            let keys = output.items.unwrap_or_default();
            let mut creation_keys = Vec::with_capacity(keys.len());
            let mut ids = Vec::with_capacity(keys.len());
            for key in &keys {
                let creation_key = key.string(CREATION_KEY).map_err(decode)?.to_owned();
                let id = super::attributes::key_suffix::<MonitorId>(key, SK, MONITOR_SK_PREFIX).map_err(decode)?;
                creation_keys.push(creation_key);
                ids.push(id);
            }
            let records = self.get_many(tenant, &ids).await?;
            let by_id: HashMap<MonitorId, MonitorRecord> = records.into_iter().map(|r| (r.monitor.id, r)).collect();
            for (creation_key, id) in creation_keys.iter().zip(&ids) {
                position = Some(creation_key.clone());
                let Some(record) = by_id.get(id) else { continue };
                let tagged = query.tag.as_ref().is_none_or(|tag| record.monitor.spec.tags.contains(tag));
                let in_status = query.status.is_none_or(|status| record.health.status == status);
                if tagged && in_status {
                    items.push((creation_key.clone(), record.clone()));
                    if items.len() > limit {
                        break;
                    }
                }
            }
            if items.len() > limit || output.last_evaluated_key.is_none() {
                break;
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
        set_due(&mut update, monitor.id, next_due_at);
        update.require_equal(REVISION, n(expected_revision));
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(monitor.tenant_id, monitor.id)))
            .update_expression(update.expression())
            .set_condition_expression(update.condition())
            .set_expression_attribute_names(Some(update.names))
            .set_expression_attribute_values(Some(update.values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failure(&error) => Err(self.lost_condition(monitor.tenant_id, monitor.id).await),
            Err(error) => Err(backend("updating a monitor", error)),
        }
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
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(self.monitor_key(tenant, id)))
                .update_expression(update.expression())
                .set_condition_expression(update.condition())
                .set_expression_attribute_names(Some(update.names))
                .set_expression_attribute_values(Some(update.values))
                .send()
                .await;
            return match result {
                Ok(_) => Ok(()),
                Err(error) if is_condition_failure(&error) => Err(self.lost_condition(tenant, id).await),
                Err(error) => Err(backend("changing a monitor's health", error)),
            };
        };
        let monitor_update = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(tenant, id)))
            .update_expression(update.expression())
            .set_condition_expression(update.condition())
            .set_expression_attribute_names(Some(update.names))
            .set_expression_attribute_values(Some(update.values))
            .build()
            .map_err(StoreError::backend)?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(transition_item(transition, health.version).map_err(decode)?))
            .build()
            .map_err(StoreError::backend)?;
        let items = vec![TransactWriteItem::builder().update(monitor_update).build(), TransactWriteItem::builder().put(put).build()];
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            match self.client.transact_write_items().set_transact_items(Some(items.clone())).send().await {
                Ok(_) => return Ok(()),
                Err(error) => match cancellation(&error) {
                    Some(Cancelled::Conflict) => continue,
                    Some(Cancelled::Conditions(_)) => return Err(self.lost_condition(tenant, id).await),
                    None => return Err(backend("changing a monitor's health", error)),
                },
            }
        }
        Err(StoreError::Conflict)
    }

    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(tenant, id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| backend("deleting a monitor", e))?;
        self.recent.gone(tenant, id);
        let existed = output.attributes.is_some_and(|a| !a.is_empty());
        if existed {
            self.purge_partition(&history_pk(tenant, id), "a monitor's history").await?;
        }
        Ok(existed)
    }

    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        let mut counts = BTreeMap::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :m)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_names("#st", STATUS)
                .expression_attribute_values(":pk", s(tenant_pk(tenant)))
                .expression_attribute_values(":m", s(MONITOR_SK_PREFIX))
                .projection_expression("#st")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("counting monitors", e))?;
            for item in output.items.unwrap_or_default() {
                if let Some(status) = MonitorStatus::parse(item.string(STATUS).map_err(decode)?) {
                    *counts.entry(status).or_default() += 1;
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(counts);
            }
        }
    }
}
