//! The api function's entry point: configuration, adapters, handler.

use std::sync::Arc;
use vigil_app::SystemClock;
use vigil_app::tenants::{BootstrapWithKeyHash, bootstrap_with_key_hash};
use vigil_aws::config::ApiConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};
use vigil_domain::tenant::ApiKeyHash;
use vigil_probe::{HttpProber, ProberConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logs::init();
    let config = config_or_exit(ApiConfig::from_env());
    let clients = AwsClients::new(&config.store.aws, ClientOptions::default()).await;
    // "Check now" runs a check inside the API call.
    let prober = HttpProber::new(ProberConfig::default())?;
    let mut deps = wiring::api_deps(&clients, &config.store, Arc::new(prober), wiring::aws_notifier(&clients, &config.store)?)?;
    deps.oidc = vigil_fn_api::oidc_provider(&config)?;
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
    lambda_http::run(vigil_fn_api::app_with_agents(deps, wiring::agent_gateway(&clients, &config.store))).await
}
