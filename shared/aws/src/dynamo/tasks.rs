//! Heartbeat tasks: specs ([`TaskRepository`]) and live state ([`TaskStateStore`]).
//!
//! A task is one item in its tenant's partition; pointer items (its token, its slug) lead to
//! it from ping URLs and are written in the same transactions as the task, so they never point
//! at a task that is not there and a slug names one task per tenant.

use super::DynamoStore;
use super::attributes::{Item, n, s};
use super::cursor;
use super::errors::{backend, decode};
use super::keys::{PK, SK, TASK_SK_PREFIX, slug_item, task_history_pk, task_sk, tenant_pk, token_item};
use super::monitors::TRANSACTION_CONFLICT_RETRIES;
use super::task_items::{self, REVISION, STATE_VERSION, TASK};
use super::task_locators::{TASK_ID, TENANT_ID};
use super::transactions::{Outcome, transact_put};
use super::update::Update;
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;
use uuid::Uuid;
use vigil_domain::heartbeat::{Slug, Task, TaskRecord};
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Applied, Decide, StoreError, TaskChange, TaskLocator, TaskRepository, TaskStateStore, TaskWrite};

/// Reads and writes a state change tries before reporting a conflict. Each lost attempt means
/// another change of the same task landed, so this many only run out on a task pinged by more
/// clients at once than it has attempts.
const APPLY_ATTEMPTS: u32 = 20;
/// The longest pause between two attempts of a state change.
const MAX_BACKOFF: Duration = Duration::from_millis(200);

/// A put that fails if the item exists.
pub(crate) fn put_new(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#pk)")
        .expression_attribute_names("#pk", PK)
        .build()
        .map_err(StoreError::backend)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// A put that replaces whatever is there.
fn put(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    transact_put(table, item, None)
}

/// A delete of an item by key.
fn delete(table: &str, (pk, sk): (String, String)) -> Result<TransactWriteItem, StoreError> {
    let delete = Delete::builder().table_name(table).key(PK, s(pk)).key(SK, s(sk)).build().map_err(StoreError::backend)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// An update of a task's item, under the update's conditions.
fn update_task(table: &str, tenant: TenantId, task: TaskId, update: Update) -> Result<TransactWriteItem, StoreError> {
    let update = aws_sdk_dynamodb::types::Update::builder()
        .table_name(table)
        .set_key(Some(task_items::task_key(tenant, task)))
        .update_expression(update.expression())
        .set_condition_expression(update.condition())
        .set_expression_attribute_names(Some(update.names))
        .set_expression_attribute_values(Some(update.values))
        .build()
        .map_err(StoreError::backend)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The pointer from a slug to its task.
fn slug_pointer(tenant: TenantId, slug: &Slug, task: TaskId) -> Item {
    let (pk, sk) = slug_item(tenant, slug);
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk)), (TASK_ID.to_owned(), s(task.to_string()))])
}

/// A pause before attempt `attempt` (from 1) of a lost race: random (so racing writers spread
/// out rather than meet again), growing with the attempts.
fn backoff(attempt: u32) -> Duration {
    let ceiling = Duration::from_millis(2u64.saturating_pow(attempt.min(16))).min(MAX_BACKOFF);
    // The standard library's randomly keyed hasher is randomness enough for a jitter.
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    ceiling.mul_f64((random % 1000) as f64 / 1000.0)
}

/// The task id after `id` in key order, so a listing continues after the cursor's task.
fn successor(id: TaskId) -> Option<TaskId> {
    id.as_uuid().as_u128().checked_add(1).map(|next| TaskId::from_uuid(Uuid::from_u128(next)))
}

