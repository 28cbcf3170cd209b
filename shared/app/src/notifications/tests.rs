//! The rules of notifying: one attempt per due delivery with retries and a last failure, and
//! escalation and reminder timers acting only while they should.

use super::*;
use crate::incidents::{AcknowledgeIncident, HandledEvent, acknowledge_incident};
use crate::world::{World, at};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::time::Duration;
use vigil_domain::ids::{ChannelId, IncidentId, MonitorId};
use vigil_domain::incident::TimelineEvent;
use vigil_domain::notify::{AttemptResult, Delivery, DeliveryStatus, NotificationKind, RetryPolicy};
use vigil_domain::page::PageRequest;
use vigil_memory::ScriptedNotifier;

/// A monitor with an incident open since `at(0)` and its one delivery pending, to `ops`.
async fn outage(world: &World) -> (MonitorId, ChannelId, IncidentId) {
    let id = world.monitor().await;
    let ops = world.channel("ops").await;
    world.rule(json!({"name": "all", "select": {"all": true}, "channels": [ops.to_string()]})).await;
    let Some(HandledEvent::Opened { incident, deliveries: 1 }) = world.check(id, 0, 503).await else { panic!("an incident opened") };
    (id, ops, incident)
}

/// Claims the incident's pending delivery due at `now` and makes one attempt.
async fn attempt(world: &World, now: Timestamp) -> Delivery {
    let claimed = world.deps.stores.delivery_due.claim_due(now, SignedDuration::from_secs(60), 10).await.unwrap();
    let [delivery] = claimed.as_slice() else { panic!("one delivery due at {now}: {claimed:?}") };
    deliver(&world.deps, Deliver { delivery: delivery.clone() }, now).await.unwrap()
}

async fn timeline(world: &World, incident: IncidentId) -> Vec<TimelineEvent> {
    world
        .deps
        .stores
        .incidents
        .timeline(world.tenant, incident, &PageRequest::first())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.event)
        .collect()
}

#[tokio::test]
async fn a_delivery_is_retried_with_backoff_until_accepted_or_out_of_attempts() {
    let rejected = |retryable| ScriptedNotifier::rejected(503, retryable);
    let accepted = || AttemptResult::Accepted { status_code: Some(200) };
    let cases = [
        ("accepted at once", vec![accepted()], DeliveryStatus::Delivered, 1),
        ("retried, then accepted", vec![rejected(true), accepted()], DeliveryStatus::Delivered, 2),
        ("refused for good", vec![rejected(false)], DeliveryStatus::Failed, 1),
        ("out of attempts", vec![rejected(true), rejected(true), rejected(true)], DeliveryStatus::Failed, 3),
    ];
    for (name, results, status, attempts) in cases {
        let mut world = World::new();
        std::sync::Arc::make_mut(&mut world.deps.settings).notifications.retry =
            RetryPolicy { max_attempts: 3, first_delay: Duration::from_secs(5), max_delay: Duration::from_secs(60) };
        let (_, ops, incident) = outage(&world).await;
        for result in &results {
            world.notifier.then(result.clone());
        }
        let mut now = at(1);
        let mut delivery = attempt(&world, now).await;
        let mut waits = Vec::new();
        while delivery.status == DeliveryStatus::Pending {
            let due = delivery.next_attempt_at.expect("a pending delivery is due again");
            waits.push(due.duration_since(now).as_secs());
            now = due;
            delivery = attempt(&world, now).await;
        }
        assert_eq!((delivery.status, delivery.attempts), (status, attempts), "{name}");
        assert_eq!(waits, [5, 10][..attempts as usize - 1], "{name}: the backoff doubles");
        assert_eq!(world.notifier.sent().len(), attempts as usize, "{name}: one message per attempt");
        let logged = world.deps.stores.deliveries.attempts(world.tenant, delivery.id).await.unwrap();
        assert_eq!(logged.len(), attempts as usize, "{name}: every attempt logged");
        let last = timeline(&world, incident).await.pop();
        match status {
            DeliveryStatus::Delivered => {
                assert!(matches!(last, Some(TimelineEvent::Notified { channel_id, .. }) if channel_id == ops), "{name}: {last:?}")
            }
            _ => assert!(matches!(last, Some(TimelineEvent::DeliveryFailed { .. })), "{name}: {last:?}"),
        }
        let failed = world.deps.stores.deliveries.failed(world.tenant, &PageRequest::first()).await.unwrap().items;
        assert_eq!(failed.len(), usize::from(status == DeliveryStatus::Failed), "{name}: the failed list");
    }
}

#[tokio::test]
async fn a_deleted_channel_fails_its_delivery_without_sending() {
    let world = World::new();
    let (_, ops, _) = outage(&world).await;
    delete_channel(&world.deps, DeleteChannel { actor: world.actor(), channel_id: ops }, at(1)).await.unwrap();
    let failed = attempt(&world, at(2)).await;
    assert_eq!((failed.status, failed.last_error.as_deref()), (DeliveryStatus::Failed, Some("the channel was deleted")));
    assert!(world.notifier.sent().is_empty());
}

#[tokio::test]
async fn an_attempt_is_recorded_once_and_a_settled_delivery_is_left_alone() {
    let world = World::new();
    let (_, _, _) = outage(&world).await;
    let claimed = world.deps.stores.delivery_due.claim_due(at(1), SignedDuration::from_secs(60), 10).await.unwrap().remove(0);
    let first = deliver(&world.deps, Deliver { delivery: claimed.clone() }, at(1)).await.unwrap();
    let late = deliver(&world.deps, Deliver { delivery: claimed }, at(2)).await.unwrap();
    assert_eq!((first.status, late.attempts), (DeliveryStatus::Delivered, 1), "a deliverer whose claim lapsed adds nothing");
    assert_eq!(world.deps.stores.deliveries.attempts(world.tenant, first.id).await.unwrap().len(), 1);
    let again = deliver(&world.deps, Deliver { delivery: first.clone() }, at(3)).await.unwrap();
    assert_eq!(again, first, "a delivered delivery is not attempted");
    assert_eq!(world.notifier.sent().len(), 2);
}

