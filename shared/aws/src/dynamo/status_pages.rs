//! Status pages, public incidents, subscribers, badges and page snapshots in the single table.
//!
//! - A page is a document in its organisation's `SP#<tenant>` partition (`sk` its id); its slug
//!   and domain are lock items (`PAGESLUG#<slug>`, `HOST#<domain>`) naming tenant and page, written in
//!   the same transaction, so two organisations cannot take one name.
//! - A public incident lives in its page's `PI#<tenant>#<page>` partition under
//!   `<created ms>#<id>` (read newest first), with a pointer `PIX#<tenant>#<id>` to find it by id.
//! - A subscriber likewise (`SB#<tenant>#<page>`, pointer `SBX#<tenant>#<id>`), with a lock
//!   `SBMAIL#<page>#<address>` keeping one per address and page.
//! - A badge is a document in `BG#<tenant>` with a lock `BADGE#<token>`.
//! - A snapshot is one item `SNAP#<tenant>#<page>`, replaced unless the stored one is newer.

use super::DynamoStore;
use super::documents::{DOC, doc_item, parse_doc};
use super::keys::PK;
use super::toolkit::attributes::{Item, ItemExt, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::transactions::{Outcome, transact_delete, transact_put, transact_put_new};
use super::toolkit::update::Update;
use crate::dynamo::client::{Condition, TransactWriteItem};
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::accounts::Email;
use vigil_domain::ids::{BadgeId, PublicIncidentId, StatusPageId, SubscriberId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Badges, IncidentWrite, PageWrite, PublicIncidents, StatusPages, StatusSnapshots, StoreError, Subscribers};
use vigil_domain::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};

const REVISION: &str = "revision";
const TENANT: &str = "tenant_id";
const ID: &str = "id";
const POSITION: &str = "position";
const COMPUTED_AT: &str = "computed_at";
const LOCK: &str = "LOCK";

fn pages_pk(tenant: TenantId) -> String {
    format!("SP#{tenant}")
}

fn slug_pk(slug: &str) -> String {
    format!("PAGESLUG#{slug}")
}

fn host_pk(domain: &str) -> String {
    format!("HOST#{domain}")
}

fn incidents_pk(tenant: TenantId, page: StatusPageId) -> String {
    format!("PI#{tenant}#{page}")
}

fn incident_pointer_pk(tenant: TenantId, id: PublicIncidentId) -> String {
    format!("PIX#{tenant}#{id}")
}

fn subscribers_pk(tenant: TenantId, page: StatusPageId) -> String {
    format!("SB#{tenant}#{page}")
}

fn subscriber_pointer_pk(tenant: TenantId, id: SubscriberId) -> String {
    format!("SBX#{tenant}#{id}")
}

fn address_pk(page: StatusPageId, address: &Email) -> String {
    format!("SBMAIL#{page}#{address}")
}

fn badges_pk(tenant: TenantId) -> String {
    format!("BG#{tenant}")
}

fn token_pk(token: &str) -> String {
    format!("BADGE#{token}")
}

fn snapshot_pk(tenant: TenantId, page: StatusPageId) -> String {
    format!("SNAP#{tenant}#{page}")
}

/// Sort key by creation, so a partition reads in creation order.
fn created_sk(at: Timestamp, id: impl std::fmt::Display) -> String {
    format!("{:013}#{id}", at.as_millisecond().max(0))
}

/// A lock item at `pk` naming the entity `id` of `tenant` (and, for pointers, its partition
/// and position).
fn lock(pk: String, tenant: TenantId, id: impl std::fmt::Display, position: Option<(String, String)>) -> Item {
    let mut item = key(pk, LOCK);
    item.insert(TENANT.to_owned(), s(tenant.to_string()));
    item.insert(ID.to_owned(), s(id.to_string()));
    if let Some((partition, sk)) = position {
        item.insert(PK.to_owned() + "_of", s(partition));
        item.insert(POSITION.to_owned(), s(sk));
    }
    item
}

