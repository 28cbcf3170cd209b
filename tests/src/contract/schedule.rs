use super::Stores;
use super::fixtures::{at, id_with_phase, monitor_id, record, record_with, slots_between, t0, tenant};
use jiff::{SignedDuration, Timestamp};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::CheckInterval;

/// Claims hand out due checks once, in order, within the limit, and advance the due-index.
pub async fn schedule_contract(stores: Stores) {
    let (repo, schedule) = (&stores.monitors, &stores.schedule);
    let tenant = tenant();
    let now = at(1000);
    // t0 is a whole hour and `now` is t0 + 1000 s: monitors with phase 0 in an hourly interval
    // have no other slot near `now`, so each yields exactly one check here.
    // The limit bounds a claim; the rest stays due.
    for i in 0..5 {
        let id = id_with_phase(i, 3600, 0);
        let due = Some(now + SignedDuration::from_secs(100 + i as i64));
        repo.insert(&record_with(tenant, id, &format!("bulk{i}"), 3600, &[], t0(), due)).await.unwrap();
    }
    let window = now + SignedDuration::from_secs(106);
    let first = schedule.claim_due(now, window, 3).await.unwrap();
    assert_eq!(first.len(), 3);
    assert!(first.windows(2).all(|w| w[0].planned_at <= w[1].planned_at), "earliest first");
    let rest = schedule.claim_due(now, window, 100).await.unwrap();
    assert_eq!(rest.len(), 2, "the rest stays due");
    assert!(first.iter().chain(&rest).map(|c| c.monitor_id).collect::<HashSet<_>>().len() == 5);

    // A 60 s monitor due a little ago (phase 20 s: its next slot is now + 40 s), a 10 s monitor
    // due now, one due later, one paused.
    let late = record_with(tenant, id_with_phase(10, 60, 20), "late", 60, &[], t0(), Some(now - SignedDuration::from_secs(5)));
    let fast = record_with(tenant, MonitorId::from_uuid(Uuid::now_v7()), "fast", 10, &[], t0(), Some(now));
    let later = record(tenant, "later", t0(), Some(now + SignedDuration::from_secs(300)));
    let paused = record(tenant, "paused", t0(), None);
    for r in [&late, &fast, &later, &paused] {
        repo.insert(r).await.unwrap();
    }

    let until = now + SignedDuration::from_secs(25);
    let claimed = schedule.claim_due(now, until, 100).await.unwrap();
    let late_slots: Vec<_> = claimed.iter().filter(|c| c.monitor_id == late.monitor.id).map(|c| c.planned_at).collect();
    assert_eq!(late_slots, vec![now - SignedDuration::from_secs(5)], "a slot missed by less than an interval still runs");
    let fast_slots: Vec<_> = claimed.iter().filter(|c| c.monitor_id == fast.monitor.id).map(|c| c.planned_at).collect();
    let interval = CheckInterval::from_seconds(10).unwrap();
    let mut expected_fast = vec![now];
    let mut slot = interval.next_slot_after(fast.monitor.id, now);
    while slot < until {
        expected_fast.push(slot);
        slot = interval.next_slot_after(fast.monitor.id, slot);
    }
    assert_eq!(fast_slots, expected_fast, "a short interval yields every slot before `until`");
    assert!(claimed.iter().all(|c| c.tenant_id == tenant && c.planned_at < until));
    assert!(!claimed.iter().any(|c| c.monitor_id == later.monitor.id || c.monitor_id == paused.monitor.id));

    assert!(schedule.claim_due(now, until, 100).await.unwrap().is_empty(), "nothing is handed out twice");
    let advanced = repo.get(tenant, late.monitor.id).await.unwrap().unwrap().next_due_at.unwrap();
    assert_eq!(advanced, CheckInterval::from_seconds(60).unwrap().next_slot_after(late.monitor.id, now - SignedDuration::from_secs(5)));

    // A monitor overdue by hours resumes at its next phase slot instead of replaying.
    let stale = record_with(tenant, id_with_phase(11, 60, 20), "stale", 60, &[], t0(), Some(now - SignedDuration::from_hours(3)));
    repo.insert(&stale).await.unwrap();
    let resumed = schedule.claim_due(now, now + SignedDuration::from_secs(61), 100).await.unwrap();
    let stale_slots: Vec<_> = resumed.iter().filter(|c| c.monitor_id == stale.monitor.id).map(|c| c.planned_at).collect();
    assert_eq!(stale_slots, vec![CheckInterval::from_seconds(60).unwrap().slot_at_or_after(stale.monitor.id, now)]);
}

