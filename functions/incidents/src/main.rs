//! The incidents function's entry point: configuration, adapters, handler.

use lambda_runtime::{LambdaEvent, service_fn};
use vigil_aws::config::StoreConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    let deps = wiring::incidents_deps(&clients, &config)?;
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| vigil_fn_incidents::handle(deps, event))).await
}
