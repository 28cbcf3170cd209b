//! Heartbeat tasks: specs (a slug names one task per tenant), live state changed atomically,
//! the due-index of deadlines, runs and pings, ping keys and ping bodies.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use crate::state::State;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::heartbeat::{PingKey, StoredRun, Task, TaskRecord};
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{
    Applied, Decide, PingBodyStore, PingKeys, StoreError, StoredPing, TaskDueIndex, TaskHistory, TaskLocator, TaskRepository,
    TaskStateStore, TaskWrite,
};

impl State {
    /// Whether another task of `task`'s tenant has its slug.
    fn slug_taken(&self, task: &Task) -> bool {
        let Some(slug) = &task.spec.slug else { return false };
        self.tasks.values().any(|r| r.task.tenant_id == task.tenant_id && r.task.id != task.id && r.task.spec.slug.as_ref() == Some(slug))
    }

    /// The key of the task `locator` names.
    fn locate(&self, locator: &TaskLocator) -> Option<(TenantId, TaskId)> {
        let found = match locator {
            TaskLocator::Id { tenant, task } => self.tasks.get(&(*tenant, *task)),
            TaskLocator::Token(token) => self.tasks.values().find(|r| r.task.token == *token),
            TaskLocator::Slug { key, slug } => {
                let tenant = self.ping_keys.iter().find(|(_, k)| *k == key).map(|(tenant, _)| *tenant)?;
                self.tasks.values().find(|r| r.task.tenant_id == tenant && r.task.spec.slug.as_ref() == Some(slug))
            }
        };
        found.map(|r| (r.task.tenant_id, r.task.id))
    }
}

#[async_trait]
impl TaskRepository for MemoryStore {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        let mut state = self.state();
        let task = &record.task;
        if state.slug_taken(task) {
            return Ok(TaskWrite::SlugTaken);
        }
        // Random 128-bit ids and tokens that collide mean a caller reused them.
        if state.tasks.contains_key(&(task.tenant_id, task.id)) || state.tasks.values().any(|r| r.task.token == task.token) {
            return Err(StoreError::Conflict);
        }
        state.tasks.insert((task.tenant_id, task.id), record.clone());
        Ok(TaskWrite::Done)
    }

    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        Ok(self.state().tasks.get(&(tenant, id)).cloned())
    }

    async fn list(&self, tenant: TenantId, request: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        let state = self.state();
        let tasks = state.tasks.values().filter(|r| r.task.tenant_id == tenant);
        page(tasks.map(|r| ((r.task.created_at.as_millisecond(), r.task.id.as_uuid()), r.clone())), request, Order::Oldest)
    }

    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        let mut state = self.state();
        let slug_taken = state.slug_taken(task);
        let Some(stored) = state.tasks.get_mut(&(task.tenant_id, task.id)) else { return Ok(TaskWrite::Missing) };
        if stored.task.revision != expected_revision {
            return Ok(TaskWrite::RevisionConflict);
        }
        if slug_taken {
            return Ok(TaskWrite::SlugTaken);
        }
        // The token and the creation time are not the spec's to change.
        stored.task = Task { token: stored.task.token, created_at: stored.task.created_at, ..task.clone() };
        Ok(TaskWrite::Done)
    }

    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        let mut state = self.state();
        let existed = state.tasks.remove(&(tenant, id)).is_some();
        state.runs.retain(|(t, task, _), _| (*t, *task) != (tenant, id));
        state.pings.retain(|(t, task, _), _| (*t, *task) != (tenant, id));
        Ok(existed)
    }
}

#[async_trait]
impl TaskStateStore for MemoryStore {
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError> {
        let mut state = self.state();
        let Some(key) = state.locate(locator) else { return Ok(None) };
        let Some(before) = state.tasks.get(&key).cloned() else { return Ok(None) };
        let change = decide(&before);
        if let Some(change) = &change {
            if let Some(record) = state.tasks.get_mut(&key) {
                record.state = change.state.clone();
                record.next_deadline = change.next_deadline;
            }
            for run in &change.runs {
                state.runs.insert((run.tenant_id, run.task_id, run.id), run.clone());
            }
            if let Some(ping) = &change.ping {
                state.pings.insert((ping.tenant_id, ping.task_id, ping.id), ping.clone());
            }
            if let Some(kept) = change.keep_pings {
                let task = (before.task.tenant_id, before.task.id);
                let mut ids: Vec<PingId> = state.pings.keys().filter(|(t, k, _)| (*t, *k) == task).map(|(_, _, id)| *id).collect();
                ids.sort_unstable_by_key(|id| std::cmp::Reverse(id.as_uuid()));
                for id in ids.into_iter().skip(kept as usize) {
                    state.pings.remove(&(task.0, task.1, id));
                    state.ping_bodies.remove(&(task.0, task.1, id));
                }
            }
        }
        // Bodies are kept here too, so pruning deleted them with their pings.
        Ok(Some(Applied { before, change, pruned_bodies: Vec::new() }))
    }

    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        Ok(self.state().locate(locator))
    }
}

#[async_trait]
impl TaskDueIndex for MemoryStore {
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        let state = self.state();
        let mut due: Vec<(Timestamp, TaskId, TenantId)> = state
            .tasks
            .values()
            .filter_map(|r| r.next_deadline.filter(|deadline| *deadline <= now).map(|deadline| (deadline, r.task.id, r.task.tenant_id)))
            .collect();
        due.sort();
        Ok(due.into_iter().take(limit).map(|(_, task, tenant)| (tenant, task)).collect())
    }
}

#[async_trait]
impl TaskHistory for MemoryStore {
    async fn list_runs(&self, tenant: TenantId, task: TaskId, request: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        let state = self.state();
        let runs = state.runs.iter().filter(|((t, k, _), _)| (*t, *k) == (tenant, task));
        page(runs.map(|((_, _, id), run)| (id.as_uuid(), run.clone())), request, Order::Newest)
    }

    async fn list_pings(&self, tenant: TenantId, task: TaskId, request: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        let state = self.state();
        let pings = state.pings.iter().filter(|((t, k, _), _)| (*t, *k) == (tenant, task));
        page(pings.map(|((_, _, id), ping)| (id.as_uuid(), ping.clone())), request, Order::Newest)
    }

    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        Ok(self.state().pings.get(&(tenant, task, ping)).cloned())
    }
}

#[async_trait]
impl PingKeys for MemoryStore {
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        Ok(self.state().ping_keys.get(&tenant).cloned())
    }

    async fn get_or_insert(&self, tenant: TenantId, key: &PingKey) -> Result<PingKey, StoreError> {
        let mut state = self.state();
        if let Some(existing) = state.ping_keys.get(&tenant) {
            return Ok(existing.clone());
        }
        // A key names one tenant.
        if state.ping_keys.values().any(|k| k == key) {
            return Err(StoreError::Conflict);
        }
        state.ping_keys.insert(tenant, key.clone());
        Ok(key.clone())
    }
}

#[async_trait]
impl PingBodyStore for MemoryStore {
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError> {
        self.state().ping_bodies.insert((tenant, task, ping), body.to_vec());
        Ok(())
    }

    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.state().ping_bodies.get(&(tenant, task, ping)).cloned())
    }

    async fn delete(&self, tenant: TenantId, task: TaskId, pings: &[PingId]) -> Result<(), StoreError> {
        let mut state = self.state();
        for ping in pings {
            state.ping_bodies.remove(&(tenant, task, *ping));
        }
        Ok(())
    }

    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError> {
        self.state().ping_bodies.retain(|(t, k, _), _| (*t, *k) != (tenant, task));
        Ok(())
    }
}