/// A delete of the lock at `pk` if it still names `id`.
fn release(table: &str, pk: String, id: impl std::fmt::Display) -> Result<TransactWriteItem, StoreError> {
    let mut guard = Update::default();
    guard.require_equal(ID, s(id.to_string()));
    transact_delete(table, key(pk, LOCK), Some(guard))
}

/// A document item carrying its revision, for conditional replacement.
fn revised_item<T: serde::Serialize>(pk: String, sk: String, doc: &T, revision: u64) -> Result<Item, StoreError> {
    let mut item = doc_item(pk, sk, doc).map_err(decode)?;
    item.insert(REVISION.to_owned(), n(revision));
    Ok(item)
}

fn at_revision(revision: u64) -> Update {
    let mut guard = Update::default();
    guard.require_equal(REVISION, n(revision));
    guard
}

impl DynamoStore {
    async fn lock_item(&self, pk: String, what: &str) -> Result<Option<Item>, StoreError> {
        self.get_item(key(pk, LOCK), Read::Strong, &[], what).await
    }

    /// The `(tenant, partition, sort key)` a pointer at `pk` names.
    async fn pointer(&self, pk: String, tenant: TenantId, what: &str) -> Result<Option<(String, String)>, StoreError> {
        let Some(item) = self.lock_item(pk, what).await? else { return Ok(None) };
        if item.string(TENANT).map_err(decode)? != tenant.to_string() {
            return Ok(None);
        }
        let partition = item.string(&(PK.to_owned() + "_of")).map_err(decode)?.to_owned();
        Ok(Some((partition, item.string(POSITION).map_err(decode)?.to_owned())))
    }

    /// The page a slug or domain lock at `pk` names.
    async fn page_by_lock(&self, pk: String) -> Result<Option<StatusPage>, StoreError> {
        let Some(item) = self.lock_item(pk, "finding a status page").await? else { return Ok(None) };
        let tenant: TenantId = item.string(TENANT).map_err(decode)?.parse().map_err(StoreError::backend)?;
        let id: StatusPageId = item.string(ID).map_err(decode)?.parse().map_err(StoreError::backend)?;
        StatusPages::page(self, tenant, id).await
    }
}

/// What the refused items of a page write mean: the page itself (first) refused makes it stale,
/// whatever else clashed; else its slug, then its domain.
fn page_refusal(failed: &[bool], slug_at: Option<usize>, domain_at: Option<usize>) -> PageWrite {
    if failed.first() == Some(&true) {
        PageWrite::Stale
    } else if slug_at.is_some_and(|i| failed.get(i) == Some(&true)) {
        PageWrite::SlugTaken
    } else if domain_at.is_some_and(|i| failed.get(i) == Some(&true)) {
        PageWrite::DomainTaken
    } else {
        PageWrite::Stale
    }
}

