//! How a ping finds its task: through pointer items (a token's, a ping key's, a slug's), and
//! through the pointers this process has already read, so that a ping costs one read of its
//! task rather than two or three.
//!
//! A ping names its task by token, or by ping key and slug; the store resolves either through
//! pointer items before it can read the task. Two of those mappings never change: a token
//! belongs to one task for the task's life (task ids are never reused) and a ping key to one
//! tenant for good, so a remembered answer stays right; the read of the task that follows is
//! what tells whether the task still exists. A slug can move to another task, so a remembered
//! slug is only a guess that the caller checks against the slug of the task it then reads.

use super::DynamoStore;
use super::keys::{ping_key_item, slug_item, token_item};
use super::toolkit::attributes::{Item, ItemExt};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use anyhow::Context;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use vigil_domain::heartbeat::{PingKey, PingToken, Slug, TaskRecord};
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::{StoreError, TaskLocator};

/// The tenant attribute of pointer items.
pub(crate) const TENANT_ID: &str = "tenant_id";
/// The task attribute of pointer items.
pub(crate) const TASK_ID: &str = "task_id";

/// Entries kept per map; past it the map is cleared (pointers are cheap to read again).
const CAPACITY: usize = 10_000;

#[derive(Debug)]
struct Bounded<K, V>(HashMap<K, V>);

impl<K: Eq + Hash, V: Copy> Bounded<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        self.0.get(key).copied()
    }

    fn put(&mut self, key: K, value: V) {
        if self.0.len() >= CAPACITY {
            self.0.clear();
        }
        self.0.insert(key, value);
    }
}

impl<K, V> Default for Bounded<K, V> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

#[derive(Debug, Default)]
struct Maps {
    tokens: Bounded<PingToken, (TenantId, TaskId)>,
    keys: Bounded<PingKey, TenantId>,
    slugs: Bounded<(TenantId, Slug), TaskId>,
}

/// Remembered pointers, shared by the clones of a store.
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskLocators(Arc<Mutex<Maps>>);

impl TaskLocators {
    fn with<T>(&self, f: impl FnOnce(&mut Maps) -> Option<T>) -> Option<T> {
        // A poisoned lock only loses the cache; the store then reads pointers every time.
        self.0.lock().ok().and_then(|mut maps| f(&mut maps))
    }

    fn change(&self, f: impl FnOnce(&mut Maps)) {
        if let Ok(mut maps) = self.0.lock() {
            f(&mut maps);
        }
    }

    /// The task a token was found to name.
    pub(crate) fn token(&self, token: PingToken) -> Option<(TenantId, TaskId)> {
        self.with(|m| m.tokens.get(&token))
    }

    /// Remembers the task a token names.
    pub(crate) fn found_token(&self, token: PingToken, tenant: TenantId, task: TaskId) {
        self.change(|m| m.tokens.put(token, (tenant, task)));
    }

    /// The tenant a ping key was found to name.
    pub(crate) fn key(&self, key: &PingKey) -> Option<TenantId> {
        self.with(|m| m.keys.get(key))
    }

    /// Remembers the tenant of a ping key.
    pub(crate) fn found_key(&self, key: &PingKey, tenant: TenantId) {
        self.change(|m| m.keys.put(key.clone(), tenant));
    }

    /// The task a slug last named: a guess, to check against the task read.
    pub(crate) fn slug(&self, tenant: TenantId, slug: &Slug) -> Option<TaskId> {
        self.with(|m| m.slugs.get(&(tenant, slug.clone())))
    }

    /// Remembers the task a slug names.
    pub(crate) fn found_slug(&self, tenant: TenantId, slug: &Slug, task: TaskId) {
        self.change(|m| m.slugs.put((tenant, slug.clone()), task));
    }

    /// Forgets a guess that turned out wrong.
    pub(crate) fn forget_slug(&self, tenant: TenantId, slug: &Slug) {
        self.change(|m| {
            m.slugs.0.remove(&(tenant, slug.clone()));
        });
    }
}

impl DynamoStore {
    /// Reads a pointer item, consistently: a task is pinged moments after it is created.
    pub(crate) async fn read_pointer(&self, (pk, sk): (String, String)) -> Result<Option<Item>, StoreError> {
        self.get_item(key(pk, sk), Read::Strong, &[], "resolving a ping URL").await
    }

