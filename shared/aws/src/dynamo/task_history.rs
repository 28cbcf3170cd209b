//! Heartbeat history ([`TaskHistory`]), the due-index of deadlines ([`TaskDueIndex`]) and
//! tenants' ping keys ([`PingKeys`]).

use super::DynamoStore;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::heartbeat::{PingKey, StoredRun};
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{PingKeys, StoreError, StoredPing, TaskDueIndex, TaskHistory};

#[async_trait]
impl TaskHistory for DynamoStore {
    async fn list_runs(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        todo!("{tenant}{task}{page:?}")
    }
    async fn list_pings(&self, tenant: TenantId, task: TaskId, page: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        todo!("{tenant}{task}{page:?}")
    }
    async fn get_ping(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        todo!("{tenant}{task}{ping}")
    }
}

#[async_trait]
impl TaskDueIndex for DynamoStore {
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        todo!("{now}{limit}")
    }
}

#[async_trait]
impl PingKeys for DynamoStore {
    async fn get(&self, tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        todo!("{tenant}")
    }
    async fn get_or_insert(&self, tenant: TenantId, key: &PingKey) -> Result<PingKey, StoreError> {
        let _ = key;
        todo!("{tenant}")
    }
}
