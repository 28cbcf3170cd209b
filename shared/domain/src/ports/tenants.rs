use super::StoreError;
use crate::tenant::{ApiKey, ApiKeyHash, Tenant};
use async_trait::async_trait;

/// Tenants and the API keys that act for them.
#[async_trait]
pub trait TenantDirectory: Send + Sync {
    /// Stores a new tenant with its first key.
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError>;

    /// Whether any tenant exists yet (first start).
    async fn has_tenants(&self) -> Result<bool, StoreError>;

    /// The key with this hash.
    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError>;
}
