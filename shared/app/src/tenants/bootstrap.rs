use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};

/// Create the first tenant and its admin key on a fresh store.
#[derive(Clone, Debug)]
pub struct Bootstrap {
    /// The tenant's name.
    pub tenant_name: String,
    /// A key chosen by the operator; a random one is generated otherwise.
    pub admin_key: Option<ApiKeySecret>,
}

/// What bootstrapping did.
#[derive(Clone, Debug)]
pub enum Bootstrapped {
    /// The store already had tenants; nothing was created.
    AlreadyInitialised,
    /// A tenant and key were created; the secret is shown to the operator once.
    Created {
        /// The tenant.
        tenant: Tenant,
        /// The admin key's secret.
        secret: ApiKeySecret,
        /// Whether the secret came from the operator (so it need not be printed).
        from_operator: bool,
    },
}

/// Why bootstrapping failed.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates the first tenant and an admin key, unless tenants exist.
#[tracing::instrument(name = "bootstrap", skip_all)]
pub async fn bootstrap(deps: &Deps, cmd: Bootstrap, now: Timestamp) -> Result<Bootstrapped, BootstrapError> {
    if deps.stores.tenants.has_tenants().await? {
        return Ok(Bootstrapped::AlreadyInitialised);
    }
    let tenant = Tenant::new(TenantId::from_uuid(deps.random.new_id(now)), cmd.tenant_name, now);
    let from_operator = cmd.admin_key.is_some();
    let secret = cmd.admin_key.unwrap_or_else(|| ApiKeySecret::from_random(deps.random.secret_bytes()));
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(deps.random.new_id(now)), tenant.id, secret.display_prefix(), secret.hash(), now);
    deps.stores.tenants.create_tenant(&tenant, &key).await?;
    Ok(Bootstrapped::Created { tenant, secret, from_operator })
}
