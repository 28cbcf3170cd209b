//! Heartbeat history ([`TaskHistory`]): runs and pings in the task's own partition, newest
//! first by their UUIDv7 ids; and tenants' ping keys ([`PingKeys`]).

use super::DynamoStore;
use super::keys::{PING_KEY_SK, PING_SK_PREFIX, RUN_SK_PREFIX, SK, ping_key_item, ping_sk, task_history_pk, tenant_pk};
use super::task_items::{ping_from_item, run_from_item};
use super::task_locators::TENANT_ID;
use super::toolkit::attributes::{Item, ItemExt, key_suffix, s};
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Attempt, Outcome, settle, transact_put_new};
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
    ) -> Result<Page<T>, StoreError> {
        let Some(high) = page_top(prefix, page.cursor.as_ref())? else { return Ok(Page { items: Vec::new(), next_cursor: None }) };
        let query = KeyQuery::partition(task_history_pk(tenant, task), "listing a task's history").between(prefix, high).newest_first();
        let position = |item: &Item| Ok(key_suffix::<Uuid>(item, SK, prefix)?.as_hyphenated().to_string());
        self.page(&query, page.limit as usize, parse, position).await
    }
}

#[async_trait]
impl TaskHistory for DynamoStore {
    async fn list_runs(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        self.history_page(tenant, task, RUN_SK_PREFIX, page, run_from_item).await
    }

    async fn list_pings(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        self.history_page(tenant, task, PING_SK_PREFIX, page, |item| ping_from_item(item, tenant, task)).await
    }

    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        let item = self.get_item(key(task_history_pk(tenant, task), ping_sk(ping)), Read::Eventual, &[], "reading a ping").await?;
        item.as_ref().map(|item| ping_from_item(item, tenant, task)).transpose().map_err(decode)
    }
}

#[async_trait]
impl PingKeys for DynamoStore {
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        let item = self.get_item(key(tenant_pk(tenant), PING_KEY_SK), Read::Strong, &[], "reading a ping key").await?;
        item.map(|item| item.string(PING_KEY)?.parse::<PingKey>().map_err(anyhow::Error::msg)).transpose().map_err(decode)
    }

    async fn get_or_insert(&self, tenant: TenantId, ping_key: &PingKey) -> Result<PingKey, StoreError> {
        // The tenant's item and the key's pointer together, each only if new: a tenant keeps
        // its first key and a key names one tenant.
        let mut tenants_key = key(tenant_pk(tenant), PING_KEY_SK);
        tenants_key.insert(PING_KEY.to_owned(), s(ping_key.as_str()));
        let (pointer_pk, pointer_sk) = ping_key_item(ping_key);
        let mut pointer = key(pointer_pk, pointer_sk);
        pointer.insert(TENANT_ID.to_owned(), s(tenant.to_string()));
        let items = vec![transact_put_new(&self.table, tenants_key)?, transact_put_new(&self.table, pointer)?];
        // Still no key of the tenant once the attempts are spent, while the pointer exists: the
        // key is another tenant's, a conflict.
        settle(|| async {
            if let Some(existing) = PingKeys::get(self, tenant).await? {
                return Ok(Attempt::Done(existing));
            }
            Ok(match self.transact("storing a ping key", items.clone()).await? {
                Outcome::Written => Attempt::Done(ping_key.clone()),
                // Another writer gave the tenant a key first: the next read returns it.
                Outcome::Refused(_) | Outcome::Raced => Attempt::Again,
            })
        })
        .await
    }
}
