//! The port contract suites on the self-hosted adapters (SQLite and filesystem artefacts) and
//! on the in-memory store that the use-case and router tests run over. The same suites run on
//! DynamoDB and S3 in dynamodb.rs.

use std::sync::Arc;
use tempfile::TempDir;
use vigil_app::{Blobs, Stores};
use vigil_local::{FsArtefactStore, SqliteStore};
use vigil_memory::MemoryStore;

/// Fresh stores in a temporary directory (kept alive by the returned guard).
async fn sqlite_stores() -> (Stores, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("contract.db")).expect("opening SQLite"));
    let artefacts = Arc::new(FsArtefactStore::open(&dir.path().join("artefacts")).expect("artefact directory"));
    (Stores::on(sqlite.clone(), Blobs { artefacts, ping_bodies: sqlite }), dir)
}

/// A fresh store in memory.
async fn memory_stores() -> (Stores, ()) {
    let memory = Arc::new(MemoryStore::new());
    (Stores::on(memory.clone(), Blobs { artefacts: memory.clone(), ping_bodies: memory }), ())
}

mod sqlite {
    vigil_tests::contract_suites!(super::sqlite_stores());
}

mod memory {
    vigil_tests::contract_suites!(super::memory_stores());
}
