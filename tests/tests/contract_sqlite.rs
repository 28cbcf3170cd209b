//! The port contract suites on the self-hosted adapters: SQLite and filesystem artefacts.

use std::sync::Arc;
use tempfile::TempDir;
use vigil_local::{FsArtefactStore, SqliteStore};
use vigil_tests::contract::{self, Stores};

/// Fresh stores in a temporary directory (kept alive by the returned guard).
fn stores() -> (Stores, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("contract.db")).expect("opening SQLite"));
    let artefacts = Arc::new(FsArtefactStore::open(&dir.path().join("artefacts")).expect("artefact directory"));
    let stores = Stores {
        monitors: sqlite.clone(),
        schedule: sqlite.clone(),
        checks: sqlite.clone(),
        transitions: sqlite.clone(),
        tenants: sqlite.clone(),
        artefacts,
        incidents: sqlite.clone(),
        channels: sqlite.clone(),
        alert_rules: sqlite.clone(),
        silences: sqlite.clone(),
        deliveries: sqlite.clone(),
        delivery_due: sqlite.clone(),
        timers: sqlite.clone(),
        tasks: sqlite.clone(),
        task_state: sqlite.clone(),
        task_due: sqlite.clone(),
        task_history: sqlite.clone(),
        ping_keys: sqlite.clone(),
        ping_bodies: sqlite,
    };
    (stores, dir)
}

macro_rules! suites {
    ($($suite:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $suite() {
            let (stores, _dir) = stores();
            contract::$suite(stores).await;
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
