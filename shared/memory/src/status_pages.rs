//! Status pages (slugs and domains unique across tenants), public incidents, subscribers (one
//! per address and page), badges (tokens unique across tenants) and snapshots.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use async_trait::async_trait;
use vigil_domain::accounts::Email;
use vigil_domain::ids::{BadgeId, PublicIncidentId, StatusPageId, SubscriberId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Badges, IncidentWrite, PageWrite, PublicIncidents, StatusPages, StatusSnapshots, StoreError, Subscribers};
use vigil_domain::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};

impl crate::state::State {
    /// Whether another page than `page` holds its slug or its domain.
    fn page_clash(&self, page: &StatusPage) -> Option<PageWrite> {
        let others = || self.status_pages.values().filter(|p| p.id != page.id);
        if others().any(|p| p.slug == page.slug) {
            return Some(PageWrite::SlugTaken);
        }
        if page.custom_domain.is_some() && others().any(|p| p.custom_domain == page.custom_domain) {
            return Some(PageWrite::DomainTaken);
        }
        None
    }
}

#[async_trait]
impl StatusPages for MemoryStore {
    async fn insert_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let mut state = self.state();
        if state.status_pages.values().any(|p| p.id == page.id) {
            return Ok(PageWrite::Stale);
        }
        if let Some(clash) = state.page_clash(page) {
            return Ok(clash);
        }
        state.status_pages.insert((page.tenant_id, page.id), page.clone());
        Ok(PageWrite::Written)
    }

    async fn page(&self, tenant: TenantId, id: StatusPageId) -> Result<Option<StatusPage>, StoreError> {
        Ok(self.state().status_pages.get(&(tenant, id)).cloned())
    }

    async fn pages(&self, tenant: TenantId) -> Result<Vec<StatusPage>, StoreError> {
        let mut pages: Vec<StatusPage> = self.state().status_pages.values().filter(|p| p.tenant_id == tenant).cloned().collect();
        pages.sort_by_key(|p| (p.created_at, p.id));
        Ok(pages)
    }

    async fn update_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let mut state = self.state();
        match state.status_pages.get(&(page.tenant_id, page.id)) {
            Some(stored) if stored.revision + 1 == page.revision => {}
            Some(_) => return Ok(PageWrite::Stale),
            None => return Err(StoreError::NotFound),
        }
        if let Some(clash) = state.page_clash(page) {
            return Ok(clash);
        }
        state.status_pages.insert((page.tenant_id, page.id), page.clone());
        Ok(PageWrite::Written)
    }

    async fn delete_page(&self, tenant: TenantId, id: StatusPageId) -> Result<bool, StoreError> {
        Ok(self.state().status_pages.remove(&(tenant, id)).is_some())
    }

    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError> {
        Ok(self.state().status_pages.values().find(|p| p.slug.as_str() == slug).cloned())
    }

    async fn page_by_domain(&self, domain: &str) -> Result<Option<StatusPage>, StoreError> {
        Ok(self.state().status_pages.values().find(|p| p.custom_domain.as_ref().is_some_and(|d| d.as_str() == domain)).cloned())
    }
}

#[async_trait]
impl PublicIncidents for MemoryStore {
    async fn put_incident(&self, incident: &PublicIncident) -> Result<IncidentWrite, StoreError> {
        let mut state = self.state();
        let key = (incident.tenant_id, incident.id);
        let stored = state.public_incidents.get(&key).map(|i| i.revision);
        let outcome = match (stored, incident.revision) {
            (None, 1) => IncidentWrite::Written,
            (Some(_), 1) => IncidentWrite::Duplicate,
            (Some(rev), new) if rev + 1 == new => IncidentWrite::Written,
            (None, _) => return Err(StoreError::NotFound),
            _ => IncidentWrite::Stale,
        };
        if outcome == IncidentWrite::Written {
            state.public_incidents.insert(key, incident.clone());
        }
        Ok(outcome)
    }

    async fn incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError> {
        Ok(self.state().public_incidents.get(&(tenant, id)).cloned())
    }

