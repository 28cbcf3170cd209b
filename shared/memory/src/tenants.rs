//! Tenants and their API keys, found by the hash of the secret.

use crate::MemoryStore;
use async_trait::async_trait;
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

#[async_trait]
impl TenantDirectory for MemoryStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.tenants.contains_key(&tenant.id) || state.api_keys.contains_key(&first_key.hash.0) {
            return Err(StoreError::Conflict);
        }
        state.tenants.insert(tenant.id, tenant.clone());
        state.api_keys.insert(first_key.hash.0.clone(), first_key.clone());
        Ok(())
    }

    async fn has_tenants(&self) -> Result<bool, StoreError> {
        Ok(!self.state().tenants.is_empty())
    }

    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.state().api_keys.get(&hash.0).cloned())
    }
}
