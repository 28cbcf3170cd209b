//! Failure artefacts as JSON objects in S3, keyed `<tenant>/<monitor>/<check>.json`, so a
//! monitor's artefacts are one prefix to list and delete.

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use vigil_domain::check::FailureArtefact;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::ports::{ArtefactStore, StoreError};

/// Artefacts in an S3 bucket.
#[derive(Clone, Debug)]
pub struct S3ArtefactStore {
    client: Client,
    bucket: String,
}

impl S3ArtefactStore {
    /// Artefacts in `bucket`.
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }
}

fn prefix(tenant: TenantId, monitor: MonitorId) -> String {
    format!("{tenant}/{monitor}/")
}

fn failed<E, R>(what: &str, error: aws_sdk_s3::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::backend(anyhow!("{what}: {}", crate::sdk_error::describe(&error)))
}

#[async_trait]
impl ArtefactStore for S3ArtefactStore {
    async fn put(&self, artefact: &FailureArtefact) -> Result<(), StoreError> {
        let body = serde_json::to_vec(artefact).map_err(StoreError::backend)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(format!("{}{}.json", prefix(artefact.tenant_id, artefact.monitor_id), artefact.check_id))
            .content_type("application/json")
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| failed("storing a failure artefact", e))?;
        Ok(())
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<FailureArtefact>, StoreError> {
        let result = self.client.get_object().bucket(&self.bucket).key(format!("{}{check}.json", prefix(tenant, monitor))).send().await;
        let output = match result {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(failed("reading a failure artefact", error)),
        };
        let bytes =
            output.body.collect().await.map_err(|e| StoreError::backend(anyhow!("reading a failure artefact's body: {e}")))?.into_bytes();
        serde_json::from_slice(&bytes).map(Some).map_err(|e| StoreError::backend(anyhow!("a stored artefact does not parse: {e}")))
    }

    async fn delete_monitor(&self, tenant: TenantId, monitor: MonitorId) -> Result<(), StoreError> {
        let mut token = None;
        loop {
            let listing = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix(tenant, monitor))
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| failed("listing a monitor's artefacts", e))?;
            let objects: Vec<ObjectIdentifier> = listing
                .contents()
                .iter()
                .filter_map(|o| o.key())
                .map(|key| ObjectIdentifier::builder().key(key).build().map_err(StoreError::backend))
                .collect::<Result<_, _>>()?;
            if !objects.is_empty() {
                let delete = Delete::builder().set_objects(Some(objects)).quiet(true).build().map_err(StoreError::backend)?;
                self.client
                    .delete_objects()
                    .bucket(&self.bucket)
                    .delete(delete)
                    .send()
                    .await
                    .map_err(|e| failed("deleting a monitor's artefacts", e))?;
            }
            token = listing.next_continuation_token;
            if token.is_none() {
                return Ok(());
            }
        }
    }
}
