//! The rules of running and claiming checks, over the in-memory store and a scripted prober.

use super::*;
use crate::monitors::{CreateMonitor, PauseMonitor, create_monitor, pause_monitor};
use crate::world::{World, at, from_json};
use jiff::SignedDuration;
use serde_json::json;
use vigil_domain::check::CheckOutcome;
use vigil_domain::events::DomainEvent;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::MonitorStatus::{self, *};
use vigil_domain::page::PageRequest;
use vigil_domain::probe::ProbeReport;
use vigil_memory::ScriptedProber;

/// A monitor checked every 10 s, Down after two failures, Up after two successes.
async fn monitor(world: &World) -> MonitorId {
    let draft = from_json(json!({
        "name": "api", "url": "https://example.com/", "interval_seconds": 10,
        "failure_threshold": 2, "recovery_threshold": 2, "tags": ["prod", "eu"],
    }));
    create_monitor(&world.deps, CreateMonitor { actor: world.actor(), draft }, at(0)).await.unwrap().monitor.id
}

/// Runs the check planned at `second`.
async fn check(world: &World, id: MonitorId, second: i64) -> RunCheckOutcome {
    let cmd = RunCheck { tenant_id: world.tenant, monitor_id: id, planned_at: at(second), manual: false };
    run_check(&world.deps, cmd, at(second)).await.expect("the check ran")
}

fn ran(outcome: RunCheckOutcome) -> CheckRun {
    match outcome {
        RunCheckOutcome::Ran(run) => *run,
        other => panic!("expected the check to run: {other:?}"),
    }
}

#[tokio::test]
async fn status_moves_with_the_thresholds_and_every_change_is_announced() {
    let ok = || ScriptedProber::response(200);
    let failing = || ScriptedProber::response(503);
    type Case = (&'static str, Vec<ProbeReport>, Vec<MonitorStatus>, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        ("a first success", vec![ok()], vec![Up], vec![("pending", "up")]),
        (
            "one blip pages nobody",
            vec![ok(), failing(), ok()],
            vec![Up, Suspicious, Up],
            vec![("pending", "up"), ("up", "suspicious"), ("suspicious", "up")],
        ),
        (
            "down after two failures, up after two successes",
            vec![failing(), failing(), ok(), ok()],
            vec![Suspicious, Down, Recovering, Up],
            vec![("pending", "suspicious"), ("suspicious", "down"), ("down", "recovering"), ("recovering", "up")],
        ),
        (
            "a refused connection is a failure",
            vec![ok(), ScriptedProber::refused()],
            vec![Up, Suspicious],
            vec![("pending", "up"), ("up", "suspicious")],
        ),
        ("a prober failure changes nothing", vec![ScriptedProber::probe_error(), ok()], vec![Pending, Up], vec![("pending", "up")]),
        ("staying up writes no change", vec![ok(), ok(), ok()], vec![Up, Up, Up], vec![("pending", "up")]),
    ];
    for (name, reports, statuses, moves) in cases {
        let world = World::new();
        let id = monitor(&world).await;
        let mut seen = Vec::new();
        for (i, report) in reports.iter().enumerate() {
            world.prober.then(report.clone());
            seen.push(ran(check(&world, id, 10 * i as i64).await).health.status);
        }
        assert_eq!(seen, statuses, "{name}");
        let moves: Vec<(String, String)> = moves.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(world.moves(), moves, "{name}: each change published once");
        let stored = world.deps.stores.transitions.list(world.tenant, id, &PageRequest::first()).await.unwrap();
        assert_eq!(stored.items.len(), moves.len(), "{name}: each change kept");
        let results = world.deps.stores.checks.list(world.tenant, id, &PageRequest::first()).await.unwrap();
        assert_eq!(results.items.len(), reports.len(), "{name}: every check kept, the prober's failures too");
    }
}

