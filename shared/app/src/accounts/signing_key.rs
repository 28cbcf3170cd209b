//! The key that signs access tokens: a server secret made once per deployment and shared by
//! every process on the same store.

use crate::Deps;
use vigil_domain::ports::StoreError;

const NAME: &str = "access-token-hs256";

/// The signing key of access tokens.
pub(crate) async fn signing_key(deps: &Deps) -> Result<[u8; 32], StoreError> {
    deps.stores.server_secrets.server_secret(NAME, deps.random.secret_bytes()).await
}
