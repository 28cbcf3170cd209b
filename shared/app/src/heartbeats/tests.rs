//! The rules of heartbeats: each ping stored with the change it makes, and the sweeper moving
//! silent tasks to Late and Down.

use super::*;
use crate::tasks::{CreateTask, create_task};
use crate::world::{World, at, from_json};
use serde_json::json;
use vigil_domain::heartbeat::{PingBody, PingKind, PingTarget, Task, TaskStatus};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::StoredBody;

/// A task expected every minute, with 30 s of grace.
async fn task(world: &World, slug: &str) -> Task {
    let draft = from_json(json!({"name": slug, "slug": slug, "period_seconds": 60, "grace_seconds": 30}));
    create_task(&world.deps, CreateTask { actor: world.actor(), draft }, at(0)).await.unwrap().task
}

fn ping(target: PingTarget, kind: PingKind, body: &[u8]) -> RecordPing {
    RecordPing {
        target,
        kind,
        rid: None,
        method: "POST".into(),
        body: PingBody { bytes: body.to_vec(), received: body.len() as u64, truncated: false },
    }
}

#[tokio::test]
async fn each_ping_moves_the_task_and_announces_what_changed() {
    use PingKind::*;
    use TaskStatus::{Down, Running, Up};
    type Case = (&'static str, Vec<PingKind>, Vec<TaskStatus>, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        ("a success", vec![Success], vec![Up], vec![("new", "up")]),
        ("a run", vec![Start, Success], vec![Running, Up], vec![("new", "running"), ("running", "up")]),
        ("a failure", vec![Success, Fail], vec![Up, Down], vec![("new", "up"), ("up", "down")]),
        ("exit codes", vec![Exit(0), Exit(3), Exit(0)], vec![Up, Down, Up], vec![("new", "up"), ("up", "down"), ("down", "up")]),
        ("the same news twice is announced once", vec![Success, Success], vec![Up, Up], vec![("new", "up")]),
    ];
    for (name, kinds, statuses, moves) in cases {
        let world = World::new();
        let task = task(&world, "backup").await;
        let mut seen = Vec::new();
        for (i, kind) in kinds.iter().enumerate() {
            seen.push(record_ping(&world.deps, ping(PingTarget::Token(task.token), *kind, b""), at(i as i64 + 1)).await.unwrap().status);
        }
        assert_eq!(seen, statuses, "{name}");
        let moves: Vec<(String, String)> = moves.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(world.moves(), moves, "{name}");
        let pings = world.deps.stores.task_history.list_pings(world.tenant, task.id, &PageRequest::first()).await.unwrap();
        assert_eq!(pings.items.len(), kinds.len(), "{name}: every ping kept");
    }
}

#[tokio::test]
async fn pings_find_their_task_by_token_or_by_ping_key_and_slug() {
    let world = World::new();
    let task = task(&world, "backup").await;
    let key = world.deps.stores.ping_keys.get(world.tenant).await.unwrap().expect("the first task gives the tenant a ping key");
    let by_slug = PingTarget::Slug { key: key.clone(), slug: "backup".parse().unwrap() };
    assert_eq!(record_ping(&world.deps, ping(by_slug, PingKind::Success, b""), at(1)).await.unwrap().status, TaskStatus::Up);
    let unknown = [
        PingTarget::Slug { key, slug: "nope".parse().unwrap() },
        PingTarget::Token(vigil_domain::heartbeat::PingToken::from_random([7; 16])),
    ];
    for target in unknown {
        assert!(matches!(record_ping(&world.deps, ping(target, PingKind::Success, b""), at(2)).await, Err(RecordPingError::NotFound)));
    }
    let pings = world.deps.stores.task_history.list_pings(world.tenant, task.id, &PageRequest::first()).await.unwrap();
    assert_eq!(pings.items.len(), 1, "unknown targets store nothing");
}