#[async_trait]
impl StatusPages for DynamoStore {
    async fn insert_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let item = revised_item(pages_pk(page.tenant_id), page.id.to_string(), page, page.revision)?;
        let mut items = vec![
            transact_put_new(&self.table, item)?,
            transact_put_new(&self.table, lock(slug_pk(page.slug.as_str()), page.tenant_id, page.id, None))?,
        ];
        if let Some(domain) = &page.custom_domain {
            items.push(transact_put_new(&self.table, lock(host_pk(domain.as_str()), page.tenant_id, page.id, None))?);
        }
        match self.transact_settled("storing a status page", items).await? {
            Outcome::Refused(failed) => Ok(page_refusal(&failed, Some(1), page.custom_domain.as_ref().map(|_| 2))),
            _ => Ok(PageWrite::Written),
        }
    }

    async fn page(&self, tenant: TenantId, id: StatusPageId) -> Result<Option<StatusPage>, StoreError> {
        self.get_doc(pages_pk(tenant), id.to_string(), "reading a status page").await
    }

    async fn pages(&self, tenant: TenantId) -> Result<Vec<StatusPage>, StoreError> {
        let mut pages: Vec<StatusPage> = self.all_docs(&pages_pk(tenant), "", "listing status pages").await?;
        pages.sort_by_key(|p| (p.created_at, p.id));
        Ok(pages)
    }

    async fn update_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let Some(stored) = StatusPages::page(self, page.tenant_id, page.id).await? else { return Err(StoreError::NotFound) };
        if stored.revision + 1 != page.revision {
            return Ok(PageWrite::Stale);
        }
        let item = revised_item(pages_pk(page.tenant_id), page.id.to_string(), page, page.revision)?;
        let mut items = vec![transact_put(&self.table, item, Some(at_revision(stored.revision)))?];
        let mut slug_at = None;
        if stored.slug != page.slug {
            items.push(release(&self.table, slug_pk(stored.slug.as_str()), page.id)?);
            slug_at = Some(items.len());
            items.push(transact_put_new(&self.table, lock(slug_pk(page.slug.as_str()), page.tenant_id, page.id, None))?);
        }
        let mut domain_at = None;
        if stored.custom_domain != page.custom_domain {
            if let Some(old) = &stored.custom_domain {
                items.push(release(&self.table, host_pk(old.as_str()), page.id)?);
            }
            if let Some(new) = &page.custom_domain {
                domain_at = Some(items.len());
                items.push(transact_put_new(&self.table, lock(host_pk(new.as_str()), page.tenant_id, page.id, None))?);
            }
        }
        match self.transact_settled("updating a status page", items).await? {
            Outcome::Refused(failed) => Ok(page_refusal(&failed, slug_at, domain_at)),
            _ => Ok(PageWrite::Written),
        }
    }

    async fn delete_page(&self, tenant: TenantId, id: StatusPageId) -> Result<bool, StoreError> {
        let Some(stored) = StatusPages::page(self, tenant, id).await? else { return Ok(false) };
        let mut items = vec![
            transact_delete(&self.table, key(pages_pk(tenant), id.to_string()), Some(at_revision(stored.revision)))?,
            release(&self.table, slug_pk(stored.slug.as_str()), id)?,
        ];
        if let Some(domain) = &stored.custom_domain {
            items.push(release(&self.table, host_pk(domain.as_str()), id)?);
        }
        match self.transact_settled("deleting a status page", items).await? {
            // Deleted meanwhile, or changed: then it is for the caller to read it again.
            Outcome::Refused(_) => match StatusPages::page(self, tenant, id).await? {
                None => Ok(false),
                Some(_) => Err(StoreError::Conflict),
            },
            _ => Ok(true),
        }
    }

    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError> {
        self.page_by_lock(slug_pk(slug)).await
    }

    async fn page_by_domain(&self, domain: &str) -> Result<Option<StatusPage>, StoreError> {
        self.page_by_lock(host_pk(domain)).await
    }
}

