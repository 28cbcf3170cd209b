//! Ping bodies too large to keep in DynamoDB, on S3 under `pings/`.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use vigil_domain::ids::{PingId, TaskId, TenantId};
use vigil_domain::ports::{PingBodyStore, StoreError};

/// [`PingBodyStore`] on an S3 bucket.
#[derive(Clone, Debug)]
pub struct S3PingBodyStore {
    client: Client,
    bucket: String,
}

impl S3PingBodyStore {
    /// A store on `bucket`.
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }
}

#[async_trait]
impl PingBodyStore for S3PingBodyStore {
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError> {
        let _ = (&self.client, &self.bucket, body);
        todo!("{tenant}{task}{ping}")
    }
    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        todo!("{tenant}{task}{ping}")
    }
    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError> {
        todo!("{tenant}{task}")
    }
}
