//! Status pages and what hangs off them: pages (slugs and domains unique across organisations),
//! public incidents (revisions, newest first), subscribers (one per address and page), badges
//! (tokens unique across organisations) and snapshots (the newer computation stays).

use super::Stores;
use super::account_fixtures::{assert_refused, email, fresh_hash};
use super::fixtures::{at, tenant};
use jiff::Timestamp;
use jiff::civil::date;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;
use vigil_domain::accounts::Locale;
use vigil_domain::ids::{BadgeId, MonitorId, PublicIncidentId, PublicUpdateId, StatusPageId, SubscriberId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{IncidentWrite, PageWrite, StoreError};
use vigil_domain::status_page::{
    Badge, BadgeTarget, Confirmation, Indicator, PageAccess, PageDomain, PageFacts, PageSlug, PageSnapshot, PublicIncident, PublicStatus,
    PublicUpdate, StatusPage, Subscriber, SubscriberChannel,
};

/// A name no other suite (or earlier run on a shared table) uses.
fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &Uuid::new_v4().simple().to_string()[..12])
}

fn status_page(tenant: TenantId, slug: &str, domain: Option<&str>, seconds: i64) -> StatusPage {
    StatusPage {
        id: StatusPageId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        slug: PageSlug::parse(slug).expect("a valid slug"),
        custom_domain: domain.map(|d| PageDomain::parse(d).expect("a valid domain")),
        name: "Acme status".into(),
        description: String::new(),
        access: PageAccess::Public,
        no_index: false,
        default_locale: Locale::En,
        time_zone: "UTC".into(),
        components: Vec::new(),
        revision: 1,
        created_at: at(seconds),
        updated_at: at(seconds),
    }
}

fn public_incident(page: &StatusPage, name: &str, seconds: i64) -> PublicIncident {
    let update = PublicUpdate {
        id: PublicUpdateId::from_uuid(Uuid::now_v7()),
        status: PublicStatus::Investigating,
        body: "We are looking into it.".into(),
        at: at(seconds),
        impacts: BTreeMap::new(),
        notify: true,
        by: "ann@example.com".into(),
    };
    PublicIncident {
        id: PublicIncidentId::from_uuid(Uuid::now_v7()),
        tenant_id: page.tenant_id,
        page_id: page.id,
        name: name.into(),
        impact_override: None,
        updates: vec![update],
        source: None,
        follows_source: false,
        created_at: at(seconds),
        revision: 1,
    }
}

fn subscriber(page: &StatusPage, address: &str, seconds: i64) -> Subscriber {
    Subscriber {
        id: SubscriberId::from_uuid(Uuid::now_v7()),
        tenant_id: page.tenant_id,
        page_id: page.id,
        channel: SubscriberChannel::Email { address: email(address) },
        components: BTreeSet::new(),
        locale: Locale::Fr,
        confirmation: Confirmation::Pending { token: fresh_hash(), sent_at: at(seconds) },
        unsubscribe_token: unique("u"),
        created_at: at(seconds),
    }
}

fn snapshot(page: &StatusPage, computed: Timestamp, indicator: Indicator) -> PageSnapshot {
    PageSnapshot {
        tenant_id: page.tenant_id,
        page_id: page.id,
        computed_at: computed,
        page_revision: page.revision,
        updated_at: page.updated_at,
        page: PageFacts {
            slug: page.slug.clone(),
            custom_domain: page.custom_domain.clone(),
            name: page.name.clone(),
            description: page.description.clone(),
            access: page.access.kind().into(),
            no_index: page.no_index,
            default_locale: page.default_locale,
            time_zone: page.time_zone.clone(),
            created_at: page.created_at,
            updated_at: page.updated_at,
        },
        components: Vec::new(),
        indicator,
        incidents: Vec::new(),
        maintenances: Vec::new(),
        first_day: date(2026, 9, 1),
        first_month: date(2026, 1, 1),
    }
}

fn page_of(limit: u32, cursor: Option<vigil_domain::page::Cursor>) -> PageRequest {
    PageRequest::new(cursor, Some(limit)).expect("a valid page request")
}