#[tokio::test]
async fn timers_escalate_until_acknowledged_and_remind_until_resolved() {
    let world = World::new();
    let id = world.monitor().await;
    let (ops, oncall) = (world.channel("ops").await, world.channel("oncall").await);
    world
        .rule(json!({
            "name": "escalating", "select": {"all": true}, "channels": [ops.to_string()],
            "escalation": [{"after_seconds": 60, "channels": [oncall.to_string()]}, {"after_seconds": 600, "channels": [oncall.to_string()]}],
            "repeat_every_seconds": 300,
        }))
        .await;
    let Some(HandledEvent::Opened { incident, .. }) = world.check(id, 0, 503).await else { panic!("an incident opened") };
    let run = |second: i64| run_due_timers(&world.deps, RunDueTimers::default(), at(second));

    assert_eq!(run(30).await.unwrap(), 0, "nothing due yet");
    assert_eq!(run(61).await.unwrap(), 1, "the first escalation step");
    assert_eq!(run(62).await.unwrap(), 0, "handled once");
    acknowledge_incident(&world.deps, AcknowledgeIncident { actor: world.actor(), incident_id: incident, by: "ana".into() }, at(100))
        .await
        .unwrap();
    assert_eq!(run(301).await.unwrap(), 1, "the first reminder, acknowledged or not");
    assert_eq!(run(601).await.unwrap(), 2, "the second reminder, and the second step, which no longer fires");
    let kinds: Vec<(ChannelId, NotificationKind)> = world.deliveries(incident).await;
    assert_eq!(
        kinds,
        [
            (ops, NotificationKind::Opened),
            (oncall, NotificationKind::Escalated { step: 1 }),
            (ops, NotificationKind::Acknowledged),
            (oncall, NotificationKind::Acknowledged),
            (ops, NotificationKind::Reminder { count: 1 }),
            (ops, NotificationKind::Reminder { count: 2 }),
        ]
    );
    let events = timeline(&world, incident).await;
    assert_eq!(events.iter().filter(|e| matches!(e, TimelineEvent::Escalated { step: 1, .. })).count(), 1);
    assert_eq!(events.iter().filter(|e| matches!(e, TimelineEvent::Reminded { .. })).count(), 2);

    world.check(id, 700, 200).await;
    assert_eq!(run(901).await.unwrap(), 1, "the third reminder is claimed and dropped: the incident is resolved");
    assert_eq!(run(1201).await.unwrap(), 0, "and nothing follows it");
    assert_eq!(world.deliveries(incident).await.len(), 8, "the resolution went to both channels that were alarmed, no reminder");
}

#[tokio::test]
async fn a_timer_run_stops_at_its_cap_and_leaves_the_rest_due() {
    let world = World::new();
    let ops = world.channel("ops").await;
    world.rule(json!({"name": "noisy", "select": {"all": true}, "channels": [ops.to_string()], "repeat_every_seconds": 60})).await;
    let (a, b) = (world.monitor().await, world.monitor().await);
    world.check(a, 0, 503).await;
    world.check(b, 0, 503).await;
    let capped = RunDueTimers { batch: 1, max: 1, ..RunDueTimers::default() };
    assert_eq!(run_due_timers(&world.deps, capped, at(61)).await.unwrap(), 1);
    assert_eq!(run_due_timers(&world.deps, RunDueTimers::default(), at(62)).await.unwrap(), 1, "the other one next time");
}

#[tokio::test]
async fn the_subjects_a_form_picks_from_are_every_monitor_and_task_by_name_for_whoever_may_read_them() {
    use crate::tasks::{CreateTask, create_task};
    use crate::world::from_json;
    use vigil_domain::access::{Actor, Role};
    use vigil_domain::ids::{TenantId, UserId};
    let world = World::new();
    let monitor = world.monitor().await;
    let draft = from_json(json!({"name": "backup", "period_seconds": 3600, "grace_seconds": 300}));
    let task = create_task(&world.deps, CreateTask { actor: world.actor(), draft }, at(0)).await.unwrap().task.id;
    let expected = Subjects { monitors: vec![(monitor, "api".to_owned())], tasks: vec![(task, "backup".to_owned())] };
    let viewer = Actor::member(world.tenant, UserId::from_uuid(uuid::Uuid::from_u128(9)), Role::Viewer, "viewer@example.com");
    let elsewhere = Actor::system(TenantId::from_uuid(uuid::Uuid::from_u128(0xe15e)));
    let agent = Actor::agent(world.tenant, vigil_domain::ids::AgentId::from_uuid(uuid::Uuid::from_u128(7)), "web-1", Default::default());
    let cases = [
        ("Vigil itself", world.actor(), Some(expected.clone())),
        ("a viewer", viewer, Some(expected)),
        ("another organisation", elsewhere, Some(Subjects::default())),
        ("an agent", agent, None),
    ];
    for (name, actor, wanted) in cases {
        let listed = list_subjects(&world.deps, ListSubjects { actor }, at(1)).await;
        match wanted {
            Some(subjects) => assert_eq!(listed.unwrap(), subjects, "{name}"),
            None => assert!(matches!(listed, Err(ListSubjectsError::Forbidden(_))), "{name}: {listed:?}"),
        }
    }
}
