use super::Stores;
use super::fixtures::{at, tenant};
use super::incident_fixtures::{entry, monitor_subject, open_incident};
use std::collections::HashSet;
use std::sync::Arc;
use vigil_domain::ids::TaskId;
use vigil_domain::incident::{AnyIncident, IncidentStatus, IncidentSubject, Resolution, ResolvedBy};
use vigil_domain::page::{Cursor, PageRequest};
use vigil_domain::ports::{IncidentQuery, OpenOutcome, StoreError};

fn query(status: Option<IncidentStatus>, subject: Option<IncidentSubject>, cursor: Option<Cursor>, limit: u32) -> IncidentQuery {
    IncidentQuery { status, subject, opened_from: None, opened_before: None, page: PageRequest { cursor, limit } }
}

/// Opening, the one-ongoing rule, conditional transitions, timelines, listing, tenancy.
pub async fn incident_store_contract(stores: Stores) {
    let store = &stores.incidents;
    let tenant = tenant();
    let subject = monitor_subject();
    let first = open_incident(tenant, subject, at(10));
    let id = first.core().id;
    let opened_entry = entry(id, at(10), "opened");
    assert_eq!(store.open(&first, std::slice::from_ref(&opened_entry)).await.unwrap(), OpenOutcome::Opened);
    assert_eq!(store.get(tenant, id).await.unwrap(), Some(AnyIncident::Open(first.clone())), "round trip keeps every field");
    assert_eq!(store.get(super::fixtures::tenant(), id).await.unwrap(), None, "scoped by tenant");
    assert_eq!(store.ongoing(tenant, subject).await.unwrap(), Some(first.clone().into()));
    assert_eq!(store.ongoing(super::fixtures::tenant(), subject).await.unwrap(), None);

    assert_eq!(store.open(&first, &[]).await.unwrap(), OpenOutcome::Duplicate, "the same incident again");
    let second = open_incident(tenant, subject, at(20));
    assert_eq!(store.open(&second, &[]).await.unwrap(), OpenOutcome::AlreadyOngoing(Box::new(first.clone().into())));
    assert_eq!(store.get(tenant, second.core().id).await.unwrap(), None, "nothing was written");
    let elsewhere = open_incident(super::fixtures::tenant(), subject, at(20));
    assert_eq!(store.open(&elsewhere, &[]).await.unwrap(), OpenOutcome::Opened, "another tenant's subject is another subject");

    // Transitions are conditional on the state they were computed from.
    let acked: AnyIncident = first.clone().acknowledge("ann".into(), at(30)).into();
    store.transition(&acked, IncidentStatus::Open, &[entry(id, at(30), "acked")]).await.unwrap();
    assert!(matches!(store.transition(&acked, IncidentStatus::Open, &[]).await, Err(StoreError::Conflict)));
    let ghost: AnyIncident = open_incident(tenant, monitor_subject(), at(1)).into();
    assert!(matches!(store.transition(&ghost, IncidentStatus::Open, &[]).await, Err(StoreError::NotFound)));
    assert_eq!(store.ongoing(tenant, subject).await.unwrap(), acked.clone().ongoing(), "acknowledged is still ongoing");
    let resolved: AnyIncident = acked.clone().ongoing().unwrap().resolve(Resolution { at: at(40), by: ResolvedBy::Recovery }).into();
    store.transition(&resolved, IncidentStatus::Acknowledged, &[entry(id, at(40), "resolved")]).await.unwrap();
    assert_eq!(store.ongoing(tenant, subject).await.unwrap(), None, "resolution frees the subject");
    assert_eq!(store.open(&second, &[]).await.unwrap(), OpenOutcome::Opened, "the next outage is a new incident");

    // The timeline: oldest first, pages, idempotent appends.
    let late = entry(id, at(50), "post-mortem");
    store.append(tenant, &[late.clone(), late.clone()]).await.unwrap();
    store.append(tenant, std::slice::from_ref(&late)).await.unwrap();
    let mut texts = Vec::new();
    let mut page = PageRequest { cursor: None, limit: 2 };
    loop {
        let read = store.timeline(tenant, id, &page).await.unwrap();
        assert!(read.items.len() <= 2);
        texts.extend(read.items.into_iter().map(|e| serde_json::to_value(e.event).unwrap()["text"].as_str().unwrap().to_owned()));
        match read.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(texts, ["opened", "acked", "resolved", "post-mortem"]);
    assert!(store.timeline(super::fixtures::tenant(), id, &PageRequest::first()).await.unwrap().items.is_empty());

    // Listing: newest first, filters, pages, bad cursors.
    let task = IncidentSubject::Task(TaskId::from_uuid(uuid::Uuid::now_v7()));
    let task_incident = open_incident(tenant, task, at(5));
    store.open(&task_incident, &[]).await.unwrap();
    let all = store.list(tenant, &query(None, None, None, 50)).await.unwrap();
    let ids: Vec<_> = all.items.iter().map(|i| i.core().id).collect();
    assert_eq!(ids, [second.core().id, id, task_incident.core().id], "newest opening first");
    let open = store.list(tenant, &query(Some(IncidentStatus::Open), None, None, 50)).await.unwrap();
    assert_eq!(open.items.len(), 2);
    let by_subject = store.list(tenant, &query(None, Some(subject), None, 50)).await.unwrap();
    assert_eq!(by_subject.items.len(), 2);
    let by_task = store.list(tenant, &query(None, Some(task), None, 50)).await.unwrap();
    assert_eq!(by_task.items, vec![AnyIncident::from(task_incident.clone())]);
    let window = IncidentQuery { opened_from: Some(at(10)), opened_before: Some(at(20)), ..query(None, None, None, 50) };
    assert_eq!(store.list(tenant, &window).await.unwrap().items.len(), 1, "from is inclusive, to exclusive");
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.list(tenant, &query(None, None, cursor, 1)).await.unwrap();
        seen.extend(page.items.iter().map(|i| i.core().id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every incident once across pages");
    let bad = store.list(tenant, &query(None, None, Some(Cursor("nope".into())), 5)).await;
    assert!(matches!(bad, Err(StoreError::InvalidCursor)), "{bad:?}");
}

/// Many writers opening incidents for one subject at once: exactly one incident opens.
pub async fn concurrent_openings_contract(stores: Stores) {
    let tenant = tenant();
    let subject = monitor_subject();
    // Spawned before any is awaited, so that they race.
    let attempts: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&stores.incidents);
            // Different opening times, hence different incident ids: only the store's rule can
            // keep them from all opening.
            let incident = open_incident(tenant, subject, at(100 + i));
            tokio::spawn(async move { store.open(&incident, &[]).await.unwrap() })
        })
        .collect();
    let mut opened = 0;
    let mut ongoing = HashSet::new();
    for attempt in attempts {
        match attempt.await.unwrap() {
            OpenOutcome::Opened => opened += 1,
            OpenOutcome::AlreadyOngoing(incident) => {
                ongoing.insert(incident.core().id);
            }
            OpenOutcome::Duplicate => panic!("no two attempts share an id"),
        }
    }
    assert_eq!(opened, 1, "exactly one incident opened");
    let stored = stores.incidents.ongoing(tenant, subject).await.unwrap().expect("the ongoing incident");
    assert!(ongoing.iter().all(|id| *id == stored.core().id), "every loser saw the winner");
    let listed = stores.incidents.list(tenant, &query(None, Some(subject), None, 50)).await.unwrap();
    assert_eq!(listed.items.len(), 1);
}
