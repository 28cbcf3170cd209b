//! Failure artefacts as JSON objects in S3, keyed `<tenant>/<monitor>/<check>.json`, so a
//! monitor's artefacts are one prefix to list and delete.

use crate::bucket::{Bucket, Undeleted};
use crate::s3::S3Objects;
use anyhow::anyhow;
use async_trait::async_trait;
use vigil_domain::check::FailureArtefact;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::ports::{ArtefactStore, StoreError};

/// Artefacts in an S3 bucket.
#[derive(Clone, Debug)]
pub struct S3ArtefactStore {
    bucket: Bucket,
}

impl S3ArtefactStore {
    /// Artefacts in `bucket`.
    pub fn new(objects: S3Objects, bucket: impl Into<String>) -> Self {
        Self { bucket: Bucket::new(objects, bucket) }
    }
}

fn prefix(tenant: TenantId, monitor: MonitorId) -> String {
    format!("{tenant}/{monitor}/")
}

fn key(tenant: TenantId, monitor: MonitorId, check: CheckId) -> String {
    format!("{}{check}.json", prefix(tenant, monitor))
}

#[async_trait]
impl ArtefactStore for S3ArtefactStore {
    async fn put(&self, artefact: &FailureArtefact) -> Result<(), StoreError> {
        let body = serde_json::to_vec(artefact).map_err(StoreError::backend)?;
        let key = key(artefact.tenant_id, artefact.monitor_id, artefact.check_id);
        self.bucket.put(key, "application/json", body, "a failure artefact").await
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<FailureArtefact>, StoreError> {
        let Some(bytes) = self.bucket.get(key(tenant, monitor, check), "a failure artefact").await? else { return Ok(None) };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| StoreError::backend(anyhow!("a stored artefact does not parse: {e}")))
    }

    async fn delete_monitor(&self, tenant: TenantId, monitor: MonitorId) -> Result<(), StoreError> {
        // An artefact left behind is unreachable once its monitor is gone.
        self.bucket.delete_prefix(prefix(tenant, monitor), "a monitor's artefacts", Undeleted::Tolerate).await
    }
}
