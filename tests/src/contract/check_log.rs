use super::Stores;
use super::fixtures::{at, record, result, t0, tenant};
use std::time::Duration;
use vigil_domain::check::CheckOutcome;
use vigil_domain::ids::CheckId;
use vigil_domain::monitor::{MonitorHealth, MonitorStatus, StatusTransition, TransitionCause};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{CheckRecord, HealthUpdate, RecordOutcome};

fn page(limit: u32) -> PageRequest {
    PageRequest { cursor: None, limit }
}

/// Recording is atomic with the health change, idempotent, and guarded by the health version;
/// history reads newest first across pages.
pub async fn check_log_contract(stores: Stores) {
    let (log, repo) = (&stores.checks, &stores.monitors);
    let tenant = tenant();
    let monitor = record(tenant, "m", t0(), Some(at(0)));
    repo.insert(&monitor).await.unwrap();
    let id = monitor.monitor.id;

    // A plain result.
    let first = result(tenant, id, at(60), true, 120);
    let plain = CheckRecord { result: first.clone(), health: None };
    assert_eq!(log.record(std::slice::from_ref(&plain)).await.unwrap(), vec![RecordOutcome::Recorded]);
    assert_eq!(log.record(std::slice::from_ref(&plain)).await.unwrap(), vec![RecordOutcome::Duplicate], "a redelivery");
    assert_eq!(log.get(tenant, id, first.id).await.unwrap(), Some(first.clone()), "round trip keeps every field");

    // A failing result that moves the monitor down, with its transition.
    let failed = result(tenant, id, at(120), false, 3000);
    let down = MonitorHealth { status: MonitorStatus::Down, since: at(123), failure_streak: 0, success_streak: 0, version: 1 };
    let transition = StatusTransition {
        tenant_id: tenant,
        monitor_id: id,
        from: MonitorStatus::Pending,
        to: MonitorStatus::Down,
        at: at(123),
        cause: TransitionCause::Check { check_id: failed.id, outcome: failed.outcome.clone() },
    };
    let moving = CheckRecord {
        result: failed.clone(),
        health: Some(HealthUpdate { expected_version: 0, health: down, transition: Some(transition.clone()) }),
    };
    assert_eq!(log.record(std::slice::from_ref(&moving)).await.unwrap(), vec![RecordOutcome::Recorded]);
    assert_eq!(repo.get(tenant, id).await.unwrap().unwrap().health, down);
    assert_eq!(stores.transitions.caused_by(tenant, id, failed.id).await.unwrap(), Some(transition.clone()));
    assert_eq!(stores.transitions.caused_by(tenant, id, first.id).await.unwrap(), None);
    assert_eq!(log.record(std::slice::from_ref(&moving)).await.unwrap(), vec![RecordOutcome::HealthConflict], "stale version");
    let history = stores.transitions.list(tenant, id, &PageRequest::first()).await.unwrap();
    assert_eq!(history.items, vec![transition], "no second transition");

    // A result computed from a stale health writes nothing at all.
    let stale = CheckRecord {
        result: result(tenant, id, at(180), true, 50),
        health: Some(HealthUpdate { expected_version: 0, health: MonitorHealth { version: 1, ..down }, transition: None }),
    };
    assert_eq!(log.record(std::slice::from_ref(&stale)).await.unwrap(), vec![RecordOutcome::HealthConflict]);
    assert_eq!(log.get(tenant, id, stale.result.id).await.unwrap(), None);

    // A monitor that is gone takes no results.
    let orphan = CheckRecord { result: result(tenant, super::fixtures::monitor_id(), at(60), true, 10), health: None };
    assert_eq!(log.record(std::slice::from_ref(&orphan)).await.unwrap(), vec![RecordOutcome::MonitorGone]);

    // A batch is reported record by record.
    let batch: Vec<_> =
        (3..9).map(|i| CheckRecord { result: result(tenant, id, at(60 * i), i % 2 == 0, 10 * i as u64), health: None }).collect();
    let mut with_duplicate = batch.clone();
    with_duplicate.push(plain.clone());
    let outcomes = log.record(&with_duplicate).await.unwrap();
    assert_eq!(outcomes[..6], [RecordOutcome::Recorded; 6]);
    assert_eq!(outcomes[6], RecordOutcome::Duplicate);

    // Newest first, every result once across pages.
    let mut listed = Vec::new();
    let mut request = page(3);
    loop {
        let page = log.list(tenant, id, &request).await.unwrap();
        listed.extend(page.items);
        match page.next_cursor {
            Some(cursor) => request = PageRequest { cursor: Some(cursor), limit: 3 },
            None => break,
        }
    }
    let planned: Vec<_> = listed.iter().map(|r| r.planned_at).collect();
    let mut expected: Vec<_> = (1..9).map(|i| at(60 * i)).collect();
    expected.reverse();
    assert_eq!(planned, expected);
    assert!(log.list(super::fixtures::tenant(), id, &page(10)).await.unwrap().items.is_empty(), "scoped by tenant");
    let forged = CheckId::for_planned_check(super::fixtures::monitor_id(), at(60).as_millisecond());
    assert_eq!(log.get(tenant, id, forged).await.unwrap(), None, "an id of another monitor does not match");
}

