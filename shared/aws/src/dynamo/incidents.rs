//! Incidents and their timelines ([`IncidentStore`]).
//!
//! - An incident is a document in its tenant's incident partition (`INC#<tenant>`, sk
//!   `I#<id>`). Incident ids start with their opening millisecond, so `sk` order is opening
//!   order and a time range is a key range.
//! - The subject's ongoing incident is a lock item beside them (sk `ON#<kind>#<uuid>`), put with
//!   `attribute_not_exists` in the same transaction as the incident and deleted in the same
//!   transaction as the resolution: the store, not the caller, keeps one ongoing incident per
//!   subject.
//! - Timeline entries live in the incident's own partition (`TL#<tenant>#<incident>`, sk
//!   `E#<ms>#<entry>`), written in the transaction of the change they record.

use super::DynamoStore;
use super::documents::{DOC, doc_item, parse_doc, sk_of};
use super::toolkit::attributes::{Item, ItemExt, s};
use super::toolkit::batch::put_request;
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Attempt, Outcome, settle, transact_delete, transact_put, transact_put_new, transact_update};
use super::toolkit::update::Update;
use anyhow::Context;
use async_trait::async_trait;
use vigil_domain::ids::{IncidentId, TenantId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{IncidentQuery, IncidentStore, OpenOutcome, StoreError};

const INCIDENT: &str = "I#";
const ENTRY: &str = "E#";
/// The incident's status, for conditions and filters.
const STATE: &str = "state";
/// The incident's subject (`<kind>#<uuid>`), for filters.
const SUBJECT: &str = "subject";
/// On a lock item: the ongoing incident's id.
const ONGOING_ID: &str = "incident";

fn incidents_pk(tenant: TenantId) -> String {
    format!("INC#{tenant}")
}

fn incident_sk(id: IncidentId) -> String {
    format!("{INCIDENT}{id}")
}

fn subject_key(subject: IncidentSubject) -> String {
    format!("{}#{}", subject.kind(), subject.uuid())
}

fn lock_sk(subject: IncidentSubject) -> String {
    format!("ON#{}", subject_key(subject))
}

fn timeline_pk(tenant: TenantId, incident: IncidentId) -> String {
    format!("TL#{tenant}#{incident}")
}

/// The smallest incident id of millisecond `ms`, as the `sk` bound of a time range.
fn first_sk_at(ms: i64) -> String {
    let ms = ms.clamp(0, (1 << 48) - 1) as u64;
    format!("{INCIDENT}{:08x}-{:04x}-0000-0000-000000000000", ms >> 16, ms & 0xffff)
}

fn incident_item(incident: &AnyIncident) -> anyhow::Result<Item> {
    let core = incident.core();
    let mut item = doc_item(incidents_pk(core.tenant_id), incident_sk(core.id), incident)?;
    item.insert(STATE.to_owned(), s(incident.status().as_str()));
    item.insert(SUBJECT.to_owned(), s(subject_key(core.subject)));
    Ok(item)
}

fn entry_item(tenant: TenantId, entry: &TimelineEntry) -> anyhow::Result<Item> {
    let sk = format!("{ENTRY}{:013}#{}", entry.at.as_millisecond(), entry.id);
    doc_item(timeline_pk(tenant, entry.incident_id), sk, entry)
}

/// `entries` without repeats: one request may not name an item twice.
fn unique(entries: &[TimelineEntry]) -> impl Iterator<Item = &TimelineEntry> {
    let mut seen = std::collections::HashSet::new();
    entries.iter().filter(move |entry| seen.insert(entry.id))
}

impl DynamoStore {
    async fn ongoing_lock(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<IncidentId>, StoreError> {
        let lock_key = key(incidents_pk(tenant), lock_sk(subject));
        let Some(lock) = self.get_item(lock_key, Read::Strong, &[], "reading a subject's ongoing incident").await? else {
            return Ok(None);
        };
        let id = lock.string(ONGOING_ID).and_then(|id| id.parse().context("a lock's incident id")).map_err(decode)?;
        Ok(Some(id))
    }
}

#[async_trait]
impl IncidentStore for DynamoStore {
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        let core = incident.core();
        let any = AnyIncident::Open(incident.clone());
        let mut lock = key(incidents_pk(core.tenant_id), lock_sk(core.subject));
        lock.insert(ONGOING_ID.to_owned(), s(core.id.to_string()));
        let mut writes = vec![transact_put_new(&self.table, incident_item(&any).map_err(decode)?)?, transact_put_new(&self.table, lock)?];
        for entry in unique(entries) {
            writes.push(transact_put(&self.table, entry_item(core.tenant_id, entry).map_err(decode)?, None)?);
        }
        // Besides races, the subject's ongoing incident may be resolved between the refusal
        // and reading it: then opening is tried again.
        settle(|| async {
            Ok(match self.transact("opening an incident", writes.clone()).await? {
                Outcome::Written => Attempt::Done(OpenOutcome::Opened),
                Outcome::Refused(failed) if failed.first() == Some(&true) => Attempt::Done(OpenOutcome::Duplicate),
                Outcome::Refused(_) => match self.ongoing(core.tenant_id, core.subject).await? {
                    Some(ongoing) => Attempt::Done(OpenOutcome::AlreadyOngoing(Box::new(ongoing))),
                    None => Attempt::Again,
                },
                Outcome::Raced => Attempt::Again,
            })
        })
        .await
    }

    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        self.get_doc(incidents_pk(tenant), incident_sk(id), "reading an incident").await
    }

    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError> {
        match self.ongoing_lock(tenant, subject).await? {
            // The lock goes in the transaction that resolves its incident, so this is ongoing.
            Some(id) => Ok(IncidentStore::get(self, tenant, id).await?.and_then(AnyIncident::ongoing)),
            None => Ok(None),
        }
    }

    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        let core = incident.core();
        let item = incident_item(incident).map_err(decode)?;
        let mut update = Update::default();
        for (attribute, value) in item.into_iter().filter(|(attribute, _)| [DOC, STATE, SUBJECT].contains(&attribute.as_str())) {
            update.set(&attribute, value);
        }
        update.require_equal(STATE, s(expected.as_str()));
        let mut writes = vec![transact_update(&self.table, key(incidents_pk(core.tenant_id), incident_sk(core.id)), update)?];
        if incident.status() == IncidentStatus::Resolved {
            // Frees the subject for its next incident, but never another incident's lock.
            let mut guard = Update::default();
            guard.require_absent_or_equal(ONGOING_ID, s(core.id.to_string()));
            writes.push(transact_delete(&self.table, key(incidents_pk(core.tenant_id), lock_sk(core.subject)), Some(guard))?);
        }
        for entry in unique(entries) {
            writes.push(transact_put(&self.table, entry_item(core.tenant_id, entry).map_err(decode)?, None)?);
        }
        match self.transact_settled("changing an incident", writes).await? {
            Outcome::Refused(_) => {
                let exists = IncidentStore::get(self, core.tenant_id, core.id).await?.is_some();
                Err(if exists { StoreError::Conflict } else { StoreError::NotFound })
            }
            _ => Ok(()),
        }
    }

    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        // An entry's key is its time and id, so writing it again rewrites the same item.
        let requests = unique(entries)
            .map(|entry| entry_item(tenant, entry).and_then(put_request))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(decode)?;
        self.write_batch(requests, "appending to a timeline").await
    }

    async fn timeline(&self, tenant: TenantId, id: IncidentId, page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        self.doc_page(&timeline_pk(tenant, id), ENTRY, false, page, "reading a timeline").await
    }

    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        let low = query.opened_from.map_or_else(|| INCIDENT.to_owned(), |from| first_sk_at(from.as_millisecond()));
        let high = query.opened_before.map_or_else(|| format!("{INCIDENT}~"), |before| first_sk_at(before.as_millisecond()));
        let before = query.page.cursor.as_ref().map(|c| cursor::decode(c, |text| text.starts_with(INCIDENT))).transpose()?;
        let mut read = KeyQuery::partition(incidents_pk(tenant), "listing incidents").between(low, high).newest_first().after_sk(before);
        if let Some(status) = query.status {
            read = read.only(STATE, s(status.as_str()));
        }
        if let Some(subject) = query.subject {
            read = read.only(SUBJECT, s(subject_key(subject)));
        }
        self.page(&read, query.page.limit as usize, parse_doc, sk_of).await
    }
}
