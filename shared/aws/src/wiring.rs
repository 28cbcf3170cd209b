//! The use cases' dependencies on AWS, as every function wires them: the functions' `main`
//! only reads configuration and calls these.

use crate::artefacts::S3ArtefactStore;
use crate::clients::AwsClients;
use crate::config::{SchedulerConfig, StoreConfig};
use crate::dynamo::DynamoStore;
use crate::events::{EventBridgePublisher, FanOutPublisher, SnsPublisher};
use crate::sqs::SqsJobQueue;
use jiff::SignedDuration;
use std::sync::Arc;
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks};
use vigil_app::{Deps, Settings, SystemRandom};
use vigil_domain::ports::{EventPublisher, Prober};

/// The dependencies of the api and prober functions: DynamoDB for every store, S3 for
/// artefacts, SNS (and the EventBridge bus, if configured) for events.
pub fn store_deps(clients: &AwsClients, config: &StoreConfig, prober: Arc<dyn Prober>) -> Deps {
    let store = Arc::new(DynamoStore::new(clients.dynamodb.clone(), &config.table, config.retention));
    let sns: Arc<dyn EventPublisher> = Arc::new(SnsPublisher::new(clients.sns.clone(), &config.events_topic_arn));
    let events: Arc<dyn EventPublisher> = match &config.event_bus {
        Some(bus) => Arc::new(FanOutPublisher::new(vec![sns, Arc::new(EventBridgePublisher::new(clients.eventbridge.clone(), bus))])),
        None => sns,
    };
    Deps {
        monitors: store.clone(),
        schedule: store.clone(),
        checks: store.clone(),
        transitions: store.clone(),
        tenants: store,
        events,
        artefacts: Arc::new(S3ArtefactStore::new(clients.s3.clone(), &config.artefact_bucket)),
        prober,
        random: Arc::new(SystemRandom),
        settings: Settings { network_policy: config.network_policy, body_cap: config.body_cap },
    }
}

/// The scheduler function's dependencies and its dispatch settings.
pub fn scheduler_deps(clients: &AwsClients, config: &SchedulerConfig) -> (DispatchDeps, DispatchDueChecks) {
    // The scheduler writes no history, so the retention it is given is never used.
    let store = Arc::new(DynamoStore::new(clients.dynamodb.clone(), &config.table, SignedDuration::from_hours(24)));
    let deps = DispatchDeps { schedule: store, jobs: Arc::new(SqsJobQueue::new(clients.sqs.clone(), &config.probe_queue_url)) };
    let dispatch = DispatchDueChecks {
        lead: config.lead,
        horizon: config.horizon,
        claim_batch: config.claim_batch,
        max_checks: config.max_checks,
        job_size: config.job_size,
    };
    (deps, dispatch)
}
