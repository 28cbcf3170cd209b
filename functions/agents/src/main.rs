//! The agents function's entry point: configuration, adapters, handler.

use vigil_aws::config::StoreConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AgentGateway, AwsClients, ClientOptions, logs, wiring};
use vigil_fn_agents::Agents;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let endpoint = config_or_exit(wiring::agent_endpoint(&config));
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    let deps = wiring::agents_deps(&clients, &config)?;
    let gateway = AgentGateway::new(wiring::dynamo_store(&clients, &config), clients.agent_connections(&endpoint));
    let agents = Agents { deps, gateway };
    lambda_runtime::run(lambda_runtime::service_fn(|event: lambda_runtime::LambdaEvent<_>| agents.handle(event.payload))).await
}
