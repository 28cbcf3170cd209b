//! The port contract suites on the self-hosted adapters: SQLite and filesystem artefacts.

use std::sync::Arc;
use tempfile::TempDir;
use vigil_app::{Blobs, Stores};
use vigil_local::{FsArtefactStore, SqliteStore};

/// Fresh stores in a temporary directory (kept alive by the returned guard).
async fn stores() -> (Stores, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("contract.db")).expect("opening SQLite"));
    let artefacts = Arc::new(FsArtefactStore::open(&dir.path().join("artefacts")).expect("artefact directory"));
    (Stores::on(sqlite.clone(), Blobs { artefacts, ping_bodies: sqlite }), dir)
}

vigil_tests::contract_suites!(stores());
