//! What a route group's function does with keys, sessions and the audit log, and nothing more.
//! A group authenticates a key (reading it and noting its last use) or a session cookie
//! (reading it, noting the visit, ending it once expired), and appends what it changed to the
//! audit log; and the health check asks whether there is any tenant. Making keys and tenants,
//! signing in and out, and reading or purging the audit log are the accounts function's and the
//! sweeper's; through [`SignedIn`] they are refused as [`NotWired`] does,
//! so that link-time optimisation leaves their code out of the groups' binaries (see
//! [`crate::read_only`] for why a port wired whole keeps all of it).

use crate::dynamo::DynamoStore;
use crate::not_wired::NotWired;
use async_trait::async_trait;
use jiff::Timestamp;
use std::sync::Arc;
use vigil_domain::accounts::{AuditEntry, AuditQuery, BrowserSession, TokenHash};
use vigil_domain::ids::{ApiKeyId, TenantId, UserId};
use vigil_domain::page::Page;
use vigil_domain::ports::{AuditLog, SessionStore, StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

/// The keys, sessions and audit log of `store` as a route group uses them; the rest refused,
/// naming `function`.
#[derive(Clone, Debug)]
pub struct SignedIn {
    store: Arc<DynamoStore>,
    elsewhere: NotWired,
}

impl SignedIn {
    /// The view of `store` for `function`.
    pub fn new(store: Arc<DynamoStore>, function: &'static str) -> Self {
        Self { store, elsewhere: NotWired::new(function) }
    }
}

#[async_trait]
impl TenantDirectory for SignedIn {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        TenantDirectory::create_tenant(&self.elsewhere, tenant, first_key).await
    }
    async fn has_tenants(&self) -> Result<bool, StoreError> {
        // The health check's one read of the table (`/healthz` is the api's).
        TenantDirectory::has_tenants(&*self.store).await
    }
    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        TenantDirectory::find_key(&*self.store, hash).await
    }
    async fn insert_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        TenantDirectory::insert_key(&self.elsewhere, key).await
    }
    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        TenantDirectory::key(&self.elsewhere, tenant, id).await
    }
    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        TenantDirectory::keys(&self.elsewhere, tenant).await
    }
    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        TenantDirectory::update_key(&*self.store, key).await
    }
}

#[async_trait]
impl SessionStore for SignedIn {
    async fn insert_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        SessionStore::insert_session(&self.elsewhere, session).await
    }
    async fn session(&self, hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError> {
        SessionStore::session(&*self.store, hash).await
    }
    async fn update_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        SessionStore::update_session(&*self.store, session).await
    }
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        SessionStore::delete_session(&*self.store, hash).await
    }
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&TokenHash>) -> Result<(), StoreError> {
        SessionStore::delete_sessions_of(&self.elsewhere, user, keep).await
    }
}

#[async_trait]
impl AuditLog for SignedIn {
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        AuditLog::append(&*self.store, entry).await
    }
    async fn entries(&self, tenant: TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        AuditLog::entries(&self.elsewhere, tenant, query).await
    }
    async fn purge_audit(&self, tenant: TenantId, before: Timestamp) -> Result<u64, StoreError> {
        AuditLog::purge_audit(&self.elsewhere, tenant, before).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_the_api_does_with_accounts_is_refused_naming_the_function_and_the_port() {
        let store = Arc::new(DynamoStore::unreachable());
        let signed_in = SignedIn::new(store, "monitors");
        let tenant = TenantId::from_uuid(uuid::Uuid::from_u128(1));
        let refused = signed_in.keys(tenant).await.unwrap_err();
        assert_eq!(refused.to_string(), "storage failed: the monitors function does not wire the TenantDirectory store");
        let refused = signed_in.delete_sessions_of(UserId::from_uuid(uuid::Uuid::from_u128(2)), None).await.unwrap_err();
        assert!(refused.to_string().contains("SessionStore"), "{refused}");
        let refused = signed_in.purge_audit(tenant, Timestamp::UNIX_EPOCH).await.unwrap_err();
        assert!(refused.to_string().contains("AuditLog"), "{refused}");
    }
}