impl DynamoStore {
    /// Reads a task, consistently: state changes are computed from this read.
    pub(crate) async fn read_task(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(task_items::task_key(tenant, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("reading a task", e))?;
        output.item.as_ref().map(task_items::task_from_item).transpose().map_err(decode)
    }

    /// Writes a change over the state it was computed from: the task's state and due time
    /// conditional on the state's version and the spec's revision read, with its runs and ping,
    /// in one transaction. `false` if the task changed (or went) since it was read.
    async fn write_change(&self, before: &TaskRecord, change: &TaskChange) -> Result<bool, StoreError> {
        let task = &before.task;
        let mut update = Update::default();
        task_items::set_state(&mut update, task.id, &change.state, change.next_deadline).map_err(decode)?;
        update.require_equal(STATE_VERSION, n(before.state.version)).require_equal(REVISION, n(task.revision));
        let mut items = vec![update_task(&self.table, task.tenant_id, task.id, update)?];
        for run in &change.runs {
            items.push(put(&self.table, task_items::run_item(run, self.retention).map_err(decode)?)?);
        }
        if let Some(ping) = &change.ping {
            items.push(put(&self.table, task_items::ping_item(ping, self.retention).map_err(decode)?)?);
        }
        Ok(matches!(self.transact("changing a task's state", items).await?, Outcome::Written))
    }
}

#[async_trait]
impl TaskRepository for DynamoStore {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        let task = &record.task;
        let (token_pk, token_sk) = token_item(task.token);
        let mut items = vec![
            put_new(&self.table, task_items::task_item(record).map_err(decode)?)?,
            put_new(
                &self.table,
                Item::from([
                    (PK.to_owned(), s(token_pk)),
                    (SK.to_owned(), s(token_sk)),
                    (TENANT_ID.to_owned(), s(task.tenant_id.to_string())),
                    (TASK_ID.to_owned(), s(task.id.to_string())),
                ]),
            )?,
        ];
        if let Some(slug) = &task.spec.slug {
            items.push(put_new(&self.table, slug_pointer(task.tenant_id, slug, task.id))?);
        }
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            match self.transact("inserting a task", items.clone()).await? {
                Outcome::Written => return Ok(TaskWrite::Done),
                Outcome::Refused(failed) if failed.get(2) == Some(&true) => return Ok(TaskWrite::SlugTaken),
                // The task's id or token exists already: random 128-bit values that collided
                // mean a caller reused them.
                Outcome::Refused(_) => return Err(StoreError::Conflict),
                Outcome::Raced => continue,
            }
        }
        Err(StoreError::Conflict)
    }

    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        self.read_task(tenant, id).await
    }

    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        let after = match &page.cursor {
            Some(c) => {
                Some(cursor::decode(c, |text| text.parse::<TaskId>().is_ok())?.parse::<TaskId>().map_err(|_| StoreError::InvalidCursor)?)
            }
            None => None,
        };
        // Task ids are UUIDv7 minted at creation, so key order is creation order.
        let low = match after {
            Some(id) => match successor(id) {
                Some(next) => task_sk(next),
                None => return Ok(Page { items: Vec::new(), next_cursor: None }),
            },
            None => TASK_SK_PREFIX.to_owned(),
        };
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
                .expression_attribute_values(":pk", s(tenant_pk(tenant)))
                .expression_attribute_values(":low", s(&low))
                .expression_attribute_values(":high", s(format!("{TASK_SK_PREFIX}~")))
                .limit((limit + 1 - items.len()) as i32)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("listing tasks", e))?;
            for item in output.items.unwrap_or_default() {
                items.push(task_items::task_from_item(&item).map_err(decode)?);
            }
            start = output.last_evaluated_key;
            if items.len() > limit || start.is_none() {
                break;
            }
        }
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| cursor::encode(&last.task.id.to_string()))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            let Some(current) = self.read_task(task.tenant_id, task.id).await? else { return Ok(TaskWrite::Missing) };
            if current.task.revision != expected_revision {
                return Ok(TaskWrite::RevisionConflict);
            }
            // The token and the creation time are not the spec's to change.
            let stored = Task { token: current.task.token, created_at: current.task.created_at, ..task.clone() };
            let mut update = Update::default();
            update
                .set(TASK, s(serde_json::to_string(&stored).context("encoding a task").map_err(decode)?))
                .set(REVISION, n(stored.revision))
                .require_equal(REVISION, n(expected_revision));
            let mut items = vec![update_task(&self.table, task.tenant_id, task.id, update)?];
            let (old, new) = (current.task.spec.slug.as_ref(), stored.spec.slug.as_ref());
            let mut claims_slug = false;
            if old != new {
                if let Some(new) = new {
                    items.push(put_new(&self.table, slug_pointer(task.tenant_id, new, task.id))?);
                    claims_slug = true;
                }
                if let Some(old) = old {
                    items.push(delete(&self.table, slug_item(task.tenant_id, old))?);
                }
            }
            match self.transact("updating a task", items).await? {
                Outcome::Written => return Ok(TaskWrite::Done),
                Outcome::Refused(failed) if claims_slug && failed.get(1) == Some(&true) && failed.first() != Some(&true) => {
                    return Ok(TaskWrite::SlugTaken);
                }
                // The task changed or went since it was read: the next read tells which.
                Outcome::Refused(_) | Outcome::Raced => continue,
            }
        }
        Err(StoreError::Conflict)
    }

    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            let Some(current) = self.read_task(tenant, id).await? else {
                // Gone already; whatever history a past delete left behind goes too.
                self.purge_partition(&task_history_pk(tenant, id), "a task's history").await?;
                return Ok(false);
            };
            let task = &current.task;
            // Conditional on the revision read, so the slug pointer deleted is the task's.
            let mut guard = Update::default();
            guard.require_equal(REVISION, n(task.revision));
            let guarded = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(task_items::task_key(tenant, id)))
                .set_condition_expression(guard.condition())
                .set_expression_attribute_names(Some(guard.names))
                .set_expression_attribute_values(Some(guard.values))
                .build()
                .map_err(StoreError::backend)?;
            let mut items = vec![TransactWriteItem::builder().delete(guarded).build(), delete(&self.table, token_item(task.token))?];
            if let Some(slug) = &task.spec.slug {
                items.push(delete(&self.table, slug_item(tenant, slug))?);
            }
            match self.transact("deleting a task", items).await? {
                Outcome::Written => {
                    // A ping racing the delete fails its condition on the task item, so nothing
                    // lands in the partition after this.
                    self.purge_partition(&task_history_pk(tenant, id), "a task's history").await?;
                    return Ok(true);
                }
                Outcome::Refused(_) | Outcome::Raced => continue,
            }
        }
        Err(StoreError::Conflict)
    }
}

#[async_trait]
impl TaskStateStore for DynamoStore {
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError> {
        for attempt in 0..APPLY_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(backoff(attempt)).await;
            }
            let Some(before) = self.load(locator).await? else { return Ok(None) };
            let Some(change) = decide(&before) else { return Ok(Some(Applied { before, change: None })) };
            if self.write_change(&before, &change).await? {
                return Ok(Some(Applied { before, change: Some(change) }));
            }
        }
        Err(StoreError::Conflict)
    }

    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        // From the stored pointers, not remembered ones: a body is stored under the answer
        // before the ping is applied.
        self.locate(locator).await
    }
}