/// Pages: read within their organisation, listed oldest first, found by slug and domain from
/// anywhere, one slug and one domain per page across organisations, replaced at the next
/// revision only, and their names freed when they move or go.
pub async fn status_pages_contract(stores: Stores) {
    let store = &stores.status_pages;
    let (acme, globex) = (tenant(), tenant());
    let (slug, domain) = (unique("acme"), format!("{}.example.com", unique("status")));
    let first = status_page(acme, &slug, Some(&domain), 0);
    let second = status_page(acme, &unique("acme-api"), None, 60);
    assert_eq!(store.insert_page(&second).await.unwrap(), PageWrite::Written);
    assert_eq!(store.insert_page(&first).await.unwrap(), PageWrite::Written);
    assert_eq!(store.insert_page(&first).await.unwrap(), PageWrite::Stale, "an id is stored once");

    assert_eq!(store.page(acme, first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.page(globex, first.id).await.unwrap(), None, "another organisation's page is invisible");
    assert_eq!(store.pages(acme).await.unwrap(), vec![first.clone(), second.clone()], "oldest first");
    assert_eq!(store.pages(globex).await.unwrap(), vec![]);
    assert_eq!(store.page_by_slug(&slug).await.unwrap(), Some(first.clone()));
    assert_eq!(store.page_by_domain(&domain).await.unwrap(), Some(first.clone()));
    assert_eq!(store.page_by_slug(&unique("nobody")).await.unwrap(), None);

    let squatter = status_page(globex, &slug, None, 90);
    assert_eq!(store.insert_page(&squatter).await.unwrap(), PageWrite::SlugTaken, "slugs are unique across organisations");
    let squatter = status_page(globex, &unique("globex"), Some(&domain), 90);
    assert_eq!(store.insert_page(&squatter).await.unwrap(), PageWrite::DomainTaken, "domains are unique across organisations");
    assert_eq!(store.pages(globex).await.unwrap(), vec![], "a refused page is not stored");

    // Moving to a new slug and domain frees the old ones.
    let (new_slug, new_domain) = (unique("acme-moved"), format!("{}.example.org", unique("status")));
    let mut moved = first.clone();
    moved.slug = PageSlug::parse(&new_slug).unwrap();
    moved.custom_domain = Some(PageDomain::parse(&new_domain).unwrap());
    moved.revision = 2;
    moved.name = "Acme".into();
    assert_eq!(store.update_page(&moved).await.unwrap(), PageWrite::Written);
    assert_eq!(store.update_page(&moved).await.unwrap(), PageWrite::Stale, "a write from revision 1 is stale at revision 2");
    assert_eq!(store.page(acme, first.id).await.unwrap(), Some(moved.clone()));
    assert_eq!(store.page_by_slug(&slug).await.unwrap(), None, "the old slug is free");
    assert_eq!(store.page_by_domain(&domain).await.unwrap(), None, "the old domain is free");
    assert_eq!(store.page_by_slug(&new_slug).await.unwrap(), Some(moved.clone()));
    assert_eq!(store.page_by_domain(&new_domain).await.unwrap(), Some(moved.clone()));

    let mut taking = second.clone();
    taking.slug = moved.slug.clone();
    taking.revision = 2;
    assert_eq!(store.update_page(&taking).await.unwrap(), PageWrite::SlugTaken, "a page cannot move onto another's slug");
    assert_eq!(store.page(acme, second.id).await.unwrap(), Some(second.clone()));
    let reuse = status_page(globex, &slug, Some(&domain), 120);
    assert_eq!(store.insert_page(&reuse).await.unwrap(), PageWrite::Written, "a freed slug and domain may be taken");

    let mut ghost = status_page(acme, &unique("ghost"), None, 0);
    ghost.revision = 2;
    assert_refused(store.update_page(&ghost).await, &StoreError::NotFound, "an update needs the page");

    assert!(store.delete_page(acme, moved.id).await.unwrap());
    assert!(!store.delete_page(acme, moved.id).await.unwrap());
    assert!(!store.delete_page(globex, second.id).await.unwrap(), "deletes are tenant-scoped");
    assert_eq!(store.page_by_slug(&new_slug).await.unwrap(), None);
    assert_eq!(store.page_by_domain(&new_domain).await.unwrap(), None);
    assert_eq!(store.insert_page(&status_page(globex, &new_slug, Some(&new_domain), 150)).await.unwrap(), PageWrite::Written);
    assert_eq!(store.pages(acme).await.unwrap(), vec![second]);
}

/// Public incidents: stored once at revision 1, replaced from the revision before only, read
/// within their organisation and listed by page newest first, page by page.
pub async fn public_incidents_contract(stores: Stores) {
    let store = &stores.public_incidents;
    let page = status_page(tenant(), &unique("pi"), None, 0);
    let other = status_page(page.tenant_id, &unique("pi-other"), None, 0);
    let incidents: Vec<_> = (0..5).map(|i| public_incident(&page, &format!("outage {i}"), i * 60)).collect();
    for incident in &incidents {
        assert_eq!(store.put_incident(incident).await.unwrap(), IncidentWrite::Written);
    }
    assert_eq!(store.put_incident(&incidents[0]).await.unwrap(), IncidentWrite::Duplicate, "a post published twice is one");
    let elsewhere = public_incident(&other, "elsewhere", 30);
    store.put_incident(&elsewhere).await.unwrap();

    assert_eq!(store.incident(page.tenant_id, incidents[1].id).await.unwrap(), Some(incidents[1].clone()));
    assert_eq!(store.incident(tenant(), incidents[1].id).await.unwrap(), None, "another organisation sees nothing");

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let Page { items, next_cursor } = store.incidents(page.tenant_id, page.id, &page_of(2, cursor)).await.unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.into_iter().map(|i| i.name));
        match next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, vec!["outage 4", "outage 3", "outage 2", "outage 1", "outage 0"], "newest first, each once");
    assert_eq!(store.incidents(page.tenant_id, other.id, &PageRequest::first()).await.unwrap().items, vec![elsewhere.clone()]);
    assert_eq!(store.incidents(tenant(), page.id, &PageRequest::first()).await.unwrap().items, vec![]);

    let mut updated = incidents[2].clone();
    updated.updates.push(PublicUpdate { status: PublicStatus::Resolved, at: at(600), ..updated.updates[0].clone() });
    updated.revision = 2;
    assert_eq!(store.put_incident(&updated).await.unwrap(), IncidentWrite::Written);
    assert_eq!(store.put_incident(&updated).await.unwrap(), IncidentWrite::Stale, "a change from revision 1 is stale at 2");
    assert_eq!(store.incident(page.tenant_id, updated.id).await.unwrap(), Some(updated.clone()));
    let mut unknown = public_incident(&page, "never stored", 0);
    unknown.revision = 2;
    assert_refused(store.put_incident(&unknown).await, &StoreError::NotFound, "a change needs the incident");

    assert!(store.delete_incident(page.tenant_id, updated.id).await.unwrap());
    assert!(!store.delete_incident(page.tenant_id, updated.id).await.unwrap());
    assert!(!store.delete_incident(tenant(), incidents[0].id).await.unwrap(), "deletes are tenant-scoped");
    assert_eq!(store.incident(page.tenant_id, updated.id).await.unwrap(), None);
    assert_eq!(store.incidents(page.tenant_id, page.id, &PageRequest::first()).await.unwrap().items.len(), 4);
}

