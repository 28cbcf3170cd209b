//! Ping bodies too large to keep in DynamoDB, on S3 under `pings/<tenant>/<task>/<ping>`, so a
//! task's bodies are one prefix to list and delete.

use crate::bucket::{Bucket, Undeleted};
use crate::s3::S3Objects;
use async_trait::async_trait;
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::ports::{PingBodyStore, StoreError};

/// [`PingBodyStore`] on an S3 bucket.
#[derive(Clone, Debug)]
pub struct S3PingBodyStore {
    bucket: Bucket,
}

impl S3PingBodyStore {
    /// A store on `bucket`.
    pub fn new(objects: S3Objects, bucket: impl Into<String>) -> Self {
        Self { bucket: Bucket::new(objects, bucket) }
    }
}

fn task_prefix(tenant: TenantId, task: TaskId) -> String {
    format!("pings/{tenant}/{task}/")
}

fn key(tenant: TenantId, task: TaskId, ping: PingId) -> String {
    format!("{}{ping}", task_prefix(tenant, task))
}

#[async_trait]
impl PingBodyStore for S3PingBodyStore {
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError> {
        self.bucket.put(key(tenant, task, ping), "application/octet-stream", body.to_vec(), "a ping body").await
    }

    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        self.bucket.get(key(tenant, task, ping), "a ping body").await
    }

    async fn delete(&self, tenant: TenantId, task: TaskId, pings: &[PingId]) -> Result<(), StoreError> {
        for chunk in pings.chunks(1000) {
            let keys = chunk.iter().map(|ping| key(tenant, task, *ping)).collect();
            self.bucket.delete_keys(keys, "pruned ping bodies", Undeleted::Report).await?;
        }
        Ok(())
    }

    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError> {
        // Any body left behind is a failure, or the bodies would outlive their task unnoticed.
        self.bucket.delete_prefix(task_prefix(tenant, task), "a task's ping bodies", Undeleted::Report).await
    }
}