    /// The task a token names, from its pointer.
    async fn token_target(&self, token: PingToken) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        let Some(item) = self.read_pointer(token_item(token)).await? else { return Ok(None) };
        let parse = || -> anyhow::Result<(TenantId, TaskId)> {
            Ok((item.string(TENANT_ID)?.parse().context("tenant id")?, item.string(TASK_ID)?.parse().context("task id")?))
        };
        let (tenant, task) = parse().map_err(decode)?;
        self.locators.found_token(token, tenant, task);
        Ok(Some((tenant, task)))
    }

    /// The task a slug of `tenant` names, from its pointer.
    async fn slug_target(&self, tenant: TenantId, slug: &Slug) -> Result<Option<TaskId>, StoreError> {
        let Some(item) = self.read_pointer(slug_item(tenant, slug)).await? else { return Ok(None) };
        let task: TaskId = item.string(TASK_ID).and_then(|id| Ok(id.parse()?)).map_err(decode)?;
        self.locators.found_slug(tenant, slug, task);
        Ok(Some(task))
    }

    /// Which task `locator` names, from the pointers as stored.
    pub(crate) async fn locate(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        match locator {
            TaskLocator::Id { tenant, task } => {
                Ok(self.read_task(*tenant, *task).await?.map(|record| (record.task.tenant_id, record.task.id)))
            }
            TaskLocator::Token(token) => self.token_target(*token).await,
            TaskLocator::Slug { key, slug } => {
                let Some(tenant) = self.ping_key_tenant(key).await? else { return Ok(None) };
                Ok(self.slug_target(tenant, slug).await?.map(|task| (tenant, task)))
            }
        }
    }

    /// The task `locator` names, read consistently. Pointers remembered from earlier pings save
    /// their reads; the task's own read then confirms the task (see `task_locators`).
    pub(crate) async fn load(&self, locator: &TaskLocator) -> Result<Option<TaskRecord>, StoreError> {
        let (tenant, task) = match locator {
            TaskLocator::Id { tenant, task } => (*tenant, *task),
            TaskLocator::Token(token) => match self.locators.token(*token) {
                Some(known) => known,
                None => match self.token_target(*token).await? {
                    Some(found) => found,
                    None => return Ok(None),
                },
            },
            TaskLocator::Slug { key, slug } => {
                let Some(tenant) = self.ping_key_tenant(key).await? else { return Ok(None) };
                if let Some(guess) = self.locators.slug(tenant, slug) {
                    if let Some(record) = self.read_task(tenant, guess).await?
                        && record.task.spec.slug.as_ref() == Some(slug)
                    {
                        return Ok(Some(record));
                    }
                    self.locators.forget_slug(tenant, slug);
                }
                let Some(task) = self.slug_target(tenant, slug).await? else { return Ok(None) };
                (tenant, task)
            }
        };
        let record = self.read_task(tenant, task).await?;
        // A slug can move between the pointer's read and the task's: the task decides.
        if let TaskLocator::Slug { slug, .. } = locator
            && record.as_ref().is_some_and(|r| r.task.spec.slug.as_ref() != Some(slug))
        {
            self.locators.forget_slug(tenant, slug);
            return Ok(None);
        }
        Ok(record)
    }

    /// The tenant a ping key belongs to; a key never changes tenant, so it is remembered.
    pub(crate) async fn ping_key_tenant(&self, key: &PingKey) -> Result<Option<TenantId>, StoreError> {
        if let Some(tenant) = self.locators.key(key) {
            return Ok(Some(tenant));
        }
        let Some(item) = self.read_pointer(ping_key_item(key)).await? else { return Ok(None) };
        let tenant: TenantId = item.string(TENANT_ID).and_then(|id| id.parse().context("tenant id")).map_err(decode)?;
        self.locators.found_key(key, tenant);
        Ok(Some(tenant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn remembers_and_forgets() {
        let locators = TaskLocators::default();
        let (tenant, task) = (TenantId::from_uuid(Uuid::from_u128(1)), TaskId::from_uuid(Uuid::from_u128(2)));
        let token = PingToken::from_random([3; 16]);
        assert_eq!(locators.token(token), None);
        locators.found_token(token, tenant, task);
        assert_eq!(locators.token(token), Some((tenant, task)));
        let slug: Slug = "nightly".parse().unwrap();
        locators.found_slug(tenant, &slug, task);
        assert_eq!(locators.slug(tenant, &slug), Some(task));
        assert_eq!(locators.slug(TenantId::from_uuid(Uuid::from_u128(9)), &slug), None, "per tenant");
        locators.forget_slug(tenant, &slug);
        assert_eq!(locators.slug(tenant, &slug), None);
    }
}
