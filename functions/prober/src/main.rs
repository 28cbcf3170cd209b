//! The prober function's entry point: configuration, adapters, handler.

use lambda_runtime::{LambdaEvent, service_fn};
use std::sync::Arc;
use vigil_aws::config::StoreConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};
use vigil_probe::{HttpProber, ProberConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    let prober = HttpProber::new(ProberConfig::default())?;
    let deps = wiring::prober_deps(&clients, &config, Arc::new(prober))?;
    let deps = &deps;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| vigil_fn_prober::handle(deps, event))).await
}
