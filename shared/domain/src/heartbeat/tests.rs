//! Scenario tables for task status: sequences of pings and instants, and the status, runs and
//! announcements each produces.

use super::step::{PingFacts, on_ping, on_tick, pause, resume};
use super::*;
use crate::ids::{PingId, RunId, TaskId, TenantId};
use jiff::Timestamp;
use uuid::Uuid;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_767_225_600 + s).unwrap()
}

fn task(json: serde_json::Value) -> TaskRecord {
    let spec = TaskSpec::from_draft(&serde_json::from_value(json).unwrap()).unwrap();
    let task = Task {
        id: TaskId::from_uuid(Uuid::from_u128(7)),
        tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
        token: PingToken::from_random([1; 16]),
        spec,
        revision: 1,
        created_at: t(0),
        updated_at: t(0),
    };
    TaskRecord { task, state: TaskState::new(t(0)), next_deadline: None }
}

/// An event of a scenario.
#[derive(Clone, Copy, Debug)]
enum Do {
    Ping(i64, PingKind, Option<u128>),
    Tick(i64),
    Pause(i64),
    Resume(i64),
}

/// Plays `steps` and returns the status after each and every announced change.
fn play(mut record: TaskRecord, steps: &[Do]) -> (Vec<TaskStatus>, Vec<(TaskStatus, TaskStatus)>, TaskRecord) {
    let mut statuses = Vec::new();
    let mut events = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let result = match *step {
            Do::Ping(at, kind, rid) => {
                let facts = PingFacts { id: PingId::from_uuid(Uuid::from_u128(1000 + i as u128)), kind, rid: rid.map(Uuid::from_u128) };
                Some(on_ping(&record, &facts, RunId::from_uuid(Uuid::from_u128(2000 + i as u128)), t(at)).0)
            }
            Do::Tick(at) => on_tick(&record, t(at)),
            Do::Pause(at) => Some(pause(&record, t(at))),
            Do::Resume(at) => Some(resume(&record, t(at))),
        };
        if let Some(result) = result {
            if let Some(event) = &result.event {
                events.push((event.from, event.to));
            }
            record.state = result.state;
            record.next_deadline = result.next_deadline;
        }
        statuses.push(record.state.reported.status);
    }
    (statuses, events, record)
}

use PingKind::*;
use TaskStatus::*;

#[test]
fn period_schedule_statuses() {
    type Case = (&'static str, serde_json::Value, Vec<Do>, Vec<TaskStatus>);
    let hourly = serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600});
    let cases: Vec<Case> = vec![
        ("new until the first ping", hourly.clone(), vec![Do::Tick(10_000)], vec![New]),
        ("a success is up", hourly.clone(), vec![Do::Ping(10, Success, None)], vec![Up]),
        (
            "late after the period, down after the grace",
            hourly.clone(),
            vec![Do::Ping(0, Success, None), Do::Tick(3599), Do::Tick(3600), Do::Tick(4199), Do::Tick(4200)],
            vec![Up, Up, Late, Late, Down],
        ),
        (
            "a late ping resolves",
            hourly.clone(),
            vec![Do::Ping(0, Success, None), Do::Tick(5000), Do::Ping(5001, Success, None)],
            vec![Up, Down, Up],
        ),
        (
            "fail is down until a success",
            hourly.clone(),
            vec![Do::Ping(0, Fail, None), Do::Ping(1, Start, None), Do::Ping(2, Success, None)],
            vec![Down, Down, Up],
        ),
        ("exit status 0 and 3", hourly.clone(), vec![Do::Ping(0, Exit(0), None), Do::Ping(1, Exit(3), None)], vec![Up, Down]),
        ("a log changes nothing", hourly.clone(), vec![Do::Ping(0, Success, None), Do::Ping(1, Log, None)], vec![Up, Up]),
        (
            "running between start and finish",
            hourly.clone(),
            vec![Do::Ping(0, Start, None), Do::Ping(30, Success, None)],
            vec![Running, Up],
        ),
        (
            "a start without a finish times out after the grace time",
            hourly.clone(),
            vec![Do::Ping(0, Start, None), Do::Tick(599), Do::Tick(600)],
            vec![Running, Running, Down],
        ),
        (
            "max run time",
            serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600, "max_run_seconds": 60}),
            vec![Do::Ping(0, Start, None), Do::Tick(60), Do::Ping(61, Success, None)],
            vec![Running, Down, Up],
        ),
        (
            "min run time",
            serde_json::json!({"name": "x", "period_seconds": 3600, "min_run_seconds": 30}),
            vec![Do::Ping(0, Start, None), Do::Ping(5, Success, None), Do::Ping(10, Start, None), Do::Ping(50, Success, None)],
            vec![Running, Down, Down, Up],
        ),
        ("paused ignores time", hourly.clone(), vec![Do::Ping(0, Success, None), Do::Pause(1), Do::Tick(90_000)], vec![Up, Paused, Paused]),
        (
            "resume is new",
            hourly.clone(),
            vec![Do::Ping(0, Success, None), Do::Pause(1), Do::Resume(2), Do::Tick(90_000)],
            vec![Up, Paused, New, New],
        ),
        ("a success resumes", hourly.clone(), vec![Do::Pause(1), Do::Ping(2, Success, None)], vec![Paused, Up]),
        (
            "one-shot: expected once from creation, then nothing",
            serde_json::json!({"name": "x", "period_seconds": 60, "grace_seconds": 10, "one_shot": true}),
            vec![Do::Tick(59), Do::Tick(60), Do::Ping(65, Success, None), Do::Tick(100_000)],
            vec![New, Late, Up, Up],
        ),
        (
            "one-shot missed",
            serde_json::json!({"name": "x", "period_seconds": 60, "grace_seconds": 10, "one_shot": true}),
            vec![Do::Tick(70)],
            vec![Down],
        ),
    ];
    for (name, spec, steps, expected) in cases {
        let (statuses, _, _) = play(task(spec), &steps);
        assert_eq!(statuses, expected, "{name}");
    }
}

