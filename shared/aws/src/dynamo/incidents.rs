//! Incidents and their timelines ([`IncidentStore`]).

use super::DynamoStore;
use async_trait::async_trait;
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Open, TimelineEntry};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{IncidentQuery, IncidentStore, OpenOutcome, StoreError};

#[async_trait]
impl IncidentStore for DynamoStore {
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        todo!("{incident:?}{entries:?}")
    }
    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<AnyIncident>, StoreError> {
        todo!("{tenant}{subject:?}")
    }
    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        todo!("{incident:?}{expected:?}{entries:?}")
    }
    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        todo!("{tenant}{entries:?}")
    }
    async fn timeline(&self, tenant: TenantId, id: IncidentId, page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        todo!("{tenant}{id}{page:?}")
    }
    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        todo!("{tenant}{query:?}")
    }
}
