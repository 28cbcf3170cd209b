use super::Stores;
use super::fixtures::{at, monitor_id, record, record_with, t0, tenant};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorStatus, StatusTransition, TransitionCause};
use vigil_domain::page::{Cursor, PageRequest};
use vigil_domain::ports::{MonitorQuery, StoreError};

fn query(tag: Option<&str>, status: Option<MonitorStatus>, cursor: Option<Cursor>, limit: u32) -> MonitorQuery {
    MonitorQuery { tag: tag.map(str::to_owned), status, page: PageRequest { cursor, limit } }
}

/// Insert, read, conditional updates, health changes with transitions, deletion, counts.
pub async fn monitor_repository_contract(stores: Stores) {
    let repo = &stores.monitors;
    let tenant = tenant();
    let stored = record(tenant, "api", t0(), Some(at(10)));
    repo.insert(&stored).await.unwrap();
    assert_eq!(repo.get(tenant, stored.monitor.id).await.unwrap(), Some(stored.clone()), "round trip keeps every field");
    assert_eq!(repo.get(super::fixtures::tenant(), stored.monitor.id).await.unwrap(), None, "scoped by tenant");
    assert_eq!(repo.get(tenant, monitor_id()).await.unwrap(), None);

    // Spec updates are conditional on the revision.
    let mut changed: HttpMonitor = stored.monitor.clone();
    changed.spec.name = "api v2".into();
    changed.spec.managed = Some(vigil_domain::managed::Managed { source: "prod.yaml".into(), key: "api".into() });
    changed.spec.tags = ["staging".to_owned()].into();
    changed.revision = 2;
    changed.updated_at = at(20);
    repo.update_spec(&changed, 1, Some(at(30))).await.unwrap();
    let read = repo.get(tenant, stored.monitor.id).await.unwrap().unwrap();
    assert_eq!(read.monitor, changed);
    assert_eq!(read.next_due_at, Some(at(30)));
    assert!(matches!(repo.update_spec(&changed, 1, None).await, Err(StoreError::Conflict)));
    let mut ghost = changed.clone();
    ghost.id = monitor_id();
    assert!(matches!(repo.update_spec(&ghost, 1, None).await, Err(StoreError::NotFound)));
    let by_new_tag = repo.list(tenant, &query(Some("staging"), None, None, 10)).await.unwrap();
    assert_eq!(by_new_tag.items.len(), 1, "tags follow the spec");
    assert!(repo.list(tenant, &query(Some("prod"), None, None, 10)).await.unwrap().items.is_empty());

    // Health changes are conditional on the health version and carry their transition.
    let down = MonitorHealth { status: MonitorStatus::Down, since: at(40), failure_streak: 0, success_streak: 0, version: 1 };
    let transition = StatusTransition {
        tenant_id: tenant,
        monitor_id: stored.monitor.id,
        from: MonitorStatus::Pending,
        to: MonitorStatus::Down,
        at: at(40),
        cause: TransitionCause::Paused,
    };
    repo.change_health(tenant, stored.monitor.id, 0, &down, None, Some(&transition)).await.unwrap();
    let read = repo.get(tenant, stored.monitor.id).await.unwrap().unwrap();
    assert_eq!(read.health, down);
    assert_eq!(read.next_due_at, None);
    assert_eq!(read.monitor, changed, "a health change leaves the spec alone");
    assert!(matches!(repo.change_health(tenant, stored.monitor.id, 0, &down, None, None).await, Err(StoreError::Conflict)));
    assert!(matches!(repo.change_health(tenant, monitor_id(), 0, &down, None, None).await, Err(StoreError::NotFound)));
    let history = stores.transitions.list(tenant, stored.monitor.id, &PageRequest::first()).await.unwrap();
    assert_eq!(history.items, vec![transition]);

    let other = record(tenant, "web", at(1), Some(at(10)));
    repo.insert(&other).await.unwrap();
    let counts = repo.count_by_status(tenant).await.unwrap();
    assert_eq!(counts.get(&MonitorStatus::Down), Some(&1));
    assert_eq!(counts.get(&MonitorStatus::Pending), Some(&1));
    assert!(repo.count_by_status(super::fixtures::tenant()).await.unwrap().is_empty());

    assert!(repo.delete(tenant, stored.monitor.id).await.unwrap());
    assert!(!repo.delete(tenant, stored.monitor.id).await.unwrap());
    assert_eq!(repo.get(tenant, stored.monitor.id).await.unwrap(), None);
    assert!(stores.transitions.list(tenant, stored.monitor.id, &PageRequest::first()).await.unwrap().items.is_empty());
    assert!(!repo.delete(super::fixtures::tenant(), other.monitor.id).await.unwrap(), "another tenant cannot delete it");
    assert!(repo.get(tenant, other.monitor.id).await.unwrap().is_some());
}

/// Listing: oldest first, every monitor exactly once across pages, filters, bad cursors.
pub async fn monitor_listing_contract(stores: Stores) {
    let repo = &stores.monitors;
    let tenant = tenant();
    let mut expected = Vec::new();
    for i in 0..7 {
        let tags: &[&str] = if i % 2 == 0 { &["even"] } else { &["odd"] };
        // Two monitors share a creation time, so ordering must break the tie by id.
        let created = at(i64::from(i / 2));
        let record = record_with(tenant, monitor_id(), &format!("m{i}"), 60, tags, created, Some(at(100)));
        repo.insert(&record).await.unwrap();
        expected.push(record);
    }
    repo.insert(&record(super::fixtures::tenant(), "someone else's", t0(), None)).await.unwrap();
    expected.sort_by_key(|r| (r.monitor.created_at, r.monitor.id));

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = repo.list(tenant, &query(None, None, cursor, 3)).await.unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every monitor once, oldest first");

    let odd = repo.list(tenant, &query(Some("odd"), None, None, 50)).await.unwrap();
    assert_eq!(odd.items.len(), 3);
    assert!(odd.items.iter().all(|r| r.monitor.spec.tags.contains("odd")));
    assert!(odd.next_cursor.is_none());
    let pending = repo.list(tenant, &query(None, Some(MonitorStatus::Pending), None, 50)).await.unwrap();
    assert_eq!(pending.items.len(), 7);
    assert!(repo.list(tenant, &query(None, Some(MonitorStatus::Up), None, 50)).await.unwrap().items.is_empty());
    let bad = repo.list(tenant, &query(None, None, Some(Cursor("not-a-cursor".into())), 50)).await;
    assert!(matches!(bad, Err(StoreError::InvalidCursor)), "{bad:?}");
}
