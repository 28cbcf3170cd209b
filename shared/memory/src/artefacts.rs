//! Failure artefacts, by monitor and check.

use crate::MemoryStore;
use async_trait::async_trait;
use vigil_domain::check::FailureArtefact;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::ports::{ArtefactStore, StoreError};

#[async_trait]
impl ArtefactStore for MemoryStore {
    async fn put(&self, artefact: &FailureArtefact) -> Result<(), StoreError> {
        self.state().artefacts.insert((artefact.tenant_id, artefact.monitor_id, artefact.check_id), artefact.clone());
        Ok(())
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<FailureArtefact>, StoreError> {
        Ok(self.state().artefacts.get(&(tenant, monitor, check)).cloned())
    }

    async fn delete_monitor(&self, tenant: TenantId, monitor: MonitorId) -> Result<(), StoreError> {
        self.state().artefacts.retain(|(t, m, _), _| (*t, *m) != (tenant, monitor));
        Ok(())
    }
}
