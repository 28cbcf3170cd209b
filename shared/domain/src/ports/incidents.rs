use super::StoreError;
use crate::ids::{IncidentId, TenantId};
use crate::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;
use jiff::Timestamp;

/// What opening an incident did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenOutcome {
    /// Stored: it is the subject's ongoing incident now.
    Opened,
    /// The subject already has an ongoing incident (this one): nothing was written.
    AlreadyOngoing(Box<Ongoing>),
    /// An incident with this id exists (a redelivered event): nothing was written.
    Duplicate,
}

/// Filters for listing incidents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentQuery {
    /// Only incidents in this status.
    pub status: Option<IncidentStatus>,
    /// Only incidents of this monitor or task.
    pub subject: Option<IncidentSubject>,
    /// Only incidents opened at or after this time.
    pub opened_from: Option<Timestamp>,
    /// Only incidents opened before this time.
    pub opened_before: Option<Timestamp>,
    /// Which page.
    pub page: PageRequest,
}

/// Incidents and their timelines.
///
/// A subject has at most one ongoing (open or acknowledged) incident, and the store enforces
/// it: SQLite with a unique partial index, DynamoDB with a conditional put of a per-subject
/// lock item in the same transaction as the incident.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Stores a new incident with its first timeline entries, unless its subject already has an
    /// ongoing incident or an incident with its id exists. Concurrent openings for one subject:
    /// exactly one is [`OpenOutcome::Opened`].
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError>;

    /// Reads an incident of `tenant`.
    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError>;

    /// The subject's ongoing incident, if any.
    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError>;

    /// Replaces the incident's state if it is still `expected` ([`StoreError::Conflict`]
    /// otherwise, [`StoreError::NotFound`] if it does not exist), appending `entries` in the same
    /// write. A resolution frees the subject for its next incident.
    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError>;

    /// Appends entries to an incident's timeline; an entry whose id is already stored is
    /// skipped, so appending is idempotent.
    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError>;

    /// An incident's timeline, oldest first.
    async fn timeline(&self, tenant: TenantId, id: IncidentId, page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError>;

    /// Lists incidents, newest opening first.
    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError>;
}