/// Concurrent claimers never receive the same check.
pub async fn concurrent_claims_contract(stores: Stores) {
    let tenant = tenant();
    let now = at(5000);
    let mut monitors = HashSet::new();
    for i in 0..60 {
        // Hourly, phase 0: no second slot within the claimed second.
        let r = record_with(
            tenant,
            id_with_phase(i as u128, 3600, 0),
            &format!("m{i}"),
            3600,
            &[],
            t0(),
            Some(now - SignedDuration::from_millis(i)),
        );
        monitors.insert(r.monitor.id);
        stores.monitors.insert(&r).await.unwrap();
    }
    let until = now + SignedDuration::from_secs(1);
    // Spawned before any is awaited, so that they race.
    let claims: Vec<_> = (0..4)
        .map(|_| {
            let schedule = stores.schedule.clone();
            tokio::spawn(async move { schedule.claim_due(now, until, 20).await.unwrap() })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for claim in claims {
        for check in claim.await.unwrap() {
            total += 1;
            assert!(seen.insert((check.monitor_id, check.planned_at)), "claimed twice: {check:?}");
        }
    }
    let leftover = stores.schedule.claim_due(now, until, 100).await.unwrap();
    total += leftover.len();
    for check in leftover {
        assert!(seen.insert((check.monitor_id, check.planned_at)), "claimed twice: {check:?}");
    }
    assert_eq!(total, 60, "every due monitor claimed exactly once");
}

/// Claiming ahead: only monitors due within the lead are claimed, each with every slot within
/// the horizon, so a monitor is claimed once per horizon rather than once per run.
pub async fn claim_ahead_contract(stores: Stores) {
    let (repo, schedule) = (&stores.monitors, &stores.schedule);
    let tenant = tenant();
    let now = at(10_000);
    let secs = SignedDuration::from_secs;
    // Minutely monitors on their phase: `soon` due 30 s from now, `later` due in 200 s.
    let soon = record_with(tenant, id_with_phase(30, 60, 10), "soon", 60, &[], t0(), Some(now + secs(30)));
    let later = record_with(tenant, id_with_phase(31, 60, 0), "later", 60, &[], t0(), Some(now + secs(200)));
    repo.insert(&soon).await.unwrap();
    repo.insert(&later).await.unwrap();
    let slots = |claimed: &[vigil_domain::ports::DueCheck], id| {
        claimed.iter().filter(|c| c.monitor_id == id).map(|c| c.planned_at).collect::<Vec<_>>()
    };

    let claimed = schedule.claim_ahead(now, now + secs(120), now + secs(900), 1000).await.unwrap();
    let expected: Vec<_> = (0..15).map(|k| now + secs(30 + 60 * k)).collect();
    assert_eq!(slots(&claimed, soon.monitor.id), expected, "every slot within the horizon");
    assert!(slots(&claimed, later.monitor.id).is_empty(), "not yet due within the lead");
    assert!(claimed.iter().all(|c| c.interval == CheckInterval::from_seconds(60).unwrap()));
    assert_eq!(repo.get(tenant, soon.monitor.id).await.unwrap().unwrap().next_due_at, Some(now + secs(930)));

    let a_minute_later = now + secs(60);
    assert!(schedule.claim_ahead(a_minute_later, a_minute_later + secs(120), a_minute_later + secs(900), 1000).await.unwrap().is_empty());

    let then = now + secs(90);
    let claimed = schedule.claim_ahead(then, then + secs(120), then + secs(900), 1000).await.unwrap();
    let expected: Vec<_> = (0..14).map(|k| now + secs(200 + 60 * k)).collect();
    assert_eq!(slots(&claimed, later.monitor.id), expected);
    assert!(slots(&claimed, soon.monitor.id).is_empty(), "claimed once per horizon, not once per run");
}

/// A claim with monitors hands out the same checks as a plain claim, once each; a monitor it
/// carries is the one stored, as the claim left it (its due time advanced).
pub async fn claim_with_monitors_contract(stores: Stores) {
    let (repo, schedule) = (&stores.monitors, &stores.schedule);
    let tenant = tenant();
    let now = at(20_000);
    let mut ids = HashSet::new();
    for i in 0..4 {
        let id = id_with_phase(40 + i, 3600, 0);
        repo.insert(&record_with(tenant, id, &format!("carried{i}"), 3600, &[], t0(), Some(now + SignedDuration::from_secs(i as i64))))
            .await
            .unwrap();
        ids.insert(id);
    }
    let window = now + SignedDuration::from_secs(10);
    let claimed = schedule.claim_due_with_monitors(now, window, 100).await.unwrap();
    assert_eq!(claimed.iter().map(|c| c.check.monitor_id).collect::<HashSet<_>>(), ids);
    assert_eq!(claimed.len(), 4, "one check each");
    for c in &claimed {
        if let Some(monitor) = &c.monitor {
            let stored = repo.get(tenant, c.check.monitor_id).await.unwrap().expect("stored");
            assert_eq!(**monitor, stored, "the monitor carried is the one stored after the claim");
            assert!(stored.next_due_at.is_some_and(|due| due > c.check.planned_at), "its due time moved past the check");
        }
    }
    assert!(schedule.claim_due_with_monitors(now, window, 100).await.unwrap().is_empty(), "nothing is handed out twice");
    assert!(schedule.claim_due(now, window, 100).await.unwrap().is_empty());
}

/// Claims as the scheduler makes them (a run a minute, lead 120 s, horizon 900 s) over two
/// hours, while monitors are created, renamed, given another interval, paused and resumed, and
/// deleted: every slot of every scheduled monitor is handed out exactly once, and nothing is
/// handed out for a paused or deleted monitor beyond what was claimed before the change. A store
/// may claim in any way it likes (a due time per monitor, a cursor per tenant) as long as this
/// holds.
pub async fn schedule_over_time_contract(stores: Stores) {
    let (repo, schedule) = (&stores.monitors, &stores.schedule);
    let tenant = tenant();
    let secs = SignedDuration::from_secs;
    let start = at(100_000);
    let minute = |k: i64| start + secs(60 * k);
    let interval = |seconds| CheckInterval::from_seconds(seconds).unwrap();
    let make = |name: &str, seconds: u32, created: Timestamp| {
        let id = monitor_id();
        record_with(tenant, id, name, seconds, &[], created, Some(interval(seconds).slot_at_or_after(id, created)))
    };
    let steady = make("steady", 60, start);
    let renamed = make("renamed", 30, start);
    let retimed = make("retimed", 30, start);
    let paused = make("paused", 300, start);
    let deleted = make("deleted", 10, start);
    let hourly = make("hourly", 3600, start);
    let late = make("late", 60, minute(20));
    for r in [&steady, &renamed, &retimed, &paused, &deleted, &hourly] {
        repo.insert(r).await.unwrap();
    }

    let runs = 120;
    let mut handed: HashMap<MonitorId, Vec<(Timestamp, u32)>> = HashMap::new();
    for k in 0..runs {
        let now = minute(k);
        match k {
            20 => repo.insert(&late).await.unwrap(),
            // As the edit use case does: the same interval keeps the due time it read.
            30 => {
                let read = repo.get(tenant, renamed.monitor.id).await.unwrap().unwrap();
                let mut monitor = read.monitor.clone();
                monitor.spec.name = "renamed again".into();
                monitor.revision += 1;
                repo.update_spec(&monitor, read.monitor.revision, read.next_due_at).await.unwrap();
            }
            40 => {
                let read = repo.get(tenant, retimed.monitor.id).await.unwrap().unwrap();
                let mut monitor = read.monitor.clone();
                monitor.spec.interval = interval(60);
                monitor.revision += 1;
                repo.update_spec(&monitor, read.monitor.revision, Some(interval(60).slot_at_or_after(monitor.id, now))).await.unwrap();
            }
            50 | 80 => {
                let read = repo.get(tenant, paused.monitor.id).await.unwrap().unwrap();
                let (change, due) = if k == 50 { (read.health.paused(now), None) } else { (read.health.resumed(now), Some(now)) };
                repo.change_health(tenant, paused.monitor.id, read.health.version, &change.next, due, None).await.unwrap();
            }
            60 => assert!(repo.delete(tenant, deleted.monitor.id).await.unwrap()),
            _ => {}
        }
        for check in schedule.claim_ahead(now, now + secs(120), now + secs(900), 10_000).await.unwrap() {
            assert_eq!(check.tenant_id, tenant);
            handed.entry(check.monitor_id).or_default().push((check.planned_at, check.interval.seconds()));
        }
    }

    // Every slot due within the last run's lead has been handed out.
    let end = minute(runs - 1) + secs(120);
    let slots = |id: MonitorId, seconds: u32, from: Timestamp, to: Timestamp| -> Vec<Timestamp> {
        let all = handed.get(&id).cloned().unwrap_or_default();
        let mut once: Vec<_> = all.iter().filter(|(_, s)| *s == seconds).map(|(at, _)| *at).collect();
        once.sort();
        let n = once.len();
        once.dedup();
        assert_eq!(once.len(), n, "monitor {id}: a slot of {seconds} s handed out twice");
        once.into_iter().filter(|at| (from..to).contains(at)).collect()
    };
    for (name, r, seconds) in [("steady", &steady, 60), ("renamed", &renamed, 30), ("hourly", &hourly, 3600)] {
        assert_eq!(slots(r.monitor.id, seconds, start, end), slots_between(r.monitor.id, seconds, start, end), "{name}: every slot, once");
    }
    assert_eq!(slots(late.monitor.id, 60, start, end), slots_between(late.monitor.id, 60, minute(20), end), "created at minute 20");

    let id = retimed.monitor.id;
    assert_eq!(slots(id, 30, start, minute(40)), slots_between(id, 30, start, minute(40)), "retimed: its 30 s slots until the change");
    assert!(slots(id, 30, minute(40) + secs(900), end).is_empty(), "retimed: no 30 s slot claimed after the change");
    assert_eq!(slots(id, 60, start, end), slots_between(id, 60, minute(40), end), "retimed: its 60 s slots from the change");

    let id = paused.monitor.id;
    assert_eq!(slots(id, 300, start, minute(50)), slots_between(id, 300, start, minute(50)), "paused: every slot before the pause");
    assert!(slots(id, 300, minute(50) + secs(900), minute(80)).is_empty(), "paused: nothing claimed while paused");
    let mut resumed = vec![minute(80)];
    resumed.extend(slots_between(id, 300, minute(80) + SignedDuration::from_millis(1), end));
    assert_eq!(slots(id, 300, minute(80), end), resumed, "paused: checked at the resume, then on its phase");

    let id = deleted.monitor.id;
    assert_eq!(slots(id, 10, start, minute(60)), slots_between(id, 10, start, minute(60)), "deleted: every slot before the deletion");
    assert!(slots(id, 10, minute(60) + secs(900), end).is_empty(), "deleted: nothing claimed after it");
}

/// Two schedulers claiming at every run, at once (the second as if 9 s later), for an hour,
/// while monitors are created along the way (so that some are claimed, and join whatever a store
/// keeps, while the other claims): every slot is handed out exactly once between them.
pub async fn concurrent_schedulers_over_time_contract(stores: Stores) {
    let (repo, schedule) = (&stores.monitors, &stores.schedule);
    let tenant = tenant();
    let secs = SignedDuration::from_secs;
    let start = at(200_000);
    let minute = |k: i64| start + secs(60 * k);
    let interval = |seconds| CheckInterval::from_seconds(seconds).unwrap();
    let mut monitors = Vec::new();
    let runs = 60;
    let mut handed: HashMap<MonitorId, Vec<Timestamp>> = HashMap::new();
    for k in 0..runs {
        let now = minute(k);
        // Six monitors at the start, then two more every ten minutes.
        let new = match k {
            0 => 6,
            k if k % 10 == 5 => 2,
            _ => 0,
        };
        for n in 0..new {
            let id = monitor_id();
            let seconds = [10, 30, 60, 300][(monitors.len() + n) % 4];
            let r = record_with(tenant, id, "raced", seconds, &[], now, Some(interval(seconds).slot_at_or_after(id, now)));
            repo.insert(&r).await.unwrap();
            monitors.push((id, seconds, now));
        }
        // The second as a run that started 9 s later while the first was still at work (less
        // than the shortest interval: a later run skips slots overdue by a whole interval).
        let claims: Vec<_> = [now, now + secs(9)]
            .into_iter()
            .map(|now| {
                let schedule = schedule.clone();
                tokio::spawn(async move { schedule.claim_ahead(now, now + secs(120), now + secs(900), 10_000).await.unwrap() })
            })
            .collect();
        for claim in claims {
            for check in claim.await.unwrap() {
                handed.entry(check.monitor_id).or_default().push(check.planned_at);
            }
        }
    }
    let end = minute(runs - 1) + secs(120);
    for (id, seconds, created) in monitors {
        let mut got = handed.remove(&id).unwrap_or_default();
        got.sort();
        let n = got.len();
        got.dedup();
        assert_eq!(got.len(), n, "monitor {id} ({seconds} s): a slot handed out twice");
        got.retain(|at| *at < end);
        assert_eq!(got, slots_between(id, seconds, created, end), "monitor {id} ({seconds} s, created {created}): every slot, once");
    }
}
