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
use vigil_domain::ports::{CheckSchedule, DueCheck, MonitorRepository};
use vigil_tests::contract::fixtures::{id_with_phase, record_with, slots_between};
use vigil_tests::emulator::{Session, clients};
use vigil_tests::fault_proxy::FaultProxy;

/// A whole hour (2026-01-01T00:00Z): slots of a known phase fall at known seconds past it.
fn hour() -> Timestamp {
    Timestamp::from_millisecond(1_767_225_600_000).unwrap()
}

/// A claim as the scheduler makes it at `now`: lead 120 s, horizon 900 s.
async fn claim(store: &DynamoStore, now: Timestamp, limit: usize) -> Vec<DueCheck> {
    store.claim_ahead(now, now + SignedDuration::from_secs(120), now + SignedDuration::from_secs(900), limit).await.unwrap()
}

/// A store on the emulator whose requests are counted (with the session, which must outlive it).
async fn counted_store() -> (Session, DynamoStore, RequestCounter) {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let store = DynamoStore::new(counted.dynamodb.clone(), &session.resources.table, SignedDuration::from_hours(24 * 90));
    (session, store, counter)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_monitors_follow_their_tenants_cursor_without_a_write_each() {
    let (_session, store, counter) = counted_store().await;
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let interval = CheckInterval::from_seconds(60).unwrap();
    let start = hour();
    let mut ids = HashSet::new();
    for i in 0..20 {
        let id = MonitorId::from_uuid(Uuid::now_v7());
        let record = record_with(tenant, id, &format!("m{i}"), 60, &[], start, Some(interval.slot_at_or_after(id, start)));
        store.insert(&record).await.unwrap();
        ids.insert(id);
    }
    let minute = |k: i64| start + SignedDuration::from_secs(60 * k);

    // The first claim of the monitors moves them onto the cursor.
    let first = claim(&store, minute(0), 10_000).await;
    assert_eq!(first.iter().map(|c| c.monitor_id).collect::<HashSet<_>>(), ids, "every monitor claimed at once");
    let joins = counter.snapshot();
    let transactions: u64 = joins.iter().filter(|((_, op), _)| op == "TransactWriteItems").map(|(_, n)| n).sum();
    assert_eq!(transactions, 1, "the 20 monitors join in one transaction with their claims: {joins:?}");

    // Then an hour of runs a minute apart: the cursor hands out every check.
    counter.reset();
    let (mut checks, mut monitors) = (0, HashSet::new());
    for k in 1..=60 {
        let claimed = claim(&store, minute(k), 10_000).await;
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
    let (_session, store, counter) = counted_store().await;
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let interval = CheckInterval::from_seconds(60).unwrap();
    let start = hour();
    let id = MonitorId::from_uuid(Uuid::now_v7());
    store.insert(&record_with(tenant, id, "only", 60, &[], start, Some(interval.slot_at_or_after(id, start)))).await.unwrap();
    let minute = |k: i64| start + SignedDuration::from_secs(60 * k);
    assert!(!claim(&store, minute(0), 10_000).await.is_empty(), "claimed, and on the cursor");

    let read = store.get(tenant, id).await.unwrap().unwrap();
    let paused = read.health.paused(minute(1));
    store.change_health(tenant, id, read.health.version, &paused.next, None, None).await.unwrap();
    let mut after_pause = Vec::new();
    for k in 1..=30 {
        after_pause.extend(claim(&store, minute(k), 10_000).await);
    }
    assert!(after_pause.is_empty(), "the cursor hands out nothing for a paused monitor: {after_pause:?}");
    counter.reset();
    for k in 31..=60 {
        assert!(claim(&store, minute(k), 10_000).await.is_empty());
    }
    let requests = counter.snapshot();
    assert!(requests.keys().all(|(_, op)| op == "Query"), "the empty cursor was removed: later runs only read the index: {requests:?}");

    let read = store.get(tenant, id).await.unwrap().unwrap();
    let resumed = read.health.resumed(minute(61));
    store.change_health(tenant, id, read.health.version, &resumed.next, Some(minute(61)), None).await.unwrap();
    let mut slots = Vec::new();
    for k in 61..=90 {
        slots.extend(claim(&store, minute(k), 10_000).await.into_iter().map(|c| c.planned_at));
    }
    let mut expected = vec![minute(61)];
    expected.extend(slots_between(id, 60, minute(61) + SignedDuration::from_millis(1), minute(90) + SignedDuration::from_secs(120)));
    slots.retain(|at| *at < minute(90) + SignedDuration::from_secs(120));
    assert_eq!(slots, expected, "resumed: claimed again, onto a new cursor, every slot once");
}

/// A store straight on the emulator, and one whose requests go through a [`FaultProxy`] that can
/// hold one of them (with the session and the proxy, which must outlive them).
async fn direct_and_held() -> (Session, DynamoStore, FaultProxy, DynamoStore) {
    let session = Session::start().await;
    let retention = SignedDuration::from_hours(24 * 90);
    let direct = DynamoStore::new(session.clients.dynamodb.clone(), &session.resources.table, retention);
    let proxy = FaultProxy::start(&session.endpoint).await;
    let through_proxy = clients(&proxy.endpoint, ClientOptions::default()).await;
    let held = DynamoStore::new(through_proxy.dynamodb.clone(), &session.resources.table, retention);
    (session, direct, proxy, held)
}

/// The race the cursor's version closes, forced: an advance reads the tenant's monitors, another
/// scheduler (an earlier run, 9 s behind) joins a monitor to the cursor before the advance
/// writes, and the joined monitor has a slot between the two runs' horizons. The advance must
/// fail, read again and hand that slot out; without the version condition it is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_advance_that_read_the_monitors_before_a_join_reads_them_again() {
    let (_session, direct, proxy, held) = direct_and_held().await;
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let secs = SignedDuration::from_secs;
    // 10 s slots of phase 3 s fall at 3, 13, 23… seconds past the hour.
    let t = hour();

    // The tenant's cursor, with a minutely monitor on it; its mark lands in [t + 900, t + 960).
    let first = id_with_phase(1, 60, 30);
    let minutely = CheckInterval::from_seconds(60).unwrap();
    direct.insert(&record_with(tenant, first, "first", 60, &[], t, Some(minutely.slot_at_or_after(first, t)))).await.unwrap();
    assert!(!claim(&direct, t, 10_000).await.is_empty());

    // The later run (t + 849 s) reaches the cursor's advance and is held before it writes.
    let (earlier, later) = (t + secs(840), t + secs(849));
    // (Only an advance's UpdateItem names `through`; a join is a transaction.)
    let hold = proxy.hold("UpdateItem", "through");
    let advance = tokio::spawn(async move { claim(&held, later, 10_000).await });
    tokio::time::timeout(std::time::Duration::from_secs(30), hold.reached())
        .await
        .expect("the later run's advance writes the cursor's mark through the proxy");

    // Meanwhile the earlier run claims a new 10 s monitor, which joins the cursor: its 90 slots
    // from earlier + 3 s to earlier + 893 s, then the cursor from earlier + 903 s. The limit is
    // exactly those 90, so that this run does not advance the cursor itself.
    let joiner = id_with_phase(2, 10, 3);
    let fast = CheckInterval::from_seconds(10).unwrap();
    direct.insert(&record_with(tenant, joiner, "joiner", 10, &[], earlier, Some(fast.slot_at_or_after(joiner, earlier)))).await.unwrap();
    let claimed = claim(&direct, earlier, 90).await;
    assert_eq!(claimed.len(), 90);
    assert!(claimed.iter().all(|c| c.monitor_id == joiner));

    hold.release();
    let advanced = advance.await.unwrap();
    let mut slots: Vec<Timestamp> =
        claimed.iter().chain(advanced.iter().filter(|c| c.monitor_id == joiner)).map(|c| c.planned_at).collect();
    slots.sort();
    let expected: Vec<Timestamp> = (0..=90).map(|k| earlier + secs(3 + 10 * k)).collect();
    assert_eq!(slots, expected, "the joiner's slot at earlier + 903 s, between the two runs' horizons, is handed out once");
}

/// A monitor edited between the index read and the claim's write leaves the joins' transaction
/// refused: the others are written again without it and join, and the edited one is claimed
/// afresh at its new interval. Every slot of each is handed out once over the next hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monitor_that_moved_first_leaves_the_others_to_join() {
    let (_session, direct, proxy, held) = direct_and_held().await;
    let tenant = TenantId::from_uuid(Uuid::now_v7());
    let secs = SignedDuration::from_secs;
    let minutely = CheckInterval::from_seconds(60).unwrap();
    let t = hour();
    let ids: Vec<MonitorId> = (0..5).map(|n| id_with_phase(10 + n, 60, 7 * n as u32)).collect();
    for (n, id) in ids.iter().enumerate() {
        let record = record_with(tenant, *id, &format!("m{n}"), 60, &[], t, Some(minutely.slot_at_or_after(*id, t)));
        direct.insert(&record).await.unwrap();
    }

    // The claim's transaction is held; meanwhile the third monitor is given a 30 s interval.
    let hold = proxy.hold("TransactWriteItems", "cursor_version");
    let first = tokio::spawn(async move { claim(&held, t, 10_000).await });
    tokio::time::timeout(std::time::Duration::from_secs(30), hold.reached()).await.expect("the joins' transaction goes through the proxy");
    let edited = ids[2];
    let half = CheckInterval::from_seconds(30).unwrap();
    let read = direct.get(tenant, edited).await.unwrap().unwrap();
    let mut monitor = read.monitor.clone();
    monitor.spec.interval = half;
    monitor.revision += 1;
    let edited_at = t + secs(5);
    direct.update_spec(&monitor, read.monitor.revision, Some(half.slot_at_or_after(edited, edited_at))).await.unwrap();
    hold.release();
    let claimed = first.await.unwrap();
    let in_first: HashSet<MonitorId> = claimed.iter().map(|c| c.monitor_id).collect();
    assert_eq!(in_first, ids.iter().copied().filter(|id| *id != edited).collect(), "the others are claimed; the edited one is not");

    let mut handed: Vec<(MonitorId, Timestamp, u32)> = claimed.iter().map(|c| (c.monitor_id, c.planned_at, c.interval.seconds())).collect();
    for k in 1..=60 {
        let more = claim(&direct, t + secs(60 * k), 10_000).await;
        handed.extend(more.iter().map(|c| (c.monitor_id, c.planned_at, c.interval.seconds())));
    }
    let end = t + secs(60 * 60 + 120);
    for id in &ids {
        // The edited monitor's new slots wait for the next run, a minute later; those missed by
        // a whole interval by then are dropped, as for any monitor (`resume_slot`).
        let (seconds, from) = if *id == edited { (30, t + secs(60)) } else { (60, t) };
        let mut got: Vec<Timestamp> =
            handed.iter().filter(|(m, at, s)| m == id && *s == seconds && *at < end).map(|(_, at, _)| *at).collect();
        got.sort();
        assert_eq!(got, slots_between(*id, seconds, from, end), "monitor {id} at {seconds} s: every slot, once");
    }
}
