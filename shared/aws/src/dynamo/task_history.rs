//! Heartbeat history ([`TaskHistory`]): runs and pings in the task's own partition, newest
//! first by their UUIDv7 ids; and tenants' ping keys ([`PingKeys`]).

use super::DynamoStore;
use super::attributes::{Item, ItemExt, s};
use super::cursor;
use super::errors::{backend, decode};
use super::keys::{PING_KEY_SK, PING_SK_PREFIX, PK, RUN_SK_PREFIX, SK, ping_key_item, ping_sk, task_history_pk, tenant_pk};
use super::monitors::TRANSACTION_CONFLICT_RETRIES;
use super::task_items::{ping_from_item, run_from_item};
use super::task_locators::TENANT_ID;
use super::tasks::put_new;
use async_trait::async_trait;
use uuid::Uuid;
use vigil_domain::heartbeat::{PingKey, StoredRun};
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::page::{Cursor, Page, PageRequest};
use vigil_domain::ports::{PingKeys, StoreError, StoredPing, TaskHistory};

/// The attribute holding a tenant's ping key.
const PING_KEY: &str = "ping_key";

/// The highest sort key of a newest-first page of `prefix` items: just below the cursor's id,
/// or above every id. `None` when the cursor is at the lowest id, so nothing follows.
fn page_top(prefix: &str, cursor: Option<&Cursor>) -> Result<Option<String>, StoreError> {
    let Some(cursor) = cursor else { return Ok(Some(format!("{prefix}~"))) };
    let id: Uuid = cursor::decode(cursor, |text| text.parse::<Uuid>().is_ok())?.parse().map_err(|_| StoreError::InvalidCursor)?;
    // Ids are fixed-width lowercase hex, so the id one below sorts just below the cursor's.
    Ok(id.as_u128().checked_sub(1).map(|below| format!("{prefix}{}", Uuid::from_u128(below).as_hyphenated())))
}

impl DynamoStore {
    /// One newest-first page of a task's `prefix` items.
    async fn history_page<T>(
        &self,
        tenant: TenantId,
        task: TaskId,
        prefix: &str,
        page: &PageRequest,
        parse: impl Fn(&Item) -> anyhow::Result<T>,
        id_of: impl Fn(&T) -> Uuid,
    ) -> Result<Page<T>, StoreError> {
        let Some(high) = page_top(prefix, page.cursor.as_ref())? else { return Ok(Page { items: Vec::new(), next_cursor: None }) };
        let limit = page.limit as usize;
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(task_history_pk(tenant, task)))
                .expression_attribute_values(":low", s(prefix))
                .expression_attribute_values(":high", s(&high))
                .scan_index_forward(false)
                .limit((limit + 1 - items.len()) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("listing a task's history", e))?;
            for item in output.items.unwrap_or_default() {
                items.push(parse(&item).map_err(decode)?);
            }
            start = output.last_evaluated_key;
            // A page of large pings can stop at DynamoDB's 1 MB before the limit.
            if items.len() > limit || start.is_none() {
                break;
            }
        }
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| cursor::encode(&id_of(last).as_hyphenated().to_string()))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }
}

#[async_trait]
impl TaskHistory for DynamoStore {
    async fn list_runs(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        self.history_page(tenant, task, RUN_SK_PREFIX, page, run_from_item, |run| run.id.as_uuid()).await
    }

    async fn list_pings(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        self.history_page(tenant, task, PING_SK_PREFIX, page, |item| ping_from_item(item, tenant, task), |ping| ping.id.as_uuid()).await
    }

    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(task_history_pk(tenant, task)))
            .key(SK, s(ping_sk(ping)))
            .send()
            .await
            .map_err(|e| backend("reading a ping", e))?;
        output.item.as_ref().map(|item| ping_from_item(item, tenant, task)).transpose().map_err(decode)
    }
}

#[async_trait]
impl PingKeys for DynamoStore {
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(tenant_pk(tenant)))
            .key(SK, s(PING_KEY_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("reading a ping key", e))?;
        output.item.map(|item| item.string(PING_KEY)?.parse::<PingKey>().map_err(anyhow::Error::msg)).transpose().map_err(decode)
    }

    async fn get_or_insert(&self, tenant: TenantId, key: &PingKey) -> Result<PingKey, StoreError> {
        // The tenant's item and the key's pointer together, each only if new: a tenant keeps
        // its first key and a key names one tenant.
        let (key_pk, key_sk) = ping_key_item(key);
        let items = vec![
            put_new(
                &self.table,
                Item::from([
                    (PK.to_owned(), s(tenant_pk(tenant))),
                    (SK.to_owned(), s(PING_KEY_SK)),
                    (PING_KEY.to_owned(), s(key.as_str())),
                ]),
            )?,
            put_new(
                &self.table,
                Item::from([(PK.to_owned(), s(key_pk)), (SK.to_owned(), s(key_sk)), (TENANT_ID.to_owned(), s(tenant.to_string()))]),
            )?,
        ];
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            if let Some(existing) = PingKeys::get(self, tenant).await? {
                return Ok(existing);
            }
            match self.client.transact_write_items().set_transact_items(Some(items.clone())).send().await {
                Ok(_) => return Ok(key.clone()),
                Err(error) => match super::errors::cancellation(&error) {
                    // Another writer gave the tenant a key first: the next read returns it.
                    Some(_) => continue,
                    None => return Err(backend("storing a ping key", error)),
                },
            }
        }
        // Still no key of the tenant, while the pointer exists: the key is another tenant's.
        Err(StoreError::Conflict)
    }
}