#[test]
fn concurrent_runs_pair_by_rid() {
    let record = task(serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600}));
    let (statuses, _, record) = play(
        record,
        &[Do::Ping(0, Start, Some(1)), Do::Ping(1, Start, Some(2)), Do::Ping(5, Success, Some(1)), Do::Ping(9, Success, Some(2))],
    );
    assert_eq!(statuses, [Running, Running, Running, Up]);
    assert!(record.state.open_runs.is_empty());

    // A finish without a rid ends a run started with one.
    let record = task(serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600}));
    let (statuses, _, record) = play(record, &[Do::Ping(0, Start, Some(1)), Do::Ping(5, Success, None), Do::Tick(700)]);
    assert_eq!(statuses, [Running, Up, Up]);
    assert!(record.state.open_runs.is_empty());

    // Finishing run 2 first leaves run 1 open, and its duration is run 2's own.
    let record = task(serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600}));
    let facts = |n: u128, kind, rid: u128| PingFacts { id: PingId::from_uuid(Uuid::from_u128(n)), kind, rid: Some(Uuid::from_u128(rid)) };
    let (a, _) = on_ping(&record, &facts(1, Start, 1), RunId::from_uuid(Uuid::from_u128(11)), t(0));
    let record = TaskRecord { state: a.state, ..record };
    let (b, _) = on_ping(&record, &facts(2, Start, 2), RunId::from_uuid(Uuid::from_u128(12)), t(10));
    let record = TaskRecord { state: b.state, ..record };
    let (c, run) = on_ping(&record, &facts(3, Success, 2), RunId::from_uuid(Uuid::from_u128(13)), t(15));
    assert_eq!(run, Some(RunId::from_uuid(Uuid::from_u128(12))));
    assert_eq!(c.runs[0].duration(), Some(jiff::SignedDuration::from_secs(5)));
    assert_eq!(c.state.open_runs.len(), 1);
    assert_eq!(c.assessment.status, Running);
}

#[test]
fn announcements_and_deadlines() {
    let record = task(serde_json::json!({"name": "x", "period_seconds": 3600, "grace_seconds": 600}));
    let (_, events, record) = play(record, &[Do::Ping(0, Success, None), Do::Tick(3600), Do::Tick(4200), Do::Ping(5000, Success, None)]);
    assert_eq!(events, [(New, Up), (Up, Late), (Late, Down), (Down, Up)]);
    assert_eq!(record.next_deadline, Some(t(5000 + 3600)), "the next look is when the next ping is due");
    assert_eq!(on_tick(&record, t(100)), None, "nothing to write before the deadline");
    let down = on_tick(&record, t(5000 + 4200)).unwrap();
    let event = down.event.unwrap();
    assert!(event.reason.contains("no ping since") && event.reason.contains("grace 10 min"), "{}", event.reason);
    assert_eq!(down.next_deadline, None, "a down task waits for a ping");
}

#[test]
fn cron_schedule_across_dst_has_no_false_alert() {
    // Daily at 03:30 in Riga; on 2021-03-28 03:30 does not exist and the run comes at 04:00.
    let mut record = task(serde_json::json!({"name": "x", "cron": "30 3 * * *", "timezone": "Europe/Riga", "grace_seconds": 300}));
    record.task.created_at = "2021-03-26T00:00:00Z".parse().unwrap();
    let last: Timestamp = "2021-03-27T01:30:00Z".parse().unwrap(); // 03:30+02
    let (step, _) =
        on_ping(&record, &PingFacts { id: PingId::from_uuid(Uuid::nil()), kind: Success, rid: None }, RunId::from_uuid(Uuid::nil()), last);
    let record = TaskRecord { state: step.state, next_deadline: step.next_deadline, ..record };
    let expected: Timestamp = "2021-03-28T01:00:00Z".parse().unwrap(); // 04:00+03
    assert_eq!(record.next_deadline, Some(expected));
    assert_eq!(assess(&record.task, &record.state, expected + jiff::SignedDuration::from_secs(299)).status, Late);
}
