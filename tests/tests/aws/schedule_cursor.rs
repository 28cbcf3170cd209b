//! Claims on DynamoDB move each claimed monitor onto its tenant's schedule cursor, so that in
//! steady state a tenant's checks cost one cursor write per horizon instead of one monitor write
//! per monitor per horizon (docs/aws.md, "A cursor instead of per-monitor claims"). The
//! exactly-once rules are the port's, pinned on every store by `schedule_over_time_contract`;
//! these pin the cost, from the requests the store sends to the emulator, and the removal of a
//! cursor nobody follows.

use jiff::{SignedDuration, Timestamp};
use std::collections::HashSet;
use uuid::Uuid;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, DynamoStore};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::CheckInterval;
use vigil_domain::ports::{CheckSchedule, MonitorRepository};
use vigil_tests::contract::fixtures::record_with;
use vigil_tests::emulator::{Session, clients};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_monitors_follow_their_tenants_cursor_without_a_write_each() {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let store = DynamoStore::new(counted.dynamodb.clone(), &session.resources.table, SignedDuration::from_hours(24 * 90));
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let interval = CheckInterval::from_seconds(60).unwrap();
    let start = Timestamp::from_millisecond(1_767_225_600_000).unwrap();
    let mut ids = HashSet::new();
    for i in 0..20 {
        let id = MonitorId::from_uuid(Uuid::now_v7());
        let record = record_with(tenant, id, &format!("m{i}"), 60, &[], start, Some(interval.slot_at_or_after(id, start)));
        store.insert(&record).await.unwrap();
        ids.insert(id);
    }
    let minute = |k: i64| start + SignedDuration::from_secs(60 * k);
    let claim = |now: Timestamp| {
        let store = &store;
        async move { store.claim_ahead(now, now + SignedDuration::from_secs(120), now + SignedDuration::from_secs(900), 10_000).await.unwrap() }
    };

    // The first claim of each monitor moves it onto the cursor.
    let first = claim(minute(0)).await;
    assert_eq!(first.iter().map(|c| c.monitor_id).collect::<HashSet<_>>(), ids, "every monitor claimed at once");
    let joins = counter.snapshot();
    let transactions: u64 = joins.iter().filter(|((_, op), _)| op == "TransactWriteItems").map(|(_, n)| n).sum();
    assert_eq!(transactions, 20, "each monitor joins in its claim's transaction: {joins:?}");

    // Then an hour of runs a minute apart: the cursor hands out every check.
    counter.reset();
    let (mut checks, mut monitors) = (0, HashSet::new());
    for k in 1..=60 {
        let claimed = claim(minute(k)).await;
        checks += claimed.len();
        monitors.extend(claimed.iter().map(|c| c.monitor_id));
    }
    assert_eq!(monitors, ids, "every monitor is checked");
    let requests = counter.snapshot();
    let count = |operation: &str| requests.iter().filter(|((_, op), _)| op == operation).map(|(_, n)| *n).sum::<u64>();
    // The first claim handed out the first 15 minutes; the last run's lead reaches minute 62.
    assert!((20 * 47..=20 * 60).contains(&checks), "the checks of 20 monitors at 60 s from minute 15 to at least 62: {checks}");
    let writes = count("UpdateItem") + count("TransactWriteItems") + count("PutItem");
    // An advance per horizon − lead (13 minutes): 4 or 5 in an hour, against about 92 claims of
    // 20 monitors each claimed on its own.
    assert!((3..=6).contains(&writes), "one cursor write per advance, none per monitor: {requests:?}");
    assert!(count("GetItem") <= writes + 1, "the cursor is read once per advance: {requests:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_nobody_follows_goes_and_the_next_claim_makes_a_new_one() {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let store = DynamoStore::new(counted.dynamodb.clone(), &session.resources.table, SignedDuration::from_hours(24 * 90));
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let interval = CheckInterval::from_seconds(60).unwrap();
    let start = Timestamp::from_millisecond(1_767_225_600_000).unwrap();
    let id = MonitorId::from_uuid(Uuid::now_v7());
    store.insert(&record_with(tenant, id, "only", 60, &[], start, Some(interval.slot_at_or_after(id, start)))).await.unwrap();
    let minute = |k: i64| start + SignedDuration::from_secs(60 * k);
    let claim = |now: Timestamp| {
        let store = &store;
        async move { store.claim_ahead(now, now + SignedDuration::from_secs(120), now + SignedDuration::from_secs(900), 10_000).await.unwrap() }
    };
    assert!(!claim(minute(0)).await.is_empty(), "claimed, and on the cursor");

    let read = store.get(tenant, id).await.unwrap().unwrap();
    let paused = read.health.paused(minute(1));
    store.change_health(tenant, id, read.health.version, &paused.next, None, None).await.unwrap();
    let mut after_pause = Vec::new();
    for k in 1..=30 {
        after_pause.extend(claim(minute(k)).await);
    }
    assert!(after_pause.is_empty(), "the cursor hands out nothing for a paused monitor: {after_pause:?}");
    counter.reset();
    for k in 31..=60 {
        assert!(claim(minute(k)).await.is_empty());
    }
    let requests = counter.snapshot();
    assert!(requests.keys().all(|(_, op)| op == "Query"), "the empty cursor was removed: later runs only read the index: {requests:?}");

    let read = store.get(tenant, id).await.unwrap().unwrap();
    let resumed = read.health.resumed(minute(61));
    store.change_health(tenant, id, read.health.version, &resumed.next, Some(minute(61)), None).await.unwrap();
    let mut slots = Vec::new();
    for k in 61..=90 {
        slots.extend(claim(minute(k)).await.into_iter().map(|c| c.planned_at));
    }
    let mut expected = vec![minute(61)];
    let mut slot = interval.next_slot_after(id, minute(61));
    while slot < minute(90) + SignedDuration::from_secs(120) {
        expected.push(slot);
        slot = interval.next_slot_after(id, slot);
    }
    slots.retain(|at| *at < minute(90) + SignedDuration::from_secs(120));
    assert_eq!(slots, expected, "resumed: claimed again, onto a new cursor, every slot once");
}
