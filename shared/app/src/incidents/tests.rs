//! The rules of incidents: opened and resolved by status changes, once per outage whatever is
//! redelivered; acknowledged and resolved by people within the rules.

use super::*;
use crate::heartbeats::{RecordPing, record_ping};
use crate::monitors::{PauseMonitor, pause_monitor};
use crate::notifications::{MuteMonitor, mute_monitor};
use crate::tasks::{CreateTask, create_task};
use crate::world::{World, at, from_json};
use serde_json::json;
use vigil_domain::events::DomainEvent;
use vigil_domain::heartbeat::{PingBody, PingKind, PingTarget};
use vigil_domain::incident::{AnyIncident, IncidentStatus, ResolvedBy, TimelineEvent};
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::notify::NotificationKind::{Acknowledged, Opened, Resolved};
use vigil_domain::page::PageRequest;

/// A world with a monitor and a rule sending everything to one channel.
async fn watched(world: &World, successes: u8) -> (vigil_domain::ids::MonitorId, vigil_domain::ids::ChannelId) {
    let id = world.monitor_recovering_after(successes).await;
    let ops = world.channel("ops").await;
    world.rule(json!({"name": "all", "select": {"all": true}, "channels": [ops.to_string()]})).await;
    (id, ops)
}

async fn handle(world: &World, event: DomainEvent, second: i64) -> HandledEvent {
    handle_event(&world.deps, HandleEvent { event }, at(second)).await.expect("handled")
}

#[tokio::test]
async fn an_outage_opens_one_incident_whatever_is_redelivered_and_recovery_resolves_it() {
    let world = World::new();
    let (id, ops) = watched(&world, 1).await;

    let Some(HandledEvent::Opened { incident, deliveries: 1 }) = world.check(id, 0, 503).await else { panic!("Down opens") };
    let down = world.events.events().pop().unwrap();
    assert_eq!(handle(&world, down.clone(), 1).await, HandledEvent::Nothing, "a redelivered Down");
    let DomainEvent::MonitorStatusChanged(first) = down else { unreachable!() };
    let later = DomainEvent::MonitorStatusChanged(vigil_domain::events::MonitorStatusChanged { at: at(5), ..first.clone() });
    assert_eq!(handle(&world, later, 5).await, HandledEvent::AlreadyOngoing(incident), "one ongoing incident per subject");
    let suspicious =
        DomainEvent::MonitorStatusChanged(vigil_domain::events::MonitorStatusChanged { to: MonitorStatus::Suspicious, ..first });
    assert_eq!(handle(&world, suspicious, 6).await, HandledEvent::Nothing, "a status that neither opens nor resolves");
    assert_eq!(world.deliveries(incident).await, [(ops, Opened)]);

    assert_eq!(world.check(id, 10, 200).await, Some(HandledEvent::Resolved { incident, deliveries: 1 }));
    let up = world.events.events().pop().unwrap();
    let DomainEvent::MonitorStatusChanged(recovered) = &up else { unreachable!() };
    let recovered_at = recovered.at;
    assert_eq!(handle(&world, up, 11).await, HandledEvent::Nothing, "a redelivered Up");
    assert_eq!(world.deliveries(incident).await, [(ops, Opened), (ops, Resolved)], "nothing sent twice");
    let stored = world.deps.stores.incidents.get(world.tenant, incident).await.unwrap().unwrap();
    assert_eq!(stored.resolution().map(|r| (r.at, r.by.clone())), Some((recovered_at, ResolvedBy::Recovery)), "as of the change");
    let timeline = world.deps.stores.incidents.timeline(world.tenant, incident, &PageRequest::first()).await.unwrap().items;
    assert!(
        timeline.iter().any(|e| matches!(e.event, TimelineEvent::CheckFailures { failed: 1, checks: 2 })),
        "the resolution sums up the outage's checks: {timeline:?}"
    );

    let Some(HandledEvent::Opened { incident: next, .. }) = world.check(id, 20, 503).await else { panic!("a new outage") };
    assert_ne!(next, incident, "the next outage is a new incident");
    pause_monitor(&world.deps, PauseMonitor { actor: world.actor(), monitor_id: id }, at(25)).await.unwrap();
    let paused = world.events.events().pop().unwrap();
    assert_eq!(handle(&world, paused, 25).await, HandledEvent::Resolved { incident: next, deliveries: 1 });
    let stored = world.deps.stores.incidents.get(world.tenant, next).await.unwrap().unwrap();
    assert_eq!(stored.resolution().map(|r| r.by.clone()), Some(ResolvedBy::SubjectPaused));
}

