//! The notifier function's entry point: configuration, adapters, handler.

use jiff::SignedDuration;
use lambda_runtime::{LambdaEvent, service_fn};
use vigil_aws::config::NotifierConfig;
use vigil_aws::sqs::DeliveryQueue;
use vigil_aws::startup::config_or_exit;
use vigil_aws::{AwsClients, ClientOptions, logs, wiring};
use vigil_fn_notifier::Notifier;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    logs::init();
    let config = config_or_exit(NotifierConfig::from_env());
    let clients = AwsClients::new(&config.store.aws, ClientOptions::default()).await;
    let notifier = Notifier {
        deps: wiring::store_deps(&clients, &config.store, wiring::no_checks("notifier"))?,
        queue: DeliveryQueue::new(clients.sqs.clone(), &config.store.notify_queue_url),
        dead_letters: DeliveryQueue::new(clients.sqs.clone(), &config.dlq_url),
        // Longer than an attempt's send timeout, shorter than the function's timeout.
        lease: SignedDuration::from_secs(45),
    };
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| notifier.handle(event))).await
}
