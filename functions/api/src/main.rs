//! The api function's entry point: configuration, adapters, handler.

use std::sync::Arc;
use vigil_aws::config::StoreConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};
use vigil_probe::{HttpProber, ProberConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    // "Check now" runs a check inside the API call.
    let prober = HttpProber::new(ProberConfig::default())?;
    let deps = wiring::store_deps(&clients, &config, Arc::new(prober))?;
    lambda_http::run(vigil_fn_api::app(deps)).await
}