/// Subscribers: one per address and page, found by id and address within their organisation,
/// replaced in place, listed oldest first page by page, and their address freed when they leave.
pub async fn subscribers_contract(stores: Stores) {
    let store = &stores.subscribers;
    let page = status_page(tenant(), &unique("sb"), None, 0);
    let other = status_page(page.tenant_id, &unique("sb-other"), None, 0);
    let subscribers: Vec<_> = (0..3).map(|i| subscriber(&page, &format!("reader{i}@example.com"), i * 60)).collect();
    for s in &subscribers {
        store.insert_subscriber(s).await.unwrap();
    }
    let again = subscriber(&page, "reader0@example.com", 300);
    assert_refused(store.insert_subscriber(&again).await, &StoreError::Conflict, "one subscriber per address and page");
    assert_eq!(store.subscriber(page.tenant_id, again.id).await.unwrap(), None);
    let on_other = subscriber(&other, "reader0@example.com", 300);
    store.insert_subscriber(&on_other).await.unwrap();

    let address = email("reader0@example.com");
    assert_eq!(store.subscriber(page.tenant_id, subscribers[0].id).await.unwrap(), Some(subscribers[0].clone()));
    assert_eq!(store.subscriber(tenant(), subscribers[0].id).await.unwrap(), None, "another organisation sees nothing");
    assert_eq!(store.subscriber_by_email(page.tenant_id, page.id, &address).await.unwrap(), Some(subscribers[0].clone()));
    assert_eq!(store.subscriber_by_email(page.tenant_id, other.id, &address).await.unwrap(), Some(on_other.clone()));
    assert_eq!(store.subscriber_by_email(tenant(), page.id, &address).await.unwrap(), None);

    let first = store.subscribers(page.tenant_id, page.id, &page_of(2, None)).await.unwrap();
    assert_eq!(first.items, subscribers[..2].to_vec(), "oldest first");
    let rest = store.subscribers(page.tenant_id, page.id, &page_of(2, first.next_cursor)).await.unwrap();
    assert_eq!((rest.items, rest.next_cursor), (subscribers[2..].to_vec(), None));

    let confirmed = Subscriber { confirmation: Confirmation::Confirmed { at: at(400) }, ..subscribers[1].clone() };
    store.update_subscriber(&confirmed).await.unwrap();
    assert_eq!(store.subscriber(page.tenant_id, confirmed.id).await.unwrap(), Some(confirmed.clone()));
    assert_refused(store.update_subscriber(&again).await, &StoreError::NotFound, "an update needs the subscriber");

    assert!(store.delete_subscriber(page.tenant_id, subscribers[0].id).await.unwrap());
    assert!(!store.delete_subscriber(page.tenant_id, subscribers[0].id).await.unwrap());
    assert!(!store.delete_subscriber(tenant(), subscribers[1].id).await.unwrap(), "deletes are tenant-scoped");
    assert_eq!(store.subscriber_by_email(page.tenant_id, page.id, &address).await.unwrap(), None);
    store.insert_subscriber(&again).await.expect("a freed address subscribes again");
    let all = store.subscribers(page.tenant_id, page.id, &PageRequest::first()).await.unwrap();
    assert_eq!(all.items, vec![confirmed, subscribers[2].clone(), again]);
}

