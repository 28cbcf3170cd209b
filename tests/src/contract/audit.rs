//! The audit log: append-only, newest first, filtered, paged by cursor, purged by age.

use super::Stores;
use super::account_fixtures::{assert_refused, entry, user_id};
use super::fixtures::{at, tenant};
use jiff::SignedDuration;
use uuid::Uuid;
use vigil_domain::access::ActorId;
use vigil_domain::accounts::{AuditEntry, AuditQuery};
use vigil_domain::ids::{ApiKeyId, AuditEntryId, TenantId};
use vigil_domain::page::{Cursor, PageRequest};
use vigil_domain::ports::{AuditLog, StoreError};

/// Every entry `query` gives, page after page; fails if a page is over its limit, or ends
/// the listing while entries remain.
async fn every_page(log: &dyn AuditLog, tenant: TenantId, query: &AuditQuery) -> (Vec<AuditEntry>, usize) {
    let (mut all, mut pages) = (Vec::new(), 0);
    let mut query = query.clone();
    loop {
        let page = log.entries(tenant, &query).await.unwrap();
        pages += 1;
        assert!(page.items.len() <= query.page.limit as usize, "a page holds at most its limit");
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) => query.page.cursor = Some(cursor),
            None => return (all, pages),
        }
        assert!(pages < 1000, "the cursor keeps going round");
    }
}

fn newest_first(mut entries: Vec<AuditEntry>) -> Vec<AuditEntry> {
    entries.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
    entries
}

fn limit(limit: u32) -> PageRequest {
    PageRequest { cursor: None, limit }
}

/// Entries of one organisation, newest first (ties broken the same way on every page),
/// each once across pages however they are cut; appending an entry twice keeps one.
pub async fn audit_log_contract(stores: Stores) {
    let log = &stores.audit;
    let (acme, globex) = (tenant(), tenant());
    let ann = ActorId::User(user_id());
    let spread = (0..7).map(|i| entry(acme, at(i * 10), ann, "monitor.update", "monitor", &format!("m{i}")));
    let same_millisecond = (0..3).map(|i| entry(acme, at(35), ann, "task.create", "task", &format!("t{i}")));
    let written: Vec<AuditEntry> = spread.chain(same_millisecond).collect();
    for e in &written {
        log.append(e).await.unwrap();
    }
    log.append(&written[4]).await.unwrap();
    let foreign = entry(globex, at(20), ActorId::System, "monitor.update", "monitor", "m0");
    log.append(&foreign).await.unwrap();

    let expected = newest_first(written.clone());
    let first = log.entries(acme, &AuditQuery::default()).await.unwrap();
    assert_eq!(first.items, expected, "every entry once, newest first, none of another organisation");
    assert_eq!(first.next_cursor, None);
    for size in [1, 3, 4, 5, 10] {
        let (all, pages) = every_page(log.as_ref(), acme, &AuditQuery { page: limit(size), ..AuditQuery::default() }).await;
        assert_eq!(all, expected, "pages of {size}");
        assert_eq!(pages, expected.len().div_ceil(size as usize), "pages of {size}: no empty last page");
    }
    assert_eq!(log.entries(globex, &AuditQuery::default()).await.unwrap().items, vec![foreign]);
    assert_eq!(log.entries(tenant(), &AuditQuery::default()).await.unwrap().items, vec![]);

    // "!!!" is not base64; the other is, of a word.
    for garbage in ["!!!", "aGVsbG8"] {
        let query = AuditQuery { page: PageRequest { cursor: Some(Cursor(garbage.into())), limit: 5 }, ..AuditQuery::default() };
        assert_refused(log.entries(acme, &query).await, &StoreError::InvalidCursor, "a cursor the store did not issue");
    }
}

