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

/// The SQLite store's due watches, which let `vigil serve` sleep until its next due item: each
/// index's earliest due time, and a signal after every write that may have moved it earlier (and
/// none after the claims of the loop that waits on it).
mod due_watch {
    use std::time::Duration;
    use tokio::time::timeout;
    use vigil_domain::ids::AlertRuleId;
    use vigil_domain::notify::{NotificationKind, TimerKind};
    use vigil_domain::ports::{CheckSchedule, DeliveryLog, IncidentStore, MonitorRepository, TaskRepository, TimerIndex};
    use vigil_local::{DueIndex, DueWatch, SqliteStore};
    use vigil_tests::contract::fixtures::{at, record, tenant};
    use vigil_tests::contract::incident_fixtures::{channel_id, delivery, monitor_subject, open_incident, timer};
    use vigil_tests::contract::task_record;

    async fn signalled(watch: &DueWatch) -> bool {
        timeout(Duration::from_millis(200), watch.changed()).await.is_ok()
    }

    #[tokio::test]
    async fn each_index_tells_its_earliest_due_time_and_signals_the_writes_that_move_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("due.db")).unwrap();
        let tenant = tenant();
        let [checks, deadlines, deliveries, timers] =
            [DueIndex::Checks, DueIndex::Deadlines, DueIndex::Deliveries, DueIndex::Timers].map(|index| store.due_watch(index));
        for watch in [&checks, &deadlines, &deliveries, &timers] {
            assert_eq!(watch.next_due().await.unwrap(), None, "{watch:?}: an empty index has nothing due");
            assert!(!signalled(watch).await, "{watch:?}: nothing written, no signal");
        }

        MonitorRepository::insert(&store, &record(tenant, "later", at(0), Some(at(30)))).await.unwrap();
        assert!(signalled(&checks).await, "a new monitor signals the scheduler");
        MonitorRepository::insert(&store, &record(tenant, "sooner", at(0), Some(at(10)))).await.unwrap();
        assert!(signalled(&checks).await);
        assert_eq!(checks.next_due().await.unwrap(), Some(at(10)));
        let claimed = CheckSchedule::claim_due(&store, at(9), at(11), 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(!signalled(&checks).await, "the scheduler's own claim does not wake it");
        assert_eq!(checks.next_due().await.unwrap(), Some(at(30)), "the claimed monitor moved to its next slot");
        assert!(!signalled(&deadlines).await && !signalled(&deliveries).await, "other indexes are not woken");

        let mut task = task_record(tenant, "nightly", None, at(0));
        task.next_deadline = Some(at(90));
        assert_eq!(TaskRepository::insert(&store, &task).await.unwrap(), vigil_domain::ports::TaskWrite::Done);
        assert!(signalled(&deadlines).await, "a new task signals the sweeper");
        assert_eq!(deadlines.next_due().await.unwrap(), Some(at(90)));

        let incident = open_incident(tenant, monitor_subject(), at(0));
        IncidentStore::open(&store, &incident, &[]).await.unwrap();
        store.enqueue(&delivery(&incident, channel_id(), NotificationKind::Opened, at(20))).await.unwrap();
        assert!(signalled(&deliveries).await, "an enqueued delivery signals the deliverer");
        assert_eq!(deliveries.next_due().await.unwrap(), Some(at(20)));

        let rule = AlertRuleId::from_uuid(uuid::Uuid::now_v7());
        store.schedule(&[timer(tenant, incident.core().id, rule, TimerKind::Escalation { step: 1 }, at(40))]).await.unwrap();
        assert!(signalled(&timers).await, "a scheduled timer signals the timer loop");
        assert_eq!(timers.next_due().await.unwrap(), Some(at(40)));
    }
}