/// Badges: found by token from anywhere, one badge per token across organisations, listed
/// oldest first within their organisation, and their token dead once deleted.
pub async fn badges_contract(stores: Stores) {
    let store = &stores.badges;
    let (acme, globex) = (tenant(), tenant());
    let badge = |tenant, token: &str, seconds| Badge {
        id: BadgeId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        token: token.into(),
        target: BadgeTarget::Monitor { id: MonitorId::from_uuid(Uuid::now_v7()) },
        label: Some("API".into()),
        created_at: at(seconds),
    };
    let (token, other_token) = (unique("token"), unique("token"));
    let first = badge(acme, &token, 60);
    let second = badge(acme, &other_token, 0);
    store.insert_badge(&first).await.unwrap();
    store.insert_badge(&second).await.unwrap();
    assert_refused(store.insert_badge(&badge(globex, &token, 90)).await, &StoreError::Conflict, "tokens are unique across organisations");

    assert_eq!(store.badge_by_token(&token).await.unwrap(), Some(first.clone()));
    assert_eq!(store.badge_by_token(&unique("token")).await.unwrap(), None);
    assert_eq!(store.badges(acme).await.unwrap(), vec![second.clone(), first.clone()], "oldest first");
    assert_eq!(store.badges(globex).await.unwrap(), vec![]);

    assert!(!store.delete_badge(globex, first.id).await.unwrap(), "deletes are tenant-scoped");
    assert!(store.delete_badge(acme, first.id).await.unwrap());
    assert!(!store.delete_badge(acme, first.id).await.unwrap());
    assert_eq!(store.badge_by_token(&token).await.unwrap(), None, "a deleted badge's token stops working");
    assert_eq!(store.badges(acme).await.unwrap(), vec![second]);
}

/// Snapshots: one per page, replaced by a later computation and never by an earlier one.
pub async fn status_snapshots_contract(stores: Stores) {
    let store = &stores.status_snapshots;
    let page = status_page(tenant(), &unique("snap"), None, 0);
    assert_eq!(store.snapshot(page.tenant_id, page.id).await.unwrap(), None);
    let first = snapshot(&page, at(60), Indicator::None);
    store.put_snapshot(&first).await.unwrap();
    assert_eq!(store.snapshot(page.tenant_id, page.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.snapshot(tenant(), page.id).await.unwrap(), None, "another organisation sees nothing");

    let later = snapshot(&page, at(120), Indicator::Major);
    store.put_snapshot(&later).await.unwrap();
    store.put_snapshot(&snapshot(&page, at(90), Indicator::Minor)).await.unwrap();
    assert_eq!(store.snapshot(page.tenant_id, page.id).await.unwrap(), Some(later), "of two racing computations the later stays");

    store.delete_snapshot(page.tenant_id, page.id).await.unwrap();
    assert_eq!(store.snapshot(page.tenant_id, page.id).await.unwrap(), None);
}
