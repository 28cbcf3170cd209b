//! The due-index of heartbeat deadlines ([`TaskDueIndex`]): the monitors' sparse `due` index,
//! with the tasks' own shard values, so the table needs no second index.

use super::DynamoStore;
use super::keys::{DUE_SHARDS, PK, TASK_DUE_SHARD_PREFIX, TENANT_PK_PREFIX};
use super::task_items::task_id_of;
use super::toolkit::attributes::key_suffix;
use super::toolkit::due_index::DueBy;
use super::toolkit::errors::decode;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::{StoreError, TaskDueIndex};

#[async_trait]
impl TaskDueIndex for DynamoStore {
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        let mut due = self.due_in_shards(TASK_DUE_SHARD_PREFIX, DUE_SHARDS, DueBy::AtOrBefore(now), limit).await?;
        due.truncate(limit);
        // The index projects the table's keys: the partition names the tenant, the sort key
        // the task.
        due.iter()
            .map(|(_, item)| Ok((key_suffix(item, PK, TENANT_PK_PREFIX)?, task_id_of(item)?)))
            .collect::<anyhow::Result<_>>()
            .map_err(decode)
    }
}
