//! The accounts function's entry point: configuration, adapters, the first tenant, handler.

use vigil_app::SystemClock;
use vigil_app::tenants::{BootstrapWithKeyHash, bootstrap_with_key_hash};
use vigil_domain::tenant::ApiKeyHash;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let (config, clients) = vigil_fn_api::api_start().await;
    let deps = vigil_fn_api::accounts_deps(&clients, &config)?;
    if let Some(hash) = &config.store.admin_key_sha256 {
        let cmd = BootstrapWithKeyHash { tenant_name: "default".into(), key_hash: ApiKeyHash(hash.clone()) };
        // A failure here leaves the deployment without its first key until the next cold
        // start; the API itself still serves.
        match bootstrap_with_key_hash(&deps, cmd, SystemClock::now()).await {
            Ok(true) => tracing::info!("created the first tenant with the admin key from VIGIL_ADMIN_KEY_SHA256"),
            Ok(false) => {}
            Err(error) => tracing::error!(%error, "creating the first tenant failed"),
        }
    }
    lambda_http::run(vigil_fn_api::accounts_app(deps)).await
}
