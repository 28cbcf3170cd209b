//! Hosts: enrolments taken once, hosts found by agent whatever their organisation, progress
//! advanced only by batches; samples stored once per batch number, found by time; rollups
//! replaced by bucket.

use super::Stores;
use super::account_fixtures::assert_refused;
use super::fixtures::{at, tenant};
use super::host_fixtures::{agent_id, batch, enrolment, host};
use vigil_domain::agent::rollup::{Resolution, roll_up};
use vigil_domain::host::HostProgress;
use vigil_domain::ports::{Appended, StoreError};

/// Enrolments of one organisation, oldest first; a token's enrolment is taken once; hosts
/// found by organisation and id, or by id alone; an update changes all but the progress.
pub async fn host_directory_contract(stores: Stores) {
    let directory = &stores.hosts;
    let (acme, globex) = (tenant(), tenant());
    let (first, second, foreign) = (enrolment(acme, "aaaa", 10), enrolment(acme, "bbbb", 5), enrolment(globex, "cccc", 0));
    for e in [&first, &second, &foreign] {
        directory.insert_enrolment(e).await.unwrap();
    }
    assert_eq!(directory.enrolments(acme).await.unwrap(), vec![second.clone(), first.clone()], "oldest first, one organisation");
    assert_eq!(directory.take_enrolment("aaaa").await.unwrap(), Some(first.clone()));
    assert_eq!(directory.take_enrolment("aaaa").await.unwrap(), None, "taken once");
    assert_eq!(directory.take_enrolment("zzzz").await.unwrap(), None);
    assert!(!directory.delete_enrolment(globex, second.id).await.unwrap(), "not another organisation's");
    assert!(directory.delete_enrolment(acme, second.id).await.unwrap());
    assert!(directory.enrolments(acme).await.unwrap().is_empty());
    assert_eq!(directory.enrolments(globex).await.unwrap(), vec![foreign]);

    let (web, db, other) = (host(acme, "web-1", 20), host(acme, "db-1", 10), host(globex, "web-1", 0));
    for h in [&web, &db, &other] {
        directory.insert_host(h).await.unwrap();
    }
    assert_refused(directory.insert_host(&web).await, &StoreError::Conflict, "an agent id is enrolled once");
    assert_eq!(directory.hosts(acme).await.unwrap(), vec![db.clone(), web.clone()], "oldest first");
    assert_eq!(directory.host(acme, web.id).await.unwrap(), Some(web.clone()));
    assert_eq!(directory.host(globex, web.id).await.unwrap(), None, "not another organisation's");
    assert_eq!(directory.host_by_agent(other.id).await.unwrap(), Some(other.clone()));
    assert_eq!(directory.host_by_agent(agent_id()).await.unwrap(), None);

    stores.host_metrics.append_batch(acme, web.id, &batch(3, &[30]), at(31)).await.unwrap();
    let progressed = directory.host(acme, web.id).await.unwrap().unwrap().progress;
    let mut renamed = web.clone();
    renamed.name = "web-one".into();
    renamed.revoked_at = Some(at(40));
    renamed.info.kernel = "6.13".into();
    renamed.progress = HostProgress::default();
    directory.update_host(&renamed).await.unwrap();
    let stored = directory.host(acme, web.id).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.revoked_at, stored.info.kernel.as_str()), ("web-one", Some(at(40)), "6.13"));
    assert_eq!(stored.progress, progressed, "an update leaves the progress as the batches made it");
    assert_refused(directory.update_host(&host(acme, "ghost", 0)).await, &StoreError::NotFound, "no such host");
}

/// However many take one token at once, exactly one gets its enrolment.
pub async fn concurrent_enrolment_takes_contract(stores: Stores) {
    let acme = tenant();
    let pending = enrolment(acme, "contested", 0);
    stores.hosts.insert_enrolment(&pending).await.unwrap();
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let directory = stores.hosts.clone();
            tokio::spawn(async move { directory.take_enrolment("contested").await.unwrap() })
        })
        .collect();
    let mut taken = Vec::new();
    for racer in racers {
        taken.extend(racer.await.unwrap());
    }
    assert_eq!(taken, vec![pending], "one taker");
}

