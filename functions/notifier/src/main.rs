//! The notifier function's entry point: configuration, adapters, handler.

use lambda_runtime::{LambdaEvent, service_fn};
use vigil_aws::config::NotifierConfig;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs};
use vigil_fn_notifier::Notifier;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(NotifierConfig::from_env());
    let clients = AwsClients::new(&config.store.aws, ClientOptions::default()).await;
    let notifier = Notifier::wired(&clients, &config, vigil_fn_notifier::LEASE)?;
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| notifier.handle(event))).await
}
