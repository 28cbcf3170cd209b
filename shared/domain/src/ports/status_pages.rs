use super::StoreError;
use crate::accounts::Email;
use crate::ids::{BadgeId, PublicIncidentId, StatusPageId, SubscriberId, TenantId};
use crate::page::{Page, PageRequest};
use crate::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};
use async_trait::async_trait;

/// What a write of a page did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageWrite {
    /// Stored.
    Written,
    /// Another page (of any organisation) has this slug: nothing was written.
    SlugTaken,
    /// Another page (of any organisation) has this domain: nothing was written.
    DomainTaken,
    /// The page changed since it was read (or, for an insert, its id exists): nothing was
    /// written.
    Stale,
}

/// Status pages with their components. Slugs and domains are unique across every
/// organisation: `/status/<slug>` and a `Host` header name one page.
#[async_trait]
pub trait StatusPages: Send + Sync {
    /// Stores a new page (revision 1).
    async fn insert_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError>;

    /// Reads a page of `tenant`.
    async fn page(&self, tenant: TenantId, id: StatusPageId) -> Result<Option<StatusPage>, StoreError>;

    /// Every page of `tenant`, oldest first.
    async fn pages(&self, tenant: TenantId) -> Result<Vec<StatusPage>, StoreError>;

    /// Replaces a page if the stored one is at `page.revision - 1`, moving its slug and domain
    /// if they changed.
    async fn update_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError>;

    /// Deletes a page, freeing its slug and domain; whether it existed.
    async fn delete_page(&self, tenant: TenantId, id: StatusPageId) -> Result<bool, StoreError>;

    /// The page served at `/status/<slug>`, whatever its organisation.
    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError>;

    /// The page served on host `domain`, whatever its organisation.
    async fn page_by_domain(&self, domain: &str) -> Result<Option<StatusPage>, StoreError>;
}

/// What a write of a public incident did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentWrite {
    /// Stored.
    Written,
    /// An insert whose id exists (a post published twice): nothing was written.
    Duplicate,
    /// The incident changed since it was read: nothing was written.
    Stale,
}

/// Public incidents, by page.
#[async_trait]
pub trait PublicIncidents: Send + Sync {
    /// Stores an incident: a new one at revision 1 (a [`IncidentWrite::Duplicate`] if its id
    /// exists), a changed one if the stored one is at `incident.revision - 1`.
    async fn put_incident(&self, incident: &PublicIncident) -> Result<IncidentWrite, StoreError>;

    /// Reads an incident of `tenant`.
    async fn incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError>;

    /// A page's incidents, newest first.
    async fn incidents(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<PublicIncident>, StoreError>;

    /// Deletes an incident; whether it existed.
    async fn delete_incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<bool, StoreError>;
}

/// Subscribers, by page; one per address and page.
#[async_trait]
pub trait Subscribers: Send + Sync {
    /// Stores a new subscriber; [`StoreError::Conflict`] if the page has one with its address.
    async fn insert_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError>;

    /// Reads a subscriber of `tenant`.
    async fn subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<Option<Subscriber>, StoreError>;

    /// The subscriber of `page` at `address`.
    async fn subscriber_by_email(&self, tenant: TenantId, page: StatusPageId, address: &Email) -> Result<Option<Subscriber>, StoreError>;

    /// Replaces a subscriber (its address never changes).
    async fn update_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError>;

    /// Deletes a subscriber; whether it existed.
    async fn delete_subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<bool, StoreError>;

    /// A page's subscribers, oldest first.
    async fn subscribers(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<Subscriber>, StoreError>;
}

/// Badges; tokens are unique across every organisation.
#[async_trait]
pub trait Badges: Send + Sync {
    /// Stores a new badge; [`StoreError::Conflict`] if its token exists.
    async fn insert_badge(&self, badge: &Badge) -> Result<(), StoreError>;

    /// The badge with `token`, whatever its organisation.
    async fn badge_by_token(&self, token: &str) -> Result<Option<Badge>, StoreError>;

    /// Every badge of `tenant`, oldest first.
    async fn badges(&self, tenant: TenantId) -> Result<Vec<Badge>, StoreError>;

    /// Deletes a badge (its token stops working); whether it existed.
    async fn delete_badge(&self, tenant: TenantId, id: BadgeId) -> Result<bool, StoreError>;
}

/// The snapshot of each page, as last computed.
#[async_trait]
pub trait StatusSnapshots: Send + Sync {
    /// Stores a page's snapshot in place of the one before, unless the stored one was computed
    /// later (two computations racing keep the newer).
    async fn put_snapshot(&self, snapshot: &PageSnapshot) -> Result<(), StoreError>;

    /// A page's snapshot.
    async fn snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<Option<PageSnapshot>, StoreError>;

    /// Deletes a page's snapshot.
    async fn delete_snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<(), StoreError>;
}
