//! Ping bodies too large to keep in DynamoDB, on S3 under `pings/<tenant>/<task>/<ping>`, so a
//! task's bodies are one prefix to list and delete.

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
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

fn task_prefix(tenant: TenantId, task: TaskId) -> String {
    format!("pings/{tenant}/{task}/")
}

fn key(tenant: TenantId, task: TaskId, ping: PingId) -> String {
    format!("{}{ping}", task_prefix(tenant, task))
}

fn failed<E, R>(what: &str, error: aws_sdk_s3::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::backend(anyhow!("{what}: {}", crate::sdk_error::describe(&error)))
}

#[async_trait]
impl PingBodyStore for S3PingBodyStore {
    async fn put(&self, tenant: TenantId, task: TaskId, ping: PingId, body: &[u8]) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key(tenant, task, ping))
            .content_type("application/octet-stream")
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .map_err(|e| failed("storing a ping body", e))?;
        Ok(())
    }

    async fn get(&self, tenant: TenantId, task: TaskId, ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        let output = match self.client.get_object().bucket(&self.bucket).key(key(tenant, task, ping)).send().await {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(failed("reading a ping body", error)),
        };
        let bytes = output.body.collect().await.map_err(|e| StoreError::backend(anyhow!("reading a ping body's bytes: {e}")))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    async fn delete_task(&self, tenant: TenantId, task: TaskId) -> Result<(), StoreError> {
        // A listing page holds at most 1000 keys, which is also the most one DeleteObjects takes.
        let mut token = None;
        loop {
            let listing = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(task_prefix(tenant, task))
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| failed("listing a task's ping bodies", e))?;
            let objects: Vec<ObjectIdentifier> = listing
                .contents()
                .iter()
                .filter_map(|o| o.key())
                .map(|key| ObjectIdentifier::builder().key(key).build().map_err(StoreError::backend))
                .collect::<Result<_, _>>()?;
            if !objects.is_empty() {
                let delete = Delete::builder().set_objects(Some(objects)).quiet(true).build().map_err(StoreError::backend)?;
                let output = self
                    .client
                    .delete_objects()
                    .bucket(&self.bucket)
                    .delete(delete)
                    .send()
                    .await
                    .map_err(|e| failed("deleting a task's ping bodies", e))?;
                // Quiet mode reports only the keys it could not delete; any is a failure, or
                // the bodies would outlive their task unnoticed.
                if let Some(error) = output.errors().first() {
                    return Err(StoreError::backend(anyhow!(
                        "deleting a task's ping bodies: {} of them failed, the first {} ({})",
                        output.errors().len(),
                        error.key().unwrap_or("?"),
                        error.message().or(error.code()).unwrap_or("no reason given")
                    )));
                }
            }
            token = listing.next_continuation_token;
            if token.is_none() {
                return Ok(());
            }
        }
    }
}