/// A batch is stored once per number and advances the progress; samples are found by time,
/// one host of one organisation at a time; rollups are replaced by resolution and start.
pub async fn host_metrics_contract(stores: Stores) {
    let metrics = &stores.host_metrics;
    let (acme, globex) = (tenant(), tenant());
    let (web, db) = (host(acme, "web-1", 0), host(acme, "db-1", 0));
    let lookalike = host(globex, "web-1", 0);
    for h in [&web, &db, &lookalike] {
        stores.hosts.insert_host(h).await.unwrap();
    }
    assert_refused(metrics.append_batch(acme, agent_id(), &batch(1, &[10]), at(11)).await, &StoreError::NotFound, "no such host");
    assert_refused(
        metrics.append_batch(globex, web.id, &batch(1, &[10]), at(11)).await,
        &StoreError::NotFound,
        "another organisation's host",
    );

    let first = metrics.append_batch(acme, web.id, &batch(1, &[10]), at(11)).await.unwrap();
    assert_eq!(first, Appended::Stored { before: HostProgress::default() });
    let second = metrics.append_batch(acme, web.id, &batch(12, &[20, 25]), at(26)).await.unwrap();
    let after_first = HostProgress { acked_through: Some(1), dropped_total: 0, last_sample_at: Some(at(10)), last_seen_at: Some(at(11)) };
    assert_eq!(second, Appended::Stored { before: after_first });
    let progress = HostProgress { acked_through: Some(12), dropped_total: 1, last_sample_at: Some(at(25)), last_seen_at: Some(at(26)) };
    for seq in [12, 5, 1] {
        let again = metrics.append_batch(acme, web.id, &batch(seq, &[99]), at(100)).await.unwrap();
        assert_eq!(again, Appended::Duplicate { progress }, "batch {seq} is held (at or below 12)");
    }
    assert_eq!(stores.hosts.host(acme, web.id).await.unwrap().unwrap().progress, progress);
    metrics.append_batch(acme, web.id, &batch(13, &[70]), at(71)).await.unwrap();
    metrics.append_batch(acme, db.id, &batch(1, &[15]), at(16)).await.unwrap();

    let times = |samples: Vec<vigil_domain::agent::sample::HostSample>| samples.iter().map(|s| s.at).collect::<Vec<_>>();
    assert_eq!(times(metrics.samples(acme, web.id, at(0), at(100)).await.unwrap()), [at(10), at(20), at(25), at(70)], "oldest first");
    assert_eq!(times(metrics.samples(acme, web.id, at(20), at(70)).await.unwrap()), [at(20), at(25)], "from inclusive, to exclusive");
    assert_eq!(times(metrics.samples(acme, web.id, at(21), at(25)).await.unwrap()), [], "within one batch");
    assert_eq!(times(metrics.samples(acme, db.id, at(0), at(100)).await.unwrap()), [at(15)], "one host");
    assert_eq!(times(metrics.samples(globex, web.id, at(0), at(100)).await.unwrap()), [], "one organisation");
    let whole = metrics.samples(acme, web.id, at(20), at(21)).await.unwrap();
    assert_eq!(whole, batch(12, &[20]).samples, "a sample comes back whole");

    let samples = metrics.samples(acme, web.id, at(0), at(100)).await.unwrap();
    let minutes = roll_up(&samples, Resolution::Minute);
    let hours = roll_up(&samples, Resolution::Hour);
    metrics.put_rollups(acme, web.id, &minutes).await.unwrap();
    metrics.put_rollups(acme, web.id, &hours).await.unwrap();
    metrics.put_rollups(acme, web.id, &[]).await.unwrap();
    assert_eq!(metrics.rollups(acme, web.id, Resolution::Minute, at(0), at(120)).await.unwrap(), minutes, "oldest first");
    assert_eq!(metrics.rollups(acme, web.id, Resolution::Minute, at(60), at(120)).await.unwrap(), minutes[1..], "buckets from `from`");
    assert_eq!(metrics.rollups(acme, web.id, Resolution::Minute, at(0), at(60)).await.unwrap(), minutes[..1], "to exclusive");
    assert_eq!(metrics.rollups(acme, web.id, Resolution::Hour, at(0), at(3600)).await.unwrap(), hours);
    let replacement = roll_up(&samples[..1], Resolution::Minute);
    metrics.put_rollups(acme, web.id, &replacement).await.unwrap();
    let stored = metrics.rollups(acme, web.id, Resolution::Minute, at(0), at(120)).await.unwrap();
    assert_eq!(stored, [replacement[0].clone(), minutes[1].clone()], "a bucket stored again replaces the old");
    assert!(metrics.rollups(acme, db.id, Resolution::Minute, at(0), at(120)).await.unwrap().is_empty(), "one host");
    assert!(metrics.rollups(globex, web.id, Resolution::Minute, at(0), at(120)).await.unwrap().is_empty(), "one organisation");
}