#[async_trait]
impl PublicIncidents for DynamoStore {
    async fn put_incident(&self, incident: &PublicIncident) -> Result<IncidentWrite, StoreError> {
        let (tenant, id) = (incident.tenant_id, incident.id);
        let (partition, position) = (incidents_pk(tenant, incident.page_id), created_sk(incident.created_at, id));
        let item = revised_item(partition.clone(), position.clone(), incident, incident.revision)?;
        if incident.revision == 1 {
            let items = vec![
                transact_put_new(&self.table, lock(incident_pointer_pk(tenant, id), tenant, id, Some((partition, position))))?,
                transact_put_new(&self.table, item)?,
            ];
            return Ok(match self.transact_settled("storing a public incident", items).await? {
                Outcome::Refused(_) => IncidentWrite::Duplicate,
                _ => IncidentWrite::Written,
            });
        }
        let items = vec![transact_put(&self.table, item, Some(at_revision(incident.revision - 1)))?];
        match self.transact_settled("storing a public incident", items).await? {
            Outcome::Refused(_) => match self.incident(tenant, id).await? {
                Some(_) => Ok(IncidentWrite::Stale),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(IncidentWrite::Written),
        }
    }

    async fn incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError> {
        let Some((partition, position)) = self.pointer(incident_pointer_pk(tenant, id), tenant, "finding a public incident").await? else {
            return Ok(None);
        };
        self.get_doc(partition, position, "reading a public incident").await
    }

    async fn incidents(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<PublicIncident>, StoreError> {
        self.doc_page(&incidents_pk(tenant, page), "", true, request, "listing public incidents").await
    }

    async fn delete_incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<bool, StoreError> {
        let pointer_pk = incident_pointer_pk(tenant, id);
        let Some((partition, position)) = self.pointer(pointer_pk.clone(), tenant, "finding a public incident").await? else {
            return Ok(false);
        };
        let items =
            vec![transact_delete(&self.table, key(pointer_pk, LOCK), None)?, transact_delete(&self.table, key(partition, position), None)?];
        self.transact_settled("deleting a public incident", items).await?;
        Ok(true)
    }
}

#[async_trait]
impl Subscribers for DynamoStore {
    async fn insert_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let (tenant, id) = (subscriber.tenant_id, subscriber.id);
        let (partition, position) = (subscribers_pk(tenant, subscriber.page_id), created_sk(subscriber.created_at, id));
        let mut items = vec![
            transact_put_new(&self.table, doc_item(partition.clone(), position.clone(), subscriber).map_err(decode)?)?,
            transact_put_new(&self.table, lock(subscriber_pointer_pk(tenant, id), tenant, id, Some((partition, position))))?,
        ];
        if let Some(address) = subscriber.email() {
            items.push(transact_put_new(&self.table, lock(address_pk(subscriber.page_id, address), tenant, id, None))?);
        }
        match self.transact_settled("storing a subscriber", items).await? {
            Outcome::Refused(_) => Err(StoreError::Conflict),
            _ => Ok(()),
        }
    }

    async fn subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<Option<Subscriber>, StoreError> {
        let Some((partition, position)) = self.pointer(subscriber_pointer_pk(tenant, id), tenant, "finding a subscriber").await? else {
            return Ok(None);
        };
        self.get_doc(partition, position, "reading a subscriber").await
    }

    async fn subscriber_by_email(&self, tenant: TenantId, page: StatusPageId, address: &Email) -> Result<Option<Subscriber>, StoreError> {
        let Some(item) = self.lock_item(address_pk(page, address), "finding a subscriber by address").await? else { return Ok(None) };
        if item.string(TENANT).map_err(decode)? != tenant.to_string() {
            return Ok(None);
        }
        let id: SubscriberId = item.string(ID).map_err(decode)?.parse().map_err(StoreError::backend)?;
        self.subscriber(tenant, id).await
    }

    async fn update_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let (tenant, id) = (subscriber.tenant_id, subscriber.id);
        let Some((partition, position)) = self.pointer(subscriber_pointer_pk(tenant, id), tenant, "finding a subscriber").await? else {
            return Err(StoreError::NotFound);
        };
        let mut guard = Update::default();
        guard.require_equal(PK, s(partition.clone()));
        let item = doc_item(partition, position, subscriber).map_err(decode)?;
        match self.transact_settled("updating a subscriber", vec![transact_put(&self.table, item, Some(guard))?]).await? {
            Outcome::Refused(_) => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    async fn delete_subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<bool, StoreError> {
        let Some(stored) = self.subscriber(tenant, id).await? else { return Ok(false) };
        let (partition, position) = (subscribers_pk(tenant, stored.page_id), created_sk(stored.created_at, id));
        let mut items = vec![
            transact_delete(&self.table, key(subscriber_pointer_pk(tenant, id), LOCK), None)?,
            transact_delete(&self.table, key(partition, position), None)?,
        ];
        if let Some(address) = stored.email() {
            items.push(release(&self.table, address_pk(stored.page_id, address), id)?);
        }
        self.transact_settled("deleting a subscriber", items).await?;
        Ok(true)
    }

    async fn subscribers(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<Subscriber>, StoreError> {
        self.doc_page(&subscribers_pk(tenant, page), "", false, request, "listing subscribers").await
    }
}

#[async_trait]
impl Badges for DynamoStore {
    async fn insert_badge(&self, badge: &Badge) -> Result<(), StoreError> {
        let items = vec![
            transact_put_new(&self.table, doc_item(badges_pk(badge.tenant_id), badge.id.to_string(), badge).map_err(decode)?)?,
            transact_put_new(&self.table, lock(token_pk(&badge.token), badge.tenant_id, badge.id, None))?,
        ];
        match self.transact_settled("storing a badge", items).await? {
            Outcome::Refused(_) => Err(StoreError::Conflict),
            _ => Ok(()),
        }
    }

    async fn badge_by_token(&self, token: &str) -> Result<Option<Badge>, StoreError> {
        let Some(item) = self.lock_item(token_pk(token), "finding a badge").await? else { return Ok(None) };
        let tenant: TenantId = item.string(TENANT).map_err(decode)?.parse().map_err(StoreError::backend)?;
        self.get_doc(badges_pk(tenant), item.string(ID).map_err(decode)?.to_owned(), "reading a badge").await
    }

    async fn badges(&self, tenant: TenantId) -> Result<Vec<Badge>, StoreError> {
        let mut badges: Vec<Badge> = self.all_docs(&badges_pk(tenant), "", "listing badges").await?;
        badges.sort_by_key(|b| (b.created_at, b.id));
        Ok(badges)
    }

    async fn delete_badge(&self, tenant: TenantId, id: BadgeId) -> Result<bool, StoreError> {
        let Some(stored): Option<Badge> = self.get_doc(badges_pk(tenant), id.to_string(), "reading a badge").await? else {
            return Ok(false);
        };
        let items = vec![
            transact_delete(&self.table, key(badges_pk(tenant), id.to_string()), None)?,
            release(&self.table, token_pk(&stored.token), id)?,
        ];
        self.transact_settled("deleting a badge", items).await?;
        Ok(true)
    }
}

#[async_trait]
impl StatusSnapshots for DynamoStore {
    async fn put_snapshot(&self, snapshot: &PageSnapshot) -> Result<(), StoreError> {
        let mut item = doc_item(snapshot_pk(snapshot.tenant_id, snapshot.page_id), "SNAP".into(), snapshot).map_err(decode)?;
        let computed = n(snapshot.computed_at.as_millisecond());
        item.insert(COMPUTED_AT.to_owned(), computed.clone());
        // Of two computations racing, the later one stays.
        let later = Condition::on(
            "attribute_not_exists(#computed) OR #computed <= :computed",
            &[("#computed", COMPUTED_AT)],
            vec![(":computed", computed)],
        );
        self.put_if(item, later, "storing a snapshot").await?;
        Ok(())
    }

    async fn snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<Option<PageSnapshot>, StoreError> {
        let item = self.get_item(key(snapshot_pk(tenant, page), "SNAP"), Read::Eventual, &[DOC], "reading a snapshot").await?;
        item.as_ref().map(parse_doc).transpose().map_err(decode)
    }

    async fn delete_snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<(), StoreError> {
        self.delete_item(key(snapshot_pk(tenant, page), "SNAP"), "deleting a snapshot").await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_page_write_names_what_clashed() {
        assert_eq!(page_refusal(&[true, false, false], Some(1), Some(2)), PageWrite::Stale);
        assert_eq!(page_refusal(&[true, true, true], Some(1), Some(2)), PageWrite::Stale, "the same page stored twice");
        assert_eq!(page_refusal(&[false, true, false], Some(1), Some(2)), PageWrite::SlugTaken);
        assert_eq!(page_refusal(&[false, false, true], Some(1), Some(2)), PageWrite::DomainTaken);
        assert_eq!(page_refusal(&[false, true], None, None), PageWrite::Stale);
    }

    #[test]
    fn creation_keys_sort_as_time() {
        let early = created_sk(Timestamp::from_second(9).unwrap(), "b");
        let late = created_sk(Timestamp::from_second(10).unwrap(), "a");
        assert!(early < late);
    }
}
