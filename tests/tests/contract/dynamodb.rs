//! The port contract suites on the AWS adapters: DynamoDB and S3 on the emulator. The same
//! suites run on SQLite and in memory in local.rs.

use std::sync::Arc;
use vigil_app::{Blobs, Stores};
use vigil_aws::{DynamoStore, S3ArtefactStore, S3PingBodyStore};
use vigil_tests::emulator::Session;

/// Fresh stores on a freshly reset emulator (kept alive by the returned session).
async fn stores() -> (Stores, Session) {
    let session = Session::start().await;
    let retention = jiff::SignedDuration::from_hours(24 * 90);
    let store = Arc::new(DynamoStore::new(session.clients.dynamodb.clone(), &session.resources.table, retention));
    let s3 = &session.clients.s3;
    let blobs = Blobs {
        artefacts: Arc::new(S3ArtefactStore::new(s3.clone(), &session.resources.bucket)),
        ping_bodies: Arc::new(S3PingBodyStore::new(s3.clone(), &session.resources.bucket)),
    };
    (Stores::on(store, blobs), session)
}

vigil_tests::contract_suites!(stores());
