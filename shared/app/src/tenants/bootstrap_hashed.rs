use crate::Deps;
use crate::tenants::BootstrapError;
use jiff::Timestamp;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

/// Create the first tenant on a fresh store with an admin key known only by its SHA-256: the
/// operator keeps the secret, and the deployment (its configuration, its logs) never sees it.
#[derive(Clone, Debug)]
pub struct BootstrapWithKeyHash {
    /// The tenant's name.
    pub tenant_name: String,
    /// SHA-256 of the admin key's secret, lowercase hex.
    pub key_hash: ApiKeyHash,
}

/// Creates the first tenant and its admin key unless tenants exist; `true` if it created them.
/// Concurrent first starts create one tenant: the store refuses the key's second use.
#[tracing::instrument(name = "bootstrap_with_key_hash", skip_all)]
pub async fn bootstrap_with_key_hash(deps: &Deps, cmd: BootstrapWithKeyHash, now: Timestamp) -> Result<bool, BootstrapError> {
    if deps.stores.tenants.has_tenants().await? {
        return Ok(false);
    }
    let tenant = Tenant::new(TenantId::from_uuid(deps.random.new_id(now)), cmd.tenant_name, now);
    // The secret's first characters are unknown here; the hash's tell keys apart instead.
    let prefix = format!("sha256:{}", &cmd.key_hash.0[..cmd.key_hash.0.len().min(8)]);
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(deps.random.new_id(now)), tenant.id, prefix, cmd.key_hash, now);
    match deps.stores.tenants.create_tenant(&tenant, &key).await {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict) => Ok(false),
        Err(error) => Err(error.into()),
    }
}