/// Every filter, alone and together, on pages; a filter that passes few entries still pages
/// through all of them.
pub async fn audit_filters_contract(stores: Stores) {
    let log = &stores.audit;
    let acme = tenant();
    let (ann, bo) = (ActorId::User(user_id()), ActorId::User(user_id()));
    let key = ActorId::Key(ApiKeyId::from_uuid(Uuid::now_v7()));
    let rows = [
        (0, ann, "monitor.create", "monitor", "m1"),
        (10, key, "monitor.update", "monitor", "m1"),
        (20, bo, "monitors.import", "monitor", "m2"),
        (30, ann, "monitor", "monitor", "m2"),
        (40, ActorId::System, "member.role_change", "member", "m1"),
        (50, key, "key.revoke", "key", "k1"),
        (60, bo, "monitor.delete", "monitor", "m1"),
    ];
    let entries: Vec<AuditEntry> = rows.iter().map(|(s, actor, action, kind, id)| entry(acme, at(*s), *actor, action, kind, id)).collect();
    for e in &entries {
        log.append(e).await.unwrap();
    }
    let pick = |indexes: &[usize]| indexes.iter().rev().map(|i| entries[*i].clone()).collect::<Vec<_>>();
    let cases: Vec<(&str, AuditQuery, Vec<AuditEntry>)> = vec![
        ("no filter", AuditQuery::default(), pick(&[0, 1, 2, 3, 4, 5, 6])),
        ("by a person", AuditQuery { actor: Some(ann), ..AuditQuery::default() }, pick(&[0, 3])),
        ("by a key", AuditQuery { actor: Some(key), ..AuditQuery::default() }, pick(&[1, 5])),
        ("by the system", AuditQuery { actor: Some(ActorId::System), ..AuditQuery::default() }, pick(&[4])),
        (
            "an action and those under it, not `monitors.`",
            AuditQuery { action: Some("monitor".into()), ..AuditQuery::default() },
            pick(&[0, 1, 3, 6]),
        ),
        ("one action exactly", AuditQuery { action: Some("monitor.update".into()), ..AuditQuery::default() }, pick(&[1])),
        ("no partial word", AuditQuery { action: Some("monitor.up".into()), ..AuditQuery::default() }, pick(&[])),
        ("a target kind", AuditQuery { target_kind: Some("monitor".into()), ..AuditQuery::default() }, pick(&[0, 1, 2, 3, 6])),
        ("a target id", AuditQuery { target_id: Some("m1".into()), ..AuditQuery::default() }, pick(&[0, 1, 4, 6])),
        (
            "a target",
            AuditQuery { target_kind: Some("monitor".into()), target_id: Some("m1".into()), ..AuditQuery::default() },
            pick(&[0, 1, 6]),
        ),
        ("since, included", AuditQuery { since: Some(at(40)), ..AuditQuery::default() }, pick(&[4, 5, 6])),
        ("until, excluded", AuditQuery { until: Some(at(20)), ..AuditQuery::default() }, pick(&[0, 1])),
        ("between", AuditQuery { since: Some(at(10)), until: Some(at(50)), ..AuditQuery::default() }, pick(&[1, 2, 3, 4])),
        (
            "all together",
            AuditQuery {
                actor: Some(bo),
                action: Some("monitor".into()),
                target_kind: Some("monitor".into()),
                target_id: Some("m1".into()),
                since: Some(at(1)),
                until: Some(at(61)),
                page: PageRequest::first(),
            },
            pick(&[6]),
        ),
    ];
    for (name, query, expected) in cases {
        assert_eq!(log.entries(acme, &query).await.unwrap().items, expected, "{name}");
        let paged = AuditQuery { page: limit(1), ..query };
        assert_eq!(every_page(log.as_ref(), acme, &paged).await.0, expected, "{name}, one per page");
    }

    // Many entries that the filter refuses between the ones it passes.
    let old = entries.len();
    let noise: Vec<AuditEntry> =
        (0..450).map(|i| entry(acme, at(100) + SignedDuration::from_millis(i), ann, "task.ping", "task", "t1")).collect();
    let late = entry(acme, at(200), key, "channel.create", "channel", "c1");
    for e in noise.iter().chain([&late]) {
        log.append(e).await.unwrap();
    }
    let by_key = AuditQuery { actor: Some(key), page: limit(2), ..AuditQuery::default() };
    let (found, pages) = every_page(log.as_ref(), acme, &by_key).await;
    assert_eq!(found, vec![late.clone(), entries[5].clone(), entries[1].clone()], "the key's entries, across the noise");
    assert_eq!(pages, 2);
    let all = AuditQuery { page: limit(500), ..AuditQuery::default() };
    assert_eq!(every_page(log.as_ref(), acme, &all).await.0.len(), old + noise.len() + 1);
    let in_noise = AuditQuery {
        since: Some(at(100) + SignedDuration::from_millis(440)),
        until: Some(at(200)),
        page: limit(4),
        ..AuditQuery::default()
    };
    assert_eq!(every_page(log.as_ref(), acme, &in_noise).await.0, newest_first(noise[440..].to_vec()));
}

/// Purging: the entries of one organisation older than a time go, and are counted.
pub async fn audit_purge_contract(stores: Stores) {
    let log = &stores.audit;
    let (acme, globex) = (tenant(), tenant());
    let ann = ActorId::User(user_id());
    // More than one batch of deletes before the cutoff.
    let acme_entries: Vec<AuditEntry> =
        (0..520).map(|i| entry(acme, at(0) + SignedDuration::from_millis(i), ann, "task.ping", "task", "t1")).collect();
    let cutoff = at(10);
    let kept: Vec<AuditEntry> =
        (0..3).map(|i| entry(acme, cutoff + SignedDuration::from_secs(i), ann, "monitor.update", "monitor", "m1")).collect();
    let foreign = entry(globex, at(0), ann, "monitor.update", "monitor", "m1");
    for e in acme_entries.iter().chain(&kept).chain([&foreign]) {
        log.append(e).await.unwrap();
    }
    assert_eq!(log.purge_audit(acme, cutoff).await.unwrap(), 520, "every entry before the cutoff, counted");
    let left = every_page(log.as_ref(), acme, &AuditQuery { page: limit(500), ..AuditQuery::default() }).await.0;
    assert_eq!(left, newest_first(kept.clone()), "entries at the cutoff and after stay");
    assert_eq!(log.entries(globex, &AuditQuery::default()).await.unwrap().items, vec![foreign], "other organisations keep theirs");
    assert_eq!(log.purge_audit(acme, cutoff).await.unwrap(), 0, "nothing left to purge");
    assert_eq!(log.purge_audit(tenant(), cutoff).await.unwrap(), 0);
    assert_eq!(log.purge_audit(acme, cutoff + SignedDuration::from_millis(1)).await.unwrap(), 1);
    let id = AuditEntryId::from_uuid(Uuid::now_v7());
    let appended_after = AuditEntry { id, ..kept[0].clone() };
    log.append(&appended_after).await.unwrap();
    assert_eq!(log.entries(acme, &AuditQuery::default()).await.unwrap().items.len(), 3, "the log goes on after a purge");
}
