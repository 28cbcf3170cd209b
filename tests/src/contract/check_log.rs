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
    let plain = CheckRecord { result: first.clone(), health: None, patient: false };
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
        patient: false,
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
        patient: false,
    };
    assert_eq!(log.record(std::slice::from_ref(&stale)).await.unwrap(), vec![RecordOutcome::HealthConflict]);
    assert_eq!(log.get(tenant, id, stale.result.id).await.unwrap(), None);

    // A monitor that is gone takes no results.
    let orphan = CheckRecord { result: result(tenant, super::fixtures::monitor_id(), at(60), true, 10), health: None, patient: false };
    assert_eq!(log.record(std::slice::from_ref(&orphan)).await.unwrap(), vec![RecordOutcome::MonitorGone]);

    // A batch is reported record by record.
    let batch: Vec<_> = (3..9)
        .map(|i| CheckRecord { result: result(tenant, id, at(60 * i), i % 2 == 0, 10 * i as u64), health: None, patient: true })
        .collect();
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
    let records: Vec<_> = (0..36)
        .map(|i| CheckRecord { result: result(tenant, id, at(600 * i), i % 3 != 0, 100 + i as u64), health: None, patient: i % 2 == 0 })
        .collect();
    log.record(&records).await.unwrap();
    let error = {
        let mut r = result(tenant, id, at(600 * 36), true, 1);
        r.outcome = CheckOutcome::Error { message: "no sockets".into() };
        r.status_code = None;
        r
    };
    log.record(&[CheckRecord { result: error, health: None, patient: false }]).await.unwrap();

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
    let record = CheckRecord {
        result: failed,
        health: Some(HealthUpdate { expected_version: 0, health: down, transition: Some(transition) }),
        patient: false,
    };
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

/// Hour-by-hour tallies and the digests of many monitors at once agree with the checks stored.
pub async fn digest_contract(stores: Stores) {
    let (log, repo) = (&stores.checks, &stores.monitors);
    let tenant = tenant();
    let monitor = record(tenant, "m", t0(), Some(at(0)));
    repo.insert(&monitor).await.unwrap();
    let id = monitor.monitor.id;
    // Every three hours for 35 days, every fifth failing, then every ten minutes for two hours;
    // one probe error.
    let day = 86_400;
    let mut times: Vec<i64> = (0..35 * 8).map(|i| i * 3 * 3600 + 600).collect();
    times.extend((0..12).map(|i| 35 * day + i * 600));
    let mut results: Vec<_> = times.iter().enumerate().map(|(i, t)| result(tenant, id, at(*t), i % 5 != 1, 40 + i as u64 % 70)).collect();
    results[7].outcome = CheckOutcome::Error { message: "no sockets".into() };
    results[7].status_code = None;
    // Stored out of order, as late results may come.
    let mut shuffled: Vec<_> = results.iter().map(|r| CheckRecord { result: r.clone(), health: None, patient: false }).collect();
    shuffled.swap(3, 200);
    shuffled.swap(10, results.len() - 1);
    for chunk in shuffled.chunks(25) {
        log.record(chunk).await.unwrap();
    }
    let now = at(35 * day + 7300);

    // Hour by hour, each hour as the checks started in it; only hours with checks.
    let mut expected: std::collections::BTreeMap<i64, vigil_domain::uptime::CheckTally> = Default::default();
    for r in &results {
        let hour = r.started_at.as_millisecond().div_euclid(3_600_000) * 3_600_000;
        expected.entry(hour).or_default().record(r);
    }
    for (from, to) in [(0, 36 * day), (20 * day + 1800, 22 * day), (35 * day, 35 * day + 3600), (40 * day, 41 * day)] {
        let hourly = log.hourly(tenant, id, at(from), at(to)).await.unwrap();
        let from_hour = at(from).as_millisecond().div_euclid(3_600_000) * 3_600_000;
        let want: Vec<_> = expected
            .range(from_hour..at(to).as_millisecond())
            .map(|(hour, tally)| (jiff::Timestamp::from_millisecond(*hour).unwrap(), tally.clone()))
            .collect();
        assert_eq!(hourly, want, "hours of {from}..{to}");
    }
    let phases = &log.hourly(tenant, id, at(35 * day), at(36 * day)).await.unwrap()[0].1.phases;
    assert_eq!((phases.tls.count, phases.tls.mean()), (6, Some(Duration::from_micros(4_500))), "phases are tallied");

    // Digests, in the order asked: the newest fifty and the counts of each window.
    let quiet = record(tenant, "quiet", t0(), Some(at(0)));
    repo.insert(&quiet).await.unwrap();
    let stranger = super::fixtures::monitor_id();
    let asked = [quiet.monitor.id, id, stranger];
    let digests = log.digests(tenant, &asked, now).await.unwrap();
    let want = vigil_domain::digest::HistoryDigest::of_checks(&results, now);
    assert_eq!(digests.len(), 3);
    assert_eq!(digests[0], Default::default(), "no checks, empty digest");
    assert_eq!(digests[2], Default::default(), "not a monitor of the tenant");
    assert_eq!(digests[1].recent.len(), vigil_domain::digest::RECENT_CHECKS);
    assert_eq!(digests[1].recent, want.recent, "newest first");
    assert_eq!((digests[1].day, digests[1].week, digests[1].month), (want.day, want.week, want.month));
    assert_eq!(want.day.up + want.day.down, 19, "seven checks of yesterday's last 21 hours and twelve of today's");
    assert!(want.month.up > want.week.up && want.week.up > want.day.up, "{want:?}");
    assert_eq!(want.month.errors, 0, "the error is older than the month");
    let other = log.digests(super::fixtures::tenant(), &[id], now).await.unwrap();
    assert_eq!(other[0], Default::default(), "scoped by tenant");

    // Many monitors at once, each with its own.
    let many: Vec<_> = (0..70).map(|i| record(tenant, &format!("n{i}"), t0(), Some(at(0)))).collect();
    for (i, m) in many.iter().enumerate() {
        repo.insert(m).await.unwrap();
        let checks: Vec<_> = (0..=(i % 3) as i64)
            .map(|k| CheckRecord { result: result(tenant, m.monitor.id, at(35 * day + k * 60), k != 1, 10), health: None, patient: false })
            .collect();
        log.record(&checks).await.unwrap();
    }
    let ids: Vec<_> = many.iter().map(|m| m.monitor.id).chain([id]).collect();
    let digests = log.digests(tenant, &ids, now).await.unwrap();
    for (i, digest) in digests[..70].iter().enumerate() {
        let checks = i % 3 + 1;
        assert_eq!(digest.recent.len(), checks, "monitor {i}");
        assert_eq!(digest.day.up + digest.day.down, checks as u64, "monitor {i}");
        assert_eq!(digest.day.down, u64::from(checks > 1), "monitor {i}");
    }
    assert_eq!(digests[70].recent, want.recent, "the first monitor among many");
}
