use super::StoreError;
use crate::ids::{ApiKeyId, TenantId};
use crate::tenant::{ApiKey, ApiKeyHash, Tenant};
use async_trait::async_trait;

/// Tenants and the API keys that act for them.
#[async_trait]
pub trait TenantDirectory: Send + Sync {
    /// Stores a new tenant with its first key.
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError>;

    /// Whether any tenant exists yet (first start).
    async fn has_tenants(&self) -> Result<bool, StoreError>;

    /// The key with this hash (revoked and expired ones included: the caller judges).
    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError>;

    /// Stores a new key; `Conflict` if its hash is taken.
    async fn insert_key(&self, key: &ApiKey) -> Result<(), StoreError>;

    /// A key of `tenant`.
    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError>;

    /// Every key of `tenant`, revoked ones included, oldest first.
    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError>;

    /// Replaces a key's mutable facts (last use, revocation); `NotFound` if it is not there.
    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError>;
}
