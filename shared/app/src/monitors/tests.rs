//! The rules of the monitor use cases, over the in-memory store.

use super::*;
use crate::Settings;
use crate::checks::{RunCheck, RunCheckOutcome, run_check};
use crate::incidents::{HandleEvent, handle_event};
use crate::world::{World, at, from_json};
use serde_json::json;
use vigil_domain::ids::MonitorId;
use vigil_domain::incident::{AnyIncident, IncidentSubject, ResolvedBy};
use vigil_domain::monitor::{MonitorDraft, MonitorStatus};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::MonitorQuery;
use vigil_domain::probe::NetworkPolicy;

fn draft(json: serde_json::Value) -> MonitorDraft {
    from_json(json)
}

async fn create(world: &World, json: serde_json::Value) -> MonitorRecord {
    create_monitor(&world.deps, CreateMonitor { actor: world.actor(), draft: draft(json) }, at(0)).await.expect("created")
}

fn api() -> serde_json::Value {
    json!({"name": "api", "url": "https://example.com/health", "interval_seconds": 60, "tags": ["prod"]})
}

#[tokio::test]
async fn creating_validates_every_field_and_applies_the_network_policy() {
    let cases = [
        ("valid", api(), NetworkPolicy::PublicOnly, vec![]),
        ("nothing given", json!({}), NetworkPolicy::AllowPrivate, vec!["name", "url"]),
        (
            "every field wrong at once",
            json!({"name": "", "url": "ftp://x", "interval_seconds": 5, "timeout_ms": 0}),
            NetworkPolicy::AllowPrivate,
            vec!["name", "url", "interval_seconds", "timeout_ms"],
        ),
        ("a private address under public-only", json!({"name": "lan", "url": "http://10.0.0.1/"}), NetworkPolicy::PublicOnly, vec!["url"]),
        ("a private address when allowed", json!({"name": "lan", "url": "http://10.0.0.1/"}), NetworkPolicy::AllowPrivate, vec![]),
    ];
    for (name, input, policy, failing) in cases {
        let mut world = World::new();
        std::sync::Arc::make_mut(&mut world.deps.settings).network_policy = policy;
        let created = create_monitor(&world.deps, CreateMonitor { actor: world.actor(), draft: draft(input) }, at(0)).await;
        match created {
            Ok(record) => {
                assert!(failing.is_empty(), "{name}: accepted, expected {failing:?}");
                assert_eq!(record.health.status, MonitorStatus::Pending, "{name}");
                let first = record.monitor.spec.interval.first_check_at(record.monitor.id, at(0), Settings::FIRST_CHECK_WITHIN);
                assert_eq!(record.next_due_at, Some(first), "{name}: the first check is at the monitor's offset");
                assert!(first >= at(0) && first < at(10), "{name}: within the spread window: {first}");
                let stored = world.deps.stores.monitors.get(world.tenant, record.monitor.id).await.unwrap();
                assert_eq!(stored, Some(record), "{name}: stored as returned");
            }
            Err(CreateMonitorError::Invalid(errors)) => {
                let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
                fields.sort();
                let mut expected = failing.clone();
                expected.sort();
                assert_eq!(fields, expected, "{name}: every failing field, each once");
                let page = world
                    .deps
                    .stores
                    .monitors
                    .list(world.tenant, &MonitorQuery { tag: None, status: None, page: PageRequest::first() })
                    .await
                    .unwrap();
                assert!(page.items.is_empty(), "{name}: nothing stored");
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
}

#[tokio::test]
async fn updating_moves_the_due_time_only_with_the_interval_and_honours_revisions() {
    let world = World::new();
    let created = create(&world, api()).await;
    let id = created.monitor.id;
    let update = |patch: serde_json::Value, expected_revision: Option<u64>| UpdateMonitor {
        actor: world.actor(),
        monitor_id: id,
        patch: draft(patch),
        clear_body: false,
        expected_revision,
    };

    let renamed = update_monitor(&world.deps, update(json!({"name": "api v2"}), Some(1)), at(5)).await.unwrap();
    assert_eq!((renamed.monitor.spec.name.as_str(), renamed.monitor.revision), ("api v2", 2));
    assert_eq!(renamed.next_due_at, created.next_due_at, "same interval: the due time stays");
    assert_eq!(renamed.monitor.spec.url, created.monitor.spec.url, "absent fields keep their value");

    let faster = update_monitor(&world.deps, update(json!({"interval_seconds": 30}), None), at(5)).await.unwrap();
    let interval = faster.monitor.spec.interval;
    assert_eq!(faster.next_due_at, Some(interval.slot_at_or_after(id, at(5))), "a new interval: the next slot of the new phase");

    match update_monitor(&world.deps, update(json!({"name": "late"}), Some(1)), at(6)).await {
        Err(UpdateMonitorError::RevisionMismatch { expected: 1, current: 3 }) => {}
        other => panic!("a stale revision: {other:?}"),
    }
    match update_monitor(&world.deps, update(json!({"url": "nope", "interval_seconds": 1}), None), at(6)).await {
        Err(UpdateMonitorError::Invalid(errors)) => assert_eq!(errors.0.len(), 2, "{errors}"),
        other => panic!("an invalid patch: {other:?}"),
    }
    let stored = world.deps.stores.monitors.get(world.tenant, id).await.unwrap().unwrap();
    assert_eq!(stored.monitor.revision, 3, "refused updates store nothing");

    let missing = UpdateMonitor { monitor_id: MonitorId::from_uuid(uuid::Uuid::from_u128(9)), ..update(json!({}), None) };
    assert!(matches!(update_monitor(&world.deps, missing, at(6)).await, Err(UpdateMonitorError::NotFound)));

    pause_monitor(&world.deps, PauseMonitor { actor: world.actor(), monitor_id: id }, at(7)).await.unwrap();
    let paused = update_monitor(&world.deps, update(json!({"interval_seconds": 120}), None), at(8)).await.unwrap();
    assert_eq!((paused.health.status, paused.next_due_at), (MonitorStatus::Paused, None), "a paused monitor stays paused");
}

#[tokio::test]
async fn pausing_and_resuming_change_status_once_and_announce_it() {
    let world = World::new();
    let id = create(&world, api()).await.monitor.id;
    let (pause, resume) = (PauseMonitor { actor: world.actor(), monitor_id: id }, ResumeMonitor { actor: world.actor(), monitor_id: id });

    let paused = pause_monitor(&world.deps, pause.clone(), at(10)).await.unwrap();
    assert_eq!((paused.health.status, paused.next_due_at), (MonitorStatus::Paused, None), "no more checks");
    pause_monitor(&world.deps, pause, at(11)).await.unwrap();
    assert_eq!(world.moves(), [("pending".into(), "paused".into())], "pausing twice announces once");

    let resumed = resume_monitor(&world.deps, resume.clone(), at(20)).await.unwrap();
    assert_eq!((resumed.health.status, resumed.next_due_at), (MonitorStatus::Pending, Some(at(20))), "checked at once");
    resume_monitor(&world.deps, resume, at(21)).await.unwrap();
    assert_eq!(world.moves().len(), 2, "resuming a running monitor is a no-op");

    let transitions = world.deps.stores.transitions.list(world.tenant, id, &PageRequest::first()).await.unwrap();
    assert_eq!(transitions.items.len(), 2, "each change kept in the history");

    let unknown = MonitorId::from_uuid(uuid::Uuid::from_u128(9));
    assert!(matches!(
        pause_monitor(&world.deps, PauseMonitor { actor: world.actor(), monitor_id: unknown }, at(30)).await,
        Err(PauseMonitorError::NotFound)
    ));
    assert!(matches!(
        resume_monitor(&world.deps, ResumeMonitor { actor: world.actor(), monitor_id: unknown }, at(30)).await,
        Err(ResumeMonitorError::NotFound)
    ));
}

#[tokio::test]
async fn deleting_removes_the_history_and_resolves_the_ongoing_incident() {
    let world = World::new();
    let id = create(&world, json!({"name": "api", "url": "https://example.com/", "failure_threshold": 1})).await.monitor.id;
    world.prober.answer(vigil_memory::ScriptedProber::response(503));
    let run = run_check(&world.deps, RunCheck { tenant_id: world.tenant, monitor_id: id, planned_at: at(0), manual: false }, at(0)).await;
    let RunCheckOutcome::Ran(run) = run.unwrap() else { panic!("the check ran") };
    assert_eq!(run.health.status, MonitorStatus::Down);
    let down = world.events.events().pop().expect("the Down event");
    handle_event(&world.deps, HandleEvent { event: down }, at(1)).await.unwrap();
    let subject = IncidentSubject::Monitor(id);
    let incident = world.deps.stores.incidents.ongoing(world.tenant, subject).await.unwrap().expect("an incident opened").core().id;
    assert!(world.deps.stores.artefacts.get(world.tenant, id, run.result.id).await.unwrap().is_some(), "the failure kept its artefact");

    delete_monitor(&world.deps, DeleteMonitor { actor: world.actor(), monitor_id: id }, at(60)).await.unwrap();
    assert_eq!(world.deps.stores.monitors.get(world.tenant, id).await.unwrap(), None);
    assert!(world.deps.stores.checks.list(world.tenant, id, &PageRequest::first()).await.unwrap().items.is_empty(), "checks gone");
    assert!(world.deps.stores.artefacts.get(world.tenant, id, run.result.id).await.unwrap().is_none(), "artefacts gone");
    match world.deps.stores.incidents.get(world.tenant, incident).await.unwrap() {
        Some(AnyIncident::Resolved(resolved)) => assert_eq!(resolved.state().resolved.by, ResolvedBy::SubjectDeleted),
        other => panic!("the incident is resolved by the deletion: {other:?}"),
    }
    assert!(matches!(
        delete_monitor(&world.deps, DeleteMonitor { actor: world.actor(), monitor_id: id }, at(61)).await,
        Err(DeleteMonitorError::NotFound)
    ));
}
