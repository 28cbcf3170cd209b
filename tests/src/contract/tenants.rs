use super::Stores;
use super::fixtures::{t0, tenant};
use uuid::Uuid;
use vigil_domain::ids::ApiKeyId;
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};

/// Tenants and key lookup.
pub async fn tenant_directory_contract(stores: Stores) {
    let directory = &stores.tenants;
    assert!(!directory.has_tenants().await.unwrap(), "a fresh store has no tenants");
    let tenant = Tenant { id: tenant(), name: "acme".into(), created_at: t0() };
    let secret = ApiKeySecret::from_random([9; 32]);
    let key = ApiKey {
        id: ApiKeyId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant.id,
        name: "admin".into(),
        prefix: secret.display_prefix(),
        hash: secret.hash(),
        created_at: t0(),
    };
    directory.create_tenant(&tenant, &key).await.unwrap();
    assert!(directory.has_tenants().await.unwrap());
    assert_eq!(directory.find_key(&secret.hash()).await.unwrap(), Some(key));
    assert_eq!(directory.find_key(&ApiKeySecret::from_random([8; 32]).hash()).await.unwrap(), None);
}
