//! Failure artefacts as JSON files under the data directory, one directory per monitor, the
//! self-hosted stand-in for the S3 bucket.

use anyhow::Context;
use async_trait::async_trait;
use std::path::{Path, PathBuf};
use vigil_domain::check::FailureArtefact;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::ports::{ArtefactStore, StoreError};

/// Artefacts stored as files.
#[derive(Clone, Debug)]
pub struct FsArtefactStore {
    root: PathBuf,
}

impl FsArtefactStore {
    /// Stores artefacts under `root` (created if missing).
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("creating the artefact directory {}", root.display()))?;
        Ok(Self { root: root.to_owned() })
    }

    fn monitor_dir(&self, tenant: TenantId, monitor: MonitorId) -> PathBuf {
        self.root.join(tenant.to_string()).join(monitor.to_string())
    }
}

#[async_trait]
impl ArtefactStore for FsArtefactStore {
    async fn put(&self, artefact: &FailureArtefact) -> Result<(), StoreError> {
        let dir = self.monitor_dir(artefact.tenant_id, artefact.monitor_id);
        let path = dir.join(format!("{}.json", artefact.check_id));
        let body = serde_json::to_vec(artefact).map_err(StoreError::backend)?;
        async {
            tokio::fs::create_dir_all(&dir).await?;
            // Written aside and renamed, so a reader never sees half a file.
            let partial = path.with_extension("json.partial");
            tokio::fs::write(&partial, body).await?;
            tokio::fs::rename(&partial, &path).await
        }
        .await
        .with_context(|| format!("writing the artefact {}", path.display()))
        .map_err(StoreError::backend)
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<FailureArtefact>, StoreError> {
        let path = self.monitor_dir(tenant, monitor).join(format!("{check}.json"));
        match tokio::fs::read(&path).await {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("the artefact {} does not parse", path.display()))
                .map(Some)
                .map_err(StoreError::backend),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(StoreError::backend(anyhow::Error::from(error).context(format!("reading {}", path.display())))),
        }
    }

    async fn delete_monitor(&self, tenant: TenantId, monitor: MonitorId) -> Result<(), StoreError> {
        let dir = self.monitor_dir(tenant, monitor);
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(StoreError::backend(anyhow::Error::from(error).context(format!("deleting {}", dir.display())))),
        }
    }
}
