//! Locator pointers this process has already read, so that a ping costs one read of its task
//! rather than two or three.
//!
//! A ping names its task by token, or by ping key and slug; the store resolves either through
//! pointer items before it can read the task. Two of those mappings never change: a token
//! belongs to one task for the task's life (task ids are never reused) and a ping key to one
//! tenant for good, so a remembered answer stays right; the read of the task that follows is
//! what tells whether the task still exists. A slug can move to another task, so a remembered
//! slug is only a guess that the caller checks against the slug of the task it then reads.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use vigil_domain::heartbeat::{PingKey, PingToken, Slug};
use vigil_domain::ids::{TaskId, TenantId};

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
