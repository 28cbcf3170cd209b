use super::Stores;
use super::fixtures::{t0, tenant};
use uuid::Uuid;
use vigil_domain::access::{KeyScope, Role};
use vigil_domain::ids::{ApiKeyId, UserId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};

/// Tenants and key lookup.
pub async fn tenant_directory_contract(stores: Stores) {
    let directory = &stores.tenants;
    assert!(!directory.has_tenants().await.unwrap(), "a fresh store has no tenants");
    let tenant = Tenant::new(tenant(), "acme".into(), t0());
    let secret = ApiKeySecret::from_random([9; 32]);
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(Uuid::now_v7()), tenant.id, secret.display_prefix(), secret.hash(), t0());
    directory.create_tenant(&tenant, &key).await.unwrap();
    assert!(directory.has_tenants().await.unwrap());
    assert_eq!(directory.find_key(&secret.hash()).await.unwrap(), Some(key.clone()));
    assert_eq!(directory.find_key(&ApiKeySecret::from_random([8; 32]).hash()).await.unwrap(), None);

    // A user's scoped key: stored whole, found by hash and by id, listed oldest first, and its
    // last use and revocation written back.
    let user_secret = ApiKeySecret::from_random([10; 32]);
    let mut user_key = ApiKey {
        id: ApiKeyId::from_uuid(Uuid::now_v7()),
        name: "ci".into(),
        prefix: user_secret.display_prefix(),
        hash: user_secret.hash(),
        scope: KeyScope::PingOnly,
        created_by: Some(UserId::from_uuid(Uuid::now_v7())),
        service_ceiling: Role::Viewer,
        expires_at: Some(t0() + jiff::SignedDuration::from_hours(24)),
        ..key.clone()
    };
    directory.insert_key(&user_key).await.unwrap();
    assert!(matches!(directory.insert_key(&user_key).await, Err(StoreError::Conflict)), "a hash is used once");
    assert_eq!(directory.find_key(&user_secret.hash()).await.unwrap(), Some(user_key.clone()));
    assert_eq!(directory.key(tenant.id, user_key.id).await.unwrap(), Some(user_key.clone()));
    assert_eq!(directory.key(super::fixtures::tenant(), user_key.id).await.unwrap(), None, "keys are tenant-scoped");
    assert_eq!(directory.keys(tenant.id).await.unwrap(), vec![key.clone(), user_key.clone()]);
    user_key.last_used_at = Some(t0() + jiff::SignedDuration::from_mins(5));
    user_key.revoked_at = Some(t0() + jiff::SignedDuration::from_mins(6));
    directory.update_key(&user_key).await.unwrap();
    assert_eq!(directory.find_key(&user_secret.hash()).await.unwrap(), Some(user_key));
}
