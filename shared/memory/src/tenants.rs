//! Organisations and their API keys, found by the hash of the secret.

use crate::MemoryStore;
use async_trait::async_trait;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::{Organisations, StoreError, TenantDirectory};
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

    async fn insert_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.api_keys.contains_key(&key.hash.0) {
            return Err(StoreError::Conflict);
        }
        state.api_keys.insert(key.hash.0.clone(), key.clone());
        Ok(())
    }

    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.state().api_keys.values().find(|k| k.tenant_id == tenant && k.id == id).cloned())
    }

    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        let mut keys: Vec<ApiKey> = self.state().api_keys.values().filter(|k| k.tenant_id == tenant).cloned().collect();
        keys.sort_by_key(|k| (k.created_at, k.id));
        Ok(keys)
    }

    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.api_keys.get_mut(&key.hash.0).filter(|k| k.id == key.id).ok_or(StoreError::NotFound)?;
        stored.last_used_at = key.last_used_at;
        stored.revoked_at = key.revoked_at;
        Ok(())
    }
}

#[async_trait]
impl Organisations for MemoryStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.tenants.contains_key(&tenant.id) {
            return Err(StoreError::Conflict);
        }
        state.tenants.insert(tenant.id, tenant.clone());
        Ok(())
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.state().tenants.get(&id).cloned())
    }

    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.tenants.get_mut(&tenant.id).ok_or(StoreError::NotFound)?;
        stored.name = tenant.name.clone();
        stored.settings = tenant.settings.clone();
        Ok(())
    }

    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let mut tenants: Vec<Tenant> = self.state().tenants.values().cloned().collect();
        tenants.sort_by_key(|t| (t.created_at, t.id));
        Ok(tenants)
    }
}
