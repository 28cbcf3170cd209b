//! The sweeper function's entry point: configuration, adapters, handler.

use lambda_runtime::{LambdaEvent, service_fn};
use vigil_aws::config::StoreConfig;
use vigil_aws::sqs::DeliveryQueue;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};
use vigil_fn_sweeper::Sweeper;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(StoreConfig::from_env());
    let clients = AwsClients::new(&config.aws, ClientOptions::default()).await;
    let sweeper = Sweeper {
        deps: wiring::sweeper_deps(&clients, &config)?,
        queue: DeliveryQueue::new(clients.sqs_messages(), &config.notify_queue_url),
        overdue_grace: vigil_fn_sweeper::OVERDUE_GRACE,
    };
    let sweeper = &sweeper;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        sweeper.handle(event).await.map_err(|e| lambda_runtime::Error::from(format!("{e:#}")))
    }))
    .await
}
