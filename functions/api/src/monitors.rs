//! The monitors function's entry point: configuration, adapters, handler.

use vigil_aws::config::StoreConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    let deps = wiring::monitors_deps(&clients, &config)?;
    lambda_http::run(vigil_fn_api::monitors_app(deps)).await
}