    async fn incidents(&self, tenant: TenantId, page_id: StatusPageId, request: &PageRequest) -> Result<Page<PublicIncident>, StoreError> {
        let state = self.state();
        let incidents = state.public_incidents.values().filter(|i| i.tenant_id == tenant && i.page_id == page_id);
        page(incidents.map(|i| ((i.created_at.as_millisecond(), i.id.as_uuid()), i.clone())), request, Order::Newest)
    }

    async fn delete_incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<bool, StoreError> {
        Ok(self.state().public_incidents.remove(&(tenant, id)).is_some())
    }
}

#[async_trait]
impl Subscribers for MemoryStore {
    async fn insert_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let mut state = self.state();
        let taken = subscriber
            .email()
            .is_some_and(|address| state.subscribers.values().any(|s| s.page_id == subscriber.page_id && s.email() == Some(address)));
        if taken || state.subscribers.contains_key(&(subscriber.tenant_id, subscriber.id)) {
            return Err(StoreError::Conflict);
        }
        state.subscribers.insert((subscriber.tenant_id, subscriber.id), subscriber.clone());
        Ok(())
    }

    async fn subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<Option<Subscriber>, StoreError> {
        Ok(self.state().subscribers.get(&(tenant, id)).cloned())
    }

    async fn subscriber_by_email(
        &self,
        tenant: TenantId,
        page_id: StatusPageId,
        address: &Email,
    ) -> Result<Option<Subscriber>, StoreError> {
        Ok(self.state().subscribers.values().find(|s| s.tenant_id == tenant && s.page_id == page_id && s.email() == Some(address)).cloned())
    }

    async fn update_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let mut state = self.state();
        match state.subscribers.get_mut(&(subscriber.tenant_id, subscriber.id)) {
            Some(stored) => {
                *stored = subscriber.clone();
                Ok(())
            }
            None => Err(StoreError::NotFound),
        }
    }

    async fn delete_subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<bool, StoreError> {
        Ok(self.state().subscribers.remove(&(tenant, id)).is_some())
    }

    async fn subscribers(&self, tenant: TenantId, page_id: StatusPageId, request: &PageRequest) -> Result<Page<Subscriber>, StoreError> {
        let state = self.state();
        let subscribers = state.subscribers.values().filter(|s| s.tenant_id == tenant && s.page_id == page_id);
        page(subscribers.map(|s| ((s.created_at.as_millisecond(), s.id.as_uuid()), s.clone())), request, Order::Oldest)
    }
}

#[async_trait]
impl Badges for MemoryStore {
    async fn insert_badge(&self, badge: &Badge) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.badges.values().any(|b| b.token == badge.token || b.id == badge.id) {
            return Err(StoreError::Conflict);
        }
        state.badges.insert((badge.tenant_id, badge.id), badge.clone());
        Ok(())
    }

    async fn badge_by_token(&self, token: &str) -> Result<Option<Badge>, StoreError> {
        Ok(self.state().badges.values().find(|b| b.token == token).cloned())
    }

    async fn badges(&self, tenant: TenantId) -> Result<Vec<Badge>, StoreError> {
        let mut badges: Vec<Badge> = self.state().badges.values().filter(|b| b.tenant_id == tenant).cloned().collect();
        badges.sort_by_key(|b| (b.created_at, b.id));
        Ok(badges)
    }

    async fn delete_badge(&self, tenant: TenantId, id: BadgeId) -> Result<bool, StoreError> {
        Ok(self.state().badges.remove(&(tenant, id)).is_some())
    }
}

#[async_trait]
impl StatusSnapshots for MemoryStore {
    async fn put_snapshot(&self, snapshot: &PageSnapshot) -> Result<(), StoreError> {
        let mut state = self.state();
        let key = (snapshot.tenant_id, snapshot.page_id);
        if state.snapshots.get(&key).is_none_or(|stored| stored.computed_at <= snapshot.computed_at) {
            state.snapshots.insert(key, snapshot.clone());
        }
        Ok(())
    }

    async fn snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<Option<PageSnapshot>, StoreError> {
        Ok(self.state().snapshots.get(&(tenant, page)).cloned())
    }

    async fn delete_snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<(), StoreError> {
        self.state().snapshots.remove(&(tenant, page));
        Ok(())
    }
}