/// Tallies count every check once over any window, whole hours and partial edges alike.
pub async fn tally_contract(stores: Stores) {
    let (log, repo) = (&stores.checks, &stores.monitors);
    let tenant = tenant();
    let monitor = record(tenant, "m", t0(), Some(at(0)));
    repo.insert(&monitor).await.unwrap();
    let id = monitor.monitor.id;
    // One check every 10 minutes for 6 hours; every third fails; latency grows with i.
    let records: Vec<_> =
        (0..36).map(|i| CheckRecord { result: result(tenant, id, at(600 * i), i % 3 != 0, 100 + i as u64), health: None }).collect();
    log.record(&records).await.unwrap();
    let error = {
        let mut r = result(tenant, id, at(600 * 36), true, 1);
        r.outcome = CheckOutcome::Error { message: "no sockets".into() };
        r.status_code = None;
        r
    };
    log.record(&[CheckRecord { result: error, health: None }]).await.unwrap();

    let count = |from: i64, to: i64| {
        let selected: Vec<_> = records.iter().map(|r| &r.result).filter(|r| r.started_at >= at(from) && r.started_at < at(to)).collect();
        (
            selected.iter().filter(|r| r.outcome == CheckOutcome::Up).count() as u64,
            selected.iter().filter(|r| r.outcome != CheckOutcome::Up).count() as u64,
        )
    };
    // Windows aligned and not aligned to hours, inside one hour, and covering everything.
    for (from, to) in [(0, 6 * 3600), (1500, 4 * 3600 + 700), (3700, 3900), (-3600, 8 * 3600), (7200, 7200)] {
        let tally = log.tally(tenant, id, at(from), at(to)).await.unwrap();
        let (up, down) = count(from, to);
        assert_eq!((tally.up, tally.down), (up, down), "window {from}..{to}");
        assert_eq!(tally.latency.count, up + down, "window {from}..{to}");
    }
    let all = log.tally(tenant, id, at(-3600), at(8 * 3600)).await.unwrap();
    assert_eq!(all.errors, 1);
    assert_eq!(all.latency.min_us, 100_000);
    assert_eq!(all.latency.max_us, 135_000);
    assert_eq!(all.latency.mean(), Some(Duration::from_micros((100_000..=135_000).step_by(1000).sum::<u64>() / 36)));
    let other = log.tally(super::fixtures::tenant(), id, at(-3600), at(8 * 3600)).await.unwrap();
    assert_eq!(other.up + other.down + other.errors, 0, "scoped by tenant");
}

/// Concurrent deliveries of the same check store it once and move health once.
pub async fn concurrent_records_contract(stores: Stores) {
    let tenant = tenant();
    let monitor = record(tenant, "m", t0(), Some(at(0)));
    stores.monitors.insert(&monitor).await.unwrap();
    let failed = result(tenant, monitor.monitor.id, at(60), false, 10);
    let down = MonitorHealth { status: MonitorStatus::Down, since: at(61), failure_streak: 0, success_streak: 0, version: 1 };
    let transition = StatusTransition {
        tenant_id: tenant,
        monitor_id: monitor.monitor.id,
        from: MonitorStatus::Pending,
        to: MonitorStatus::Down,
        at: at(61),
        cause: TransitionCause::Check { check_id: failed.id, outcome: failed.outcome.clone() },
    };
    let record =
        CheckRecord { result: failed, health: Some(HealthUpdate { expected_version: 0, health: down, transition: Some(transition) }) };
    // Spawned before any is awaited, so that they race.
    let writers: Vec<_> = (0..8)
        .map(|_| {
            let (log, record) = (stores.checks.clone(), record.clone());
            tokio::spawn(async move { log.record(&[record]).await.unwrap()[0] })
        })
        .collect();
    let mut recorded = 0;
    for writer in writers {
        match writer.await.unwrap() {
            RecordOutcome::Recorded => recorded += 1,
            RecordOutcome::Duplicate | RecordOutcome::HealthConflict => {}
            RecordOutcome::MonitorGone => panic!("the monitor exists"),
        }
    }
    assert_eq!(recorded, 1);
    let history = stores.transitions.list(tenant, monitor.monitor.id, &PageRequest::first()).await.unwrap();
    assert_eq!(history.items.len(), 1);
    assert_eq!(stores.checks.list(tenant, monitor.monitor.id, &page(10)).await.unwrap().items.len(), 1);
}
