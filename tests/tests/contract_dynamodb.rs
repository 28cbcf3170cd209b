//! The port contract suites on the AWS adapters: DynamoDB and S3 on the emulator. The same
//! suites run on SQLite in contract_sqlite.rs.

use std::sync::Arc;
use vigil_aws::{DynamoStore, S3ArtefactStore, S3PingBodyStore};
use vigil_tests::contract::{self, Stores};
use vigil_tests::emulator::Session;

fn stores(session: &Session) -> Stores {
    let retention = jiff::SignedDuration::from_hours(24 * 90);
    let store = Arc::new(DynamoStore::new(session.clients.dynamodb.clone(), &session.resources.table, retention));
    Stores {
        monitors: store.clone(),
        schedule: store.clone(),
        checks: store.clone(),
        transitions: store.clone(),
        tenants: store.clone(),
        artefacts: Arc::new(S3ArtefactStore::new(session.clients.s3.clone(), &session.resources.bucket)),
        incidents: store.clone(),
        channels: store.clone(),
        alert_rules: store.clone(),
        silences: store.clone(),
        deliveries: store.clone(),
        delivery_due: store.clone(),
        timers: store.clone(),
        tasks: store.clone(),
        task_state: store.clone(),
        task_due: store.clone(),
        task_history: store.clone(),
        ping_keys: store,
        ping_bodies: Arc::new(S3PingBodyStore::new(session.clients.s3.clone(), &session.resources.bucket)),
    }
}

macro_rules! suites {
    ($($suite:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $suite() {
            let session = Session::start().await;
            contract::$suite(stores(&session)).await;
        }
    )*};
}

suites!(
    monitor_repository_contract,
    monitor_listing_contract,
    schedule_contract,
    concurrent_claims_contract,
    claim_ahead_contract,
    check_log_contract,
    tally_contract,
    concurrent_records_contract,
    tenant_directory_contract,
    artefact_store_contract,
    incident_store_contract,
    concurrent_openings_contract,
    notification_settings_contract,
    delivery_log_contract,
    timer_index_contract,
    task_repository_contract,
    task_state_contract,
    task_due_index_contract,
    concurrent_task_changes_contract,
    ping_keys_contract,
    ping_body_store_contract,
);