#[tokio::test]
async fn the_event_carries_what_the_incident_needs() {
    let world = World::new();
    let id = monitor(&world).await;
    world.prober.then(ScriptedProber::response(503)).then(ScriptedProber::response(502));
    ran(check(&world, id, 0).await);
    let down = ran(check(&world, id, 10).await);
    let Some(DomainEvent::MonitorStatusChanged(event)) = world.events.events().pop() else { panic!("a monitor event") };
    assert_eq!((event.from, event.to), (Suspicious, Down));
    assert_eq!(event.tags.iter().map(String::as_str).collect::<Vec<_>>(), ["eu", "prod"]);
    assert_eq!((event.checked_at, event.status_code), (Some(down.result.started_at), Some(502)), "the failing check's facts");
    assert!(matches!(down.result.outcome, CheckOutcome::Down { .. }));
    let artefact = world.deps.stores.artefacts.get(world.tenant, id, down.result.id).await.unwrap();
    assert!(artefact.is_some(), "a failure that changed the health keeps its artefact");
}

#[tokio::test]
async fn a_redelivered_check_is_stored_once_and_announced_again() {
    let world = World::new();
    let id = monitor(&world).await;
    let first = ran(check(&world, id, 0).await);
    assert!(!first.duplicate && first.event_published);
    let again = ran(check(&world, id, 0).await);
    assert!(again.duplicate, "same monitor and planned time: the same check");
    assert_eq!(again.transition, first.transition, "the transition as first stored");
    assert_eq!(world.moves(), [("pending".into(), "up".into()), ("pending".into(), "up".into())], "published again, for a lost first");
    let keys: Vec<String> = world.events.events().iter().map(DomainEvent::idempotency_key).collect();
    assert_eq!(keys[0], keys[1], "consumers see one event twice");
    let results = world.deps.stores.checks.list(world.tenant, id, &PageRequest::first()).await.unwrap();
    assert_eq!(results.items.len(), 1);
}

#[tokio::test]
async fn a_lost_event_is_reported_and_published_by_the_redelivery() {
    let world = World::new();
    let id = monitor(&world).await;
    world.events.fail(true);
    let lost = ran(check(&world, id, 0).await);
    assert!(!lost.event_published, "the caller learns the event did not go out");
    assert_eq!(lost.health.status, Up, "the change itself is stored");
    world.events.fail(false);
    let redelivered = ran(check(&world, id, 0).await);
    assert!(redelivered.duplicate && redelivered.event_published);
    assert_eq!(world.moves(), [("pending".into(), "up".into())]);
}

#[tokio::test]
async fn paused_and_deleted_monitors_are_not_checked_unless_by_hand() {
    let world = World::new();
    let id = monitor(&world).await;
    pause_monitor(&world.deps, PauseMonitor { actor: world.actor(), monitor_id: id }, at(1)).await.unwrap();
    assert_eq!(check(&world, id, 10).await, RunCheckOutcome::MonitorPaused);
    assert!(world.prober.requests().is_empty(), "a scheduled check of a paused monitor probes nothing");
    let manual = RunCheck { tenant_id: world.tenant, monitor_id: id, planned_at: at(11), manual: true };
    let by_hand = ran(run_check(&world.deps, manual, at(11)).await.unwrap());
    assert_eq!(by_hand.health.status, Paused, "a manual check leaves it paused");
    assert_eq!(world.prober.requests().len(), 1);
    let unknown = MonitorId::from_uuid(uuid::Uuid::from_u128(9));
    assert_eq!(check(&world, unknown, 20).await, RunCheckOutcome::MonitorGone);
}

#[tokio::test]
async fn claims_hand_out_each_slot_once_up_to_the_cap() {
    let mut world = World::new();
    std::sync::Arc::make_mut(&mut world.deps.settings).first_check_within = SignedDuration::ZERO;
    for _ in 0..3 {
        monitor(&world).await;
    }
    let cases = [
        ("the cap stops the claim", ClaimDueChecks { horizon: SignedDuration::from_secs(2), batch: 1, max: 2 }, 2),
        ("the rest comes in the next claim", ClaimDueChecks::default(), 1),
        ("nothing is handed out twice", ClaimDueChecks::default(), 0),
    ];
    for (name, cmd, expected) in cases {
        let claimed = claim_due_checks(&world.deps, cmd, at(0)).await.unwrap();
        assert_eq!(claimed.len(), expected, "{name}");
        assert!(claimed.iter().all(|c| c.check.planned_at == at(0)), "{name}: new monitors without a spread are due at once");
    }
}
