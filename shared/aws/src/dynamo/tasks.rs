//! Heartbeat tasks: specs ([`TaskRepository`]) and live state ([`TaskStateStore`]).
//!
//! A task is one item in its tenant's partition; pointer items (its token, its slug) lead to
//! it from ping URLs and are written in the same transactions as the task, so they never point
//! at a task that is not there and a slug names one task per tenant.

use super::DynamoStore;
use super::keys::{PING_SK_PREFIX, TASK_SK_PREFIX, ping_sk, slug_item, task_history_pk, task_sk, tenant_pk, token_item};
use super::task_items::{self, REVISION, STATE_VERSION, TASK};
use super::task_locators::{TASK_ID, TENANT_ID};
use super::toolkit::attributes::{Item, n, s};
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Attempt, Outcome, settle, transact_delete, transact_put, transact_put_new, transact_update};
use super::toolkit::update::Update;
use crate::dynamo::client::TransactWriteItem;
use anyhow::Context;
use async_trait::async_trait;
use uuid::Uuid;
use vigil_domain::heartbeat::{Slug, Task, TaskRecord};
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Applied, Decide, StoreError, TaskChange, TaskLocator, TaskRepository, TaskStateStore, TaskWrite};

/// A delete of the item `pk`/`sk`, within a transaction.
fn delete(table: &str, (pk, sk): (String, String)) -> Result<TransactWriteItem, StoreError> {
    transact_delete(table, key(pk, sk), None)
}

/// An update of a task's item, under the update's conditions.
fn update_task(table: &str, tenant: TenantId, task: TaskId, update: Update) -> Result<TransactWriteItem, StoreError> {
    transact_update(table, task_items::task_key(tenant, task), update)
}

/// The pointer from a slug to its task.
fn slug_pointer(tenant: TenantId, slug: &Slug, task: TaskId) -> Item {
    let (pk, sk) = slug_item(tenant, slug);
    let mut pointer = key(pk, sk);
    pointer.insert(TASK_ID.to_owned(), s(task.to_string()));
    pointer
}

/// The task id after `id` in key order, so a listing continues after the cursor's task.
fn successor(id: TaskId) -> Option<TaskId> {
    id.as_uuid().as_u128().checked_add(1).map(|next| TaskId::from_uuid(Uuid::from_u128(next)))
}

impl DynamoStore {
    /// Reads a task, consistently: state changes are computed from this read.
    pub(crate) async fn read_task(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        let item = self.get_item(task_items::task_key(tenant, id), Read::Strong, &[], "reading a task").await?;
        item.as_ref().map(task_items::task_from_item).transpose().map_err(decode)
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
            items.push(transact_put(&self.table, task_items::run_item(run, self.retention).map_err(decode)?, None)?);
        }
        if let Some(ping) = &change.ping {
            items.push(transact_put(&self.table, task_items::ping_item(ping, self.retention).map_err(decode)?, None)?);
        }
        Ok(matches!(self.transact("changing a task's state", items).await?, Outcome::Written))
    }

    /// Deletes the task's pings beyond its newest `kept`; returns those whose bodies are in the
    /// body store. After the change's own transaction and apart from it, so a failure here is
    /// logged, not returned: the ping is stored, and the next prune deletes what this one left.
    async fn prune_pings(&self, tenant: TenantId, task: TaskId, kept: u32) -> Vec<PingId> {
        let query = KeyQuery::partition(task_history_pk(tenant, task), "listing a task's pings to prune them")
            .prefix(PING_SK_PREFIX)
            .newest_first()
            .project(&task_items::PING_PRUNE_ATTRIBUTES);
        let pruned = async {
            // An eventually consistent read may miss the newest pings; then fewer go, never a
            // ping among the newest `kept`.
            let items = self.query_all(&query).await?;
            let beyond = items.get(kept as usize..).unwrap_or_default();
            let (mut keys, mut external) = (Vec::new(), Vec::new());
            for item in beyond {
                let (id, body_elsewhere) = task_items::ping_id_and_external_body(item).map_err(decode)?;
                keys.push(key(task_history_pk(tenant, task), ping_sk(id)));
                if body_elsewhere {
                    external.push(id);
                }
            }
            self.delete_keys(keys, "pruning a task's pings").await?;
            Ok::<_, StoreError>(external)
        };
        pruned.await.unwrap_or_else(|error| {
            tracing::warn!(%tenant, %task, %error, "pruning a task's pings failed; the next prune retries");
            Vec::new()
        })
    }
}