#[tokio::test]
async fn a_muted_monitor_opens_its_incidents_silently() {
    let world = World::new();
    let (id, _) = watched(&world, 1).await;
    mute_monitor(&world.deps, MuteMonitor { actor: world.actor(), monitor_id: id, until: None }, at(0)).await.unwrap();
    let Some(HandledEvent::Opened { incident, deliveries: 0 }) = world.check(id, 0, 503).await else { panic!("Down opens") };
    let stored = world.deps.stores.incidents.get(world.tenant, incident).await.unwrap().unwrap();
    assert!(stored.core().silenced.is_some(), "silenced, and why");
    let timeline = world.deps.stores.incidents.timeline(world.tenant, incident, &PageRequest::first()).await.unwrap().items;
    assert!(timeline.iter().any(|e| matches!(e.event, TimelineEvent::Silenced { .. })));
    assert_eq!(world.check(id, 10, 200).await, Some(HandledEvent::Resolved { incident, deliveries: 0 }), "nor resolved aloud");
}

#[tokio::test]
async fn acknowledging_takes_an_open_incident_once_and_never_a_resolved_one() {
    let world = World::new();
    let (id, ops) = watched(&world, 2).await;
    let Some(HandledEvent::Opened { incident, .. }) = world.check(id, 0, 503).await else { panic!("Down opens") };
    let ack = |by: &str| AcknowledgeIncident { actor: world.actor(), incident_id: incident, by: by.into() };

    let taken = acknowledge_incident(&world.deps, ack("ana"), at(30)).await.unwrap();
    assert_eq!(taken.status(), IncidentStatus::Acknowledged);
    assert_eq!(taken.acknowledgement().map(|a| (a.by.as_str(), a.at)), Some(("ana", at(30))));
    let again = acknowledge_incident(&world.deps, ack("bo"), at(40)).await.unwrap();
    assert_eq!(again, taken, "acknowledging again changes nothing");
    assert_eq!(world.deliveries(incident).await, [(ops, Opened), (ops, Acknowledged)], "announced once");

    let resolve = |by: &str| ResolveIncident { actor: world.actor(), incident_id: incident, by: by.into(), note: Some("  ".into()) };
    assert!(
        matches!(resolve_incident(&world.deps, resolve("ana"), at(50)).await, Err(ResolveIncidentError::StillDown("monitor"))),
        "refused while the monitor is still down: nothing would open an incident for the rest of the outage"
    );
    assert_eq!(world.check(id, 60, 200).await, Some(HandledEvent::Nothing), "recovering: not up yet");
    let resolved = resolve_incident(&world.deps, resolve("ana"), at(70)).await.unwrap();
    assert_eq!(
        resolved.resolution().map(|r| r.by.clone()),
        Some(ResolvedBy::Person { name: "ana".into(), note: None }),
        "a blank note is no note"
    );
    assert_eq!(resolve_incident(&world.deps, resolve("bo"), at(80)).await.unwrap(), resolved, "resolving again changes nothing");
    assert!(matches!(acknowledge_incident(&world.deps, ack("bo"), at(90)).await, Err(AcknowledgeIncidentError::Resolved)));
    assert_eq!(world.deliveries(incident).await, [(ops, Opened), (ops, Acknowledged), (ops, Resolved)]);
    assert_eq!(world.ongoing(id).await, None, "the subject is free for its next incident");

    let unknown = vigil_domain::ids::IncidentId::from_uuid(uuid::Uuid::from_u128(9));
    let ack_unknown = AcknowledgeIncident { incident_id: unknown, ..ack("ana") };
    assert!(matches!(acknowledge_incident(&world.deps, ack_unknown, at(91)).await, Err(AcknowledgeIncidentError::NotFound)));
    let resolve_unknown = ResolveIncident { incident_id: unknown, ..resolve("ana") };
    assert!(matches!(resolve_incident(&world.deps, resolve_unknown, at(91)).await, Err(ResolveIncidentError::NotFound)));
}

#[tokio::test]
async fn a_task_incident_cannot_be_resolved_by_hand_while_the_task_is_down() {
    let world = World::new();
    let draft = from_json(json!({"name": "backup", "period_seconds": 3600, "grace_seconds": 300}));
    let task = create_task(&world.deps, CreateTask { actor: world.actor(), draft }, at(0)).await.unwrap().task;
    let fail = RecordPing {
        target: PingTarget::Token(task.token),
        kind: PingKind::Fail,
        rid: None,
        method: "POST".into(),
        body: PingBody { bytes: Vec::new(), received: 0, truncated: false },
    };
    record_ping(&world.deps, fail, at(10)).await.unwrap();
    let down = world.events.events().pop().expect("the task's Down");
    let HandledEvent::Opened { incident, .. } = handle(&world, down, 10).await else { panic!("a task's Down opens") };
    let resolve = ResolveIncident { actor: world.actor(), incident_id: incident, by: "ana".into(), note: None };
    assert!(matches!(resolve_incident(&world.deps, resolve, at(20)).await, Err(ResolveIncidentError::StillDown("task"))));
    assert!(matches!(world.deps.stores.incidents.get(world.tenant, incident).await.unwrap(), Some(AnyIncident::Open(_))));
}
