//! The probe-job use cases (what the scheduler and prober functions run) on the self-hosted
//! store: dispatching claims each due slot once into delayed jobs, and running a job skips
//! entries whose monitor is gone, paused or rescheduled since they were claimed.

use async_trait::async_trait;
use jiff::SignedDuration;
use std::sync::{Arc, Mutex};
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks, EntryOutcome, RunProbeJobs, dispatch_due_checks, run_probe_jobs};
use vigil_app::monitors::{
    CreateMonitor, DeleteMonitor, PauseMonitor, UpdateMonitor, create_monitor, delete_monitor, pause_monitor, update_monitor,
};
use vigil_app::{Blobs, Deps, Settings, Stores, SystemClock, SystemRandom};
use vigil_domain::ids::TenantId;
use vigil_domain::job::{DelayedJob, ProbeJob, StaleEntry};
use vigil_domain::monitor::MonitorDraft;
use vigil_domain::ports::{ProbeJobQueue, StoreError};
use vigil_domain::probe::NetworkPolicy;
use vigil_local::{FsArtefactStore, InProcessBus, SqliteStore};
use vigil_probe::{HttpProber, NetworkGuard, ProberConfig};
use vigil_tests::target::Target;

#[derive(Default)]
struct RecordingQueue(Mutex<Vec<DelayedJob>>);

#[async_trait]
impl ProbeJobQueue for RecordingQueue {
    async fn enqueue(&self, jobs: &[DelayedJob]) -> Result<(), StoreError> {
        self.0.lock().unwrap().extend_from_slice(jobs);
        Ok(())
    }
}

fn deps(dir: &std::path::Path) -> (Deps, Arc<SqliteStore>) {
    let store = Arc::new(SqliteStore::open(&dir.join("vigil.db")).unwrap());
    let artefacts = Arc::new(FsArtefactStore::open(&dir.join("artefacts")).unwrap());
    let deps = Deps {
        stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts, ping_bodies: store.clone() })),
        events: Arc::new(InProcessBus::default()),
        prober: Arc::new(HttpProber::new(ProberConfig::default()).unwrap()),
        random: Arc::new(SystemRandom),
        notifier: Arc::new(vigil_local::LocalNotifier::new(None, NetworkGuard::system().unwrap(), NetworkPolicy::AllowPrivate).unwrap()),
        passwords: Arc::new(vigil_app::Argon2Passwords),
        oidc: None,
        live: None,
        // New monitors due at once, so that the first jobs are released without delay.
        settings: Arc::new(Settings {
            network_policy: NetworkPolicy::AllowPrivate,
            first_check_within: SignedDuration::ZERO,
            ..Settings::default()
        }),
    };
    (deps, store)
}

fn draft(json: serde_json::Value) -> MonitorDraft {
    serde_json::from_value(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatched_jobs_run_once_and_skip_what_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let (deps, store) = deps(dir.path());
    let target = Target::http().await;
    let tenant = TenantId::from_uuid(uuid::Uuid::now_v7());
    let now = SystemClock::now();
    let mut ids = Vec::new();
    for i in 0..4 {
        let cmd = CreateMonitor {
            actor: vigil_domain::access::Actor::system(tenant),
            draft: draft(serde_json::json!({"name": format!("m{i}"), "url": target.url("/"), "interval_seconds": 60})),
        };
        ids.push(create_monitor(&deps, cmd, now).await.unwrap().monitor.id);
    }

    let queue = Arc::new(RecordingQueue::default());
    let dispatch_deps = DispatchDeps { schedule: store, jobs: queue.clone() };
    let cmd = DispatchDueChecks {
        lead: SignedDuration::from_secs(120),
        horizon: SignedDuration::from_secs(120),
        claim_batch: 3,
        max_checks: 1000,
        job_size: 2,
    };
    let done = dispatch_due_checks(&dispatch_deps, cmd, now).await.unwrap();
    let jobs = queue.0.lock().unwrap().clone();
    // Each new monitor: its first check now, then its two phase slots within 120 s.
    assert_eq!(done.checks, 12);
    assert_eq!(jobs.iter().map(|j| j.job.entries.len()).sum::<usize>(), 12);
    assert!(jobs.iter().all(|j| j.job.entries.len() <= 2));
    for job in &jobs {
        let release = now + SignedDuration::from_secs(i64::from(job.delay_seconds));
        for entry in &job.job.entries {
            assert!(entry.planned_at <= release, "released no earlier than planned");
            assert!(release.duration_since(entry.planned_at) < SignedDuration::from_secs(1), "and within the second");
        }
    }
    assert_eq!(dispatch_due_checks(&dispatch_deps, cmd, now).await.unwrap().checks, 0, "nothing is claimed twice");

    // Meanwhile: one monitor paused, one deleted, one moved to another interval.
    pause_monitor(&deps, PauseMonitor { actor: vigil_domain::access::Actor::system(tenant), monitor_id: ids[1] }, now).await.unwrap();
    delete_monitor(&deps, DeleteMonitor { actor: vigil_domain::access::Actor::system(tenant), monitor_id: ids[2] }, now).await.unwrap();
    let faster = UpdateMonitor {
        actor: vigil_domain::access::Actor::system(tenant),
        monitor_id: ids[3],
        patch: draft(serde_json::json!({"interval_seconds": 30})),
        clear_body: false,
        expected_revision: None,
    };
    update_monitor(&deps, faster, now).await.unwrap();

    let first_jobs: Vec<ProbeJob> = jobs.iter().filter(|j| j.delay_seconds == 0).map(|j| j.job.clone()).collect();
    let outcome_of = |reports: &[vigil_app::jobs::JobReport], jobs: &[ProbeJob], index: usize| {
        jobs.iter()
            .zip(reports)
            .flat_map(|(job, report)| job.entries.iter().zip(&report.entries))
            .find(|(entry, _)| entry.monitor_id == ids[index])
            .map(|(_, o)| o.clone())
            .unwrap()
    };
    let reports = run_probe_jobs(&deps, RunProbeJobs { jobs: first_jobs.clone() }, now).await;
    assert_eq!(outcome_of(&reports, &first_jobs, 0), EntryOutcome::Ran { duplicate: false, status_changed: true });
    assert_eq!(outcome_of(&reports, &first_jobs, 1), EntryOutcome::Skipped(StaleEntry::MonitorPaused));
    assert_eq!(outcome_of(&reports, &first_jobs, 2), EntryOutcome::Skipped(StaleEntry::MonitorGone));
    assert_eq!(outcome_of(&reports, &first_jobs, 3), EntryOutcome::Skipped(StaleEntry::Rescheduled));
    assert!(reports.iter().all(|r| !r.failed()));
    assert_eq!(target.hits(), 1);

    let again = run_probe_jobs(&deps, RunProbeJobs { jobs: first_jobs.clone() }, now).await;
    assert_eq!(
        outcome_of(&again, &first_jobs, 0),
        EntryOutcome::Ran { duplicate: true, status_changed: true },
        "a redelivery stores nothing new"
    );
}