#[async_trait]
impl TaskRepository for DynamoStore {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        let task = &record.task;
        let (token_pk, token_sk) = token_item(task.token);
        let mut token_pointer = key(token_pk, token_sk);
        token_pointer.extend([(TENANT_ID.to_owned(), s(task.tenant_id.to_string())), (TASK_ID.to_owned(), s(task.id.to_string()))]);
        let mut items = vec![
            transact_put_new(&self.table, task_items::task_item(record).map_err(decode)?)?,
            transact_put_new(&self.table, token_pointer)?,
        ];
        if let Some(slug) = &task.spec.slug {
            items.push(transact_put_new(&self.table, slug_pointer(task.tenant_id, slug, task.id))?);
        }
        match self.transact_settled("inserting a task", items).await? {
            Outcome::Refused(failed) if failed.get(2) == Some(&true) => Ok(TaskWrite::SlugTaken),
            // The task's id or token exists already: random 128-bit values that collided mean a
            // caller reused them.
            Outcome::Refused(_) => Err(StoreError::Conflict),
            _ => Ok(TaskWrite::Done),
        }
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
        let query = KeyQuery::partition(tenant_pk(tenant), "listing tasks").between(low, format!("{TASK_SK_PREFIX}~")).consistent();
        let position = |item: &Item| Ok(task_items::task_id_of(item)?.to_string());
        self.page(&query, page.limit as usize, task_items::task_from_item, position).await
    }

    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        settle(|| async {
            let Some(current) = self.read_task(task.tenant_id, task.id).await? else { return Ok(Attempt::Done(TaskWrite::Missing)) };
            if current.task.revision != expected_revision {
                return Ok(Attempt::Done(TaskWrite::RevisionConflict));
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
                    items.push(transact_put_new(&self.table, slug_pointer(task.tenant_id, new, task.id))?);
                    claims_slug = true;
                }
                if let Some(old) = old {
                    items.push(delete(&self.table, slug_item(task.tenant_id, old))?);
                }
            }
            Ok(match self.transact("updating a task", items).await? {
                Outcome::Written => Attempt::Done(TaskWrite::Done),
                Outcome::Refused(failed) if claims_slug && failed.get(1) == Some(&true) && failed.first() != Some(&true) => {
                    Attempt::Done(TaskWrite::SlugTaken)
                }
                // The task changed or went since it was read: the next read tells which.
                Outcome::Refused(_) | Outcome::Raced => Attempt::Again,
            })
        })
        .await
    }

    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        let existed = settle(|| async {
            // Gone already: whatever history a past delete left behind goes below too.
            let Some(current) = self.read_task(tenant, id).await? else { return Ok(Attempt::Done(false)) };
            let task = &current.task;
            // Conditional on the revision read, so the slug pointer deleted is the task's.
            let mut guard = Update::default();
            guard.require_equal(REVISION, n(task.revision));
            let mut items = vec![
                transact_delete(&self.table, task_items::task_key(tenant, id), Some(guard))?,
                delete(&self.table, token_item(task.token))?,
            ];
            if let Some(slug) = &task.spec.slug {
                items.push(delete(&self.table, slug_item(tenant, slug))?);
            }
            Ok(match self.transact("deleting a task", items).await? {
                Outcome::Written => Attempt::Done(true),
                Outcome::Refused(_) | Outcome::Raced => Attempt::Again,
            })
        })
        .await?;
        // A ping racing the delete fails its condition on the task item, so nothing lands in
        // the partition after this.
        self.purge_partition(&task_history_pk(tenant, id), "a task's history").await?;
        Ok(existed)
    }
}

#[async_trait]
impl TaskStateStore for DynamoStore {
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError> {
        settle(|| async {
            let Some(before) = self.load(locator).await? else { return Ok(Attempt::Done(None)) };
            let Some(change) = decide(&before) else {
                return Ok(Attempt::Done(Some(Applied { before, change: None, pruned_bodies: Vec::new() })));
            };
            if !self.write_change(&before, &change).await? {
                return Ok(Attempt::Again);
            }
            let pruned_bodies = match change.keep_pings {
                Some(kept) => self.prune_pings(before.task.tenant_id, before.task.id, kept).await,
                None => Vec::new(),
            };
            Ok(Attempt::Done(Some(Applied { before, change: Some(change), pruned_bodies })))
        })
        .await
    }

    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        // From the stored pointers, not remembered ones: a body is stored under the answer
        // before the ping is applied.
        self.locate(locator).await
    }
}
