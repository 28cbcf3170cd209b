//! The due-index of heartbeat deadlines ([`TaskDueIndex`]): the monitors' sparse `due` index,
//! with the tasks' own shard values, so the table needs no second index.

use super::DynamoStore;
use super::attributes::{ItemExt, key_suffix, n, s};
use super::errors::{backend, decode};
use super::keys::{DUE_AT, DUE_INDEX, DUE_SHARD, DUE_SHARDS, PK, TASK_DUE_SHARD_PREFIX, TENANT_PK_PREFIX};
use super::task_items::task_id_of;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::ids::{TaskId, TenantId};
use vigil_domain::ports::{StoreError, TaskDueIndex};

/// A task past its deadline, as the index has it.
struct Due {
    at_ms: i64,
    tenant: TenantId,
    task: TaskId,
}

impl DynamoStore {
    /// The earliest `limit` tasks of one shard whose deadline is at or before `now_ms`.
    async fn due_tasks_in_shard(&self, shard: u8, now_ms: i64, limit: usize) -> Result<Vec<Due>, StoreError> {
        let mut due = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("#shard = :shard AND #at <= :now")
                .expression_attribute_names("#shard", DUE_SHARD)
                .expression_attribute_names("#at", DUE_AT)
                .expression_attribute_values(":shard", s(format!("{TASK_DUE_SHARD_PREFIX}{shard}")))
                .expression_attribute_values(":now", n(now_ms))
                .limit((limit - due.len()) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("reading due tasks", e))?;
            for item in output.items.unwrap_or_default() {
                // The index projects the table's keys: the partition names the tenant, the sort
                // key the task.
                let read = || -> anyhow::Result<Due> {
                    Ok(Due { at_ms: item.number(DUE_AT)?, tenant: key_suffix(&item, PK, TENANT_PK_PREFIX)?, task: task_id_of(&item)? })
                };
                due.push(read().map_err(decode)?);
            }
            start = output.last_evaluated_key;
            if due.len() >= limit || start.is_none() {
                return Ok(due);
            }
        }
    }
}

#[async_trait]
impl TaskDueIndex for DynamoStore {
    async fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Every shard's earliest `limit` together hold the overall earliest `limit`.
        let mut due = Vec::new();
        for shard in 0..DUE_SHARDS {
            due.extend(self.due_tasks_in_shard(shard, now.as_millisecond(), limit).await?);
        }
        due.sort_by_key(|d| (d.at_ms, d.task));
        due.truncate(limit);
        Ok(due.into_iter().map(|d| (d.tenant, d.task)).collect())
    }
}
