use super::StoreError;
use crate::check::FailureArtefact;
use crate::ids::{CheckId, MonitorId, TenantId};
use async_trait::async_trait;

/// Keeps what a failing response looked like (S3 on AWS, the data directory self-hosted).
#[async_trait]
pub trait ArtefactStore: Send + Sync {
    /// Stores an artefact; storing the same check's artefact again replaces it.
    async fn put(&self, artefact: &FailureArtefact) -> Result<(), StoreError>;

    /// Reads a check's artefact.
    async fn get(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<FailureArtefact>, StoreError>;

    /// Deletes every artefact of a monitor.
    async fn delete_monitor(&self, tenant: TenantId, monitor: MonitorId) -> Result<(), StoreError>;
}