#[tokio::test]
async fn a_large_body_goes_to_the_body_store_and_a_small_one_stays_with_its_ping() {
    let world = World::new();
    let task = task(&world, "backup").await;
    let inline = world.deps.settings.heartbeat.inline_body_bytes;
    for (size, external) in [(0, None), (inline, Some(false)), (inline + 1, Some(true))] {
        let body = vec![b'x'; size];
        let recorded = record_ping(&world.deps, ping(PingTarget::Token(task.token), PingKind::Log, &body), at(1)).await.unwrap();
        let stored = world.deps.stores.task_history.get_ping(world.tenant, task.id, recorded.ping_id).await.unwrap().unwrap();
        let kept = world.deps.stores.ping_bodies.get(world.tenant, task.id, recorded.ping_id).await.unwrap();
        match (external, stored.body) {
            (None, StoredBody::None) => assert_eq!(kept, None),
            (Some(false), StoredBody::Inline(inline)) => assert_eq!((inline.bytes, kept), (body, None), "{size} bytes"),
            (Some(true), StoredBody::External { size: stored_size, .. }) => {
                assert_eq!((stored_size, kept), (size as u64, Some(body)), "{size} bytes")
            }
            (expected, got) => panic!("{size} bytes: expected external {expected:?}, got {got:?}"),
        }
    }
}

#[tokio::test]
async fn the_sweeper_moves_silent_tasks_to_late_then_down_within_its_cap() {
    let world = World::new();
    let (first, second) = (task(&world, "a").await, task(&world, "b").await);
    for task in [&first, &second] {
        record_ping(&world.deps, ping(PingTarget::Token(task.token), PingKind::Success, b""), at(0)).await.unwrap();
    }
    let sweep = |second: i64, max: usize| sweep_due_tasks(&world.deps, SweepDueTasks { batch: 1, max }, at(second));
    assert_eq!(sweep(30, 10).await.unwrap(), Swept { due: 0, changed: 0, capped: false }, "nothing due before the period ends");
    assert_eq!(sweep(61, 1).await.unwrap(), Swept { due: 1, changed: 1, capped: true }, "the cap leaves the other task due");
    assert_eq!(sweep(62, 10).await.unwrap(), Swept { due: 1, changed: 1, capped: false });
    assert_eq!(sweep(63, 10).await.unwrap(), Swept { due: 0, changed: 0, capped: false }, "a late task is due again at its grace end");
    assert_eq!(sweep(91, 10).await.unwrap(), Swept { due: 2, changed: 2, capped: false });
    let late_then_down: Vec<(String, String)> = world.moves().into_iter().skip(2).collect();
    assert_eq!(
        late_then_down,
        [("up", "late"), ("up", "late"), ("late", "down"), ("late", "down")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let record = world.deps.stores.tasks.get(world.tenant, first.id).await.unwrap().unwrap();
    assert_eq!(record.state.reported.status, TaskStatus::Down);
    assert_eq!(sweep(200, 10).await.unwrap().due, 0, "a Down task waits for a ping, not the sweeper");
}

#[tokio::test]
async fn a_run_keeps_the_end_of_its_log_after_the_cap_prunes_its_finishing_ping() {
    use crate::tasks::{ListRuns, list_runs};
    let mut world = World::new();
    let mut settings = (*world.deps.settings).clone();
    settings.heartbeat.pings_kept = vigil_domain::heartbeat::PingCap::new(2).unwrap();
    world.deps.settings = std::sync::Arc::new(settings);
    let task = task(&world, "backup").await;
    let target = || PingTarget::Token(task.token);
    let long_output = format!("{}\nok: 3 files\n", "copying a file\n".repeat(100));
    record_ping(&world.deps, ping(target(), PingKind::Start, b""), at(1)).await.unwrap();
    record_ping(&world.deps, ping(target(), PingKind::Success, long_output.as_bytes()), at(2)).await.unwrap();
    let logs = || async {
        let runs = ListRuns { actor: world.actor(), task_id: task.id, page: PageRequest::first() };
        list_runs(&world.deps, runs, at(100)).await.unwrap().items.into_iter().map(|view| view.log).collect::<Vec<_>>()
    };
    assert_eq!(logs().await, vec![Some(long_output.clone())], "the whole body while the ping is kept");
    for second in 3..8 {
        record_ping(&world.deps, ping(target(), PingKind::Log, b"later"), at(second)).await.unwrap();
    }
    let pings = world.deps.stores.task_history.list_pings(world.tenant, task.id, &PageRequest::first()).await.unwrap();
    assert!(pings.items.iter().all(|p| p.kind == PingKind::Log), "the finishing ping is pruned");
    let tail = logs().await.remove(0).expect("a log");
    assert!(tail.len() <= vigil_domain::heartbeat::StoredRun::LOG_TAIL_BYTES, "{} bytes", tail.len());
    assert!(tail.starts_with("copying a file\n") && tail.ends_with("\n\nok: 3 files"), "{tail:?}");
}
