use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::ApiKeySecret;

/// Find who a presented API key acts for.
#[derive(Clone, Debug)]
pub struct Authenticate {
    /// The key as presented.
    pub secret: ApiKeySecret,
}

/// Who is calling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The tenant the key acts for.
    pub tenant_id: TenantId,
    /// The key.
    pub key_id: ApiKeyId,
}

/// Why a key was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown key.
    #[error("the API key is not valid")]
    UnknownKey,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Looks the key up by its hash.
#[tracing::instrument(name = "authenticate", skip_all)]
pub async fn authenticate(deps: &Deps, cmd: Authenticate, _now: Timestamp) -> Result<Principal, AuthenticateError> {
    let key = deps.stores.tenants.find_key(&cmd.secret.hash()).await?.ok_or(AuthenticateError::UnknownKey)?;
    Ok(Principal { tenant_id: key.tenant_id, key_id: key.id })
}
