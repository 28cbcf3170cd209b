//! Heartbeat tasks: specs ([`TaskRepository`]) and live state ([`TaskStateStore`]).

use super::DynamoStore;
use async_trait::async_trait;
use vigil_domain::heartbeat::Task;
use vigil_domain::heartbeat::TaskRecord;
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Applied, Decide, StoreError, TaskLocator, TaskRepository, TaskStateStore, TaskWrite};

#[async_trait]
impl TaskRepository for DynamoStore {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        todo!("{record:?}")
    }
    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        todo!("{tenant}{page:?}")
    }
    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        todo!("{task:?}{expected_revision}")
    }
    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        todo!("{tenant}{id}")
    }
}

#[async_trait]
impl TaskStateStore for DynamoStore {
    async fn apply(&self, locator: &TaskLocator, decide: Decide) -> Result<Option<Applied>, StoreError> {
        let _ = decide;
        todo!("{locator:?}")
    }
    async fn resolve(&self, locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        todo!("{locator:?}")
    }
}
