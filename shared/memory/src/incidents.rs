//! Incidents and their timelines. One ongoing incident per subject, as the SQLite store's
//! unique index and the DynamoDB store's lock item keep it.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use crate::state::State;
use async_trait::async_trait;
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{IncidentQuery, IncidentStore, OpenOutcome, StoreError};

impl State {
    fn ongoing_of(&self, tenant: TenantId, subject: IncidentSubject) -> Option<Ongoing> {
        self.incidents
            .values()
            .find(|i| i.core().tenant_id == tenant && i.core().subject == subject && i.status() != IncidentStatus::Resolved)
            .cloned()
            .and_then(AnyIncident::ongoing)
    }

    /// Appends entries; an entry already stored is skipped.
    fn append_entries(&mut self, tenant: TenantId, entries: &[TimelineEntry]) {
        for entry in entries {
            self.timelines.entry((tenant, entry.incident_id)).or_default().entry(entry.id).or_insert_with(|| entry.clone());
        }
    }
}

#[async_trait]
impl IncidentStore for MemoryStore {
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        let mut state = self.state();
        let core = incident.core();
        if state.incidents.contains_key(&(core.tenant_id, core.id)) {
            return Ok(OpenOutcome::Duplicate);
        }
        if let Some(ongoing) = state.ongoing_of(core.tenant_id, core.subject) {
            return Ok(OpenOutcome::AlreadyOngoing(Box::new(ongoing)));
        }
        state.incidents.insert((core.tenant_id, core.id), AnyIncident::Open(incident.clone()));
        state.append_entries(core.tenant_id, entries);
        Ok(OpenOutcome::Opened)
    }

    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        Ok(self.state().incidents.get(&(tenant, id)).cloned())
    }

    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError> {
        Ok(self.state().ongoing_of(tenant, subject))
    }

    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        let mut state = self.state();
        let core = incident.core();
        match state.incidents.get_mut(&(core.tenant_id, core.id)) {
            None => Err(StoreError::NotFound),
            Some(stored) if stored.status() != expected => Err(StoreError::Conflict),
            Some(stored) => {
                *stored = incident.clone();
                state.append_entries(core.tenant_id, entries);
                Ok(())
            }
        }
    }

    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        self.state().append_entries(tenant, entries);
        Ok(())
    }

    async fn timeline(&self, tenant: TenantId, id: IncidentId, request: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        let state = self.state();
        let entries = state.timelines.get(&(tenant, id)).into_iter().flat_map(|t| t.values());
        page(entries.map(|e| ((e.at.as_millisecond(), e.id.as_uuid()), e.clone())), request, Order::Oldest)
    }

    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        let state = self.state();
        let matching = state.incidents.values().filter(|i| {
            let core = i.core();
            core.tenant_id == tenant
                && query.status.is_none_or(|status| i.status() == status)
                && query.subject.is_none_or(|subject| core.subject == subject)
                && query.opened_from.is_none_or(|from| core.opened_at >= from)
                && query.opened_before.is_none_or(|before| core.opened_at < before)
        });
        page(matching.map(|i| ((i.core().opened_at.as_millisecond(), i.core().id.as_uuid()), i.clone())), &query.page, Order::Newest)
    }
}
