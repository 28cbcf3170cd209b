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
use super::attributes::{Item, ItemExt, s};
use super::cursor;
use super::documents::{doc_item, parse_doc, put_request, sk_of};
use super::errors::{backend, decode};
use super::keys::{PK, SK};
use super::transactions::{Outcome, transact_put};
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use std::collections::HashMap;
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
        let Some(lock) = self.get_raw(incidents_pk(tenant), lock_sk(subject), "reading a subject's ongoing incident").await? else {
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
        let lock = HashMap::from([
            (PK.to_owned(), s(incidents_pk(core.tenant_id))),
            (SK.to_owned(), s(lock_sk(core.subject))),
            (ONGOING_ID.to_owned(), s(core.id.to_string())),
        ]);
        let mut writes = vec![
            transact_put(&self.table, incident_item(&any).map_err(decode)?, Some("attribute_not_exists(pk)"))?,
            transact_put(&self.table, lock, Some("attribute_not_exists(pk)"))?,
        ];
        for entry in unique(entries) {
            writes.push(transact_put(&self.table, entry_item(core.tenant_id, entry).map_err(decode)?, None)?);
        }
        // Besides races, the subject's ongoing incident may be resolved between the refusal
        // and reading it: then opening is tried again.
        for _ in 0..10 {
            match self.transact_settled("opening an incident", writes.clone()).await? {
                Outcome::Refused(failed) if failed.first() == Some(&true) => return Ok(OpenOutcome::Duplicate),
                Outcome::Refused(_) => {
                    if let Some(ongoing) = self.ongoing(core.tenant_id, core.subject).await? {
                        return Ok(OpenOutcome::AlreadyOngoing(Box::new(ongoing)));
                    }
                }
                _ => return Ok(OpenOutcome::Opened),
            }
        }
        Err(StoreError::Conflict)
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
        let update = Update::builder()
            .table_name(&self.table)
            .key(PK, item[PK].clone())
            .key(SK, item[SK].clone())
            .update_expression("SET #doc = :doc, #state = :state, #subject = :subject")
            .condition_expression("#state = :expected")
            .expression_attribute_names("#doc", super::documents::DOC)
            .expression_attribute_names("#state", STATE)
            .expression_attribute_names("#subject", SUBJECT)
            .expression_attribute_values(":doc", item[super::documents::DOC].clone())
            .expression_attribute_values(":state", item[STATE].clone())
            .expression_attribute_values(":subject", item[SUBJECT].clone())
            .expression_attribute_values(":expected", s(expected.as_str()))
            .build()
            .map_err(|e| decode(e.into()))?;
        let mut writes = vec![TransactWriteItem::builder().update(update).build()];
        if incident.status() == IncidentStatus::Resolved {
            // Frees the subject for its next incident, but never another incident's lock.
            let delete = Delete::builder()
                .table_name(&self.table)
                .key(PK, s(incidents_pk(core.tenant_id)))
                .key(SK, s(lock_sk(core.subject)))
                .condition_expression("attribute_not_exists(#id) OR #id = :id")
                .expression_attribute_names("#id", ONGOING_ID)
                .expression_attribute_values(":id", s(core.id.to_string()))
                .build()
                .map_err(|e| decode(e.into()))?;
            writes.push(TransactWriteItem::builder().delete(delete).build());
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
        let after = page.cursor.as_ref().map(|c| cursor::decode(c, |text| text.starts_with(ENTRY))).transpose()?;
        let (items, more) =
            self.query_prefix(&timeline_pk(tenant, id), ENTRY, true, after, page.limit as usize, "reading a timeline").await?;
        let next_cursor = match items.last() {
            Some(last) if more => Some(cursor::encode(&sk_of(last)?)),
            _ => None,
        };
        let items = items.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)?;
        Ok(Page { items, next_cursor })
    }

    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        let pk = incidents_pk(tenant);
        let low = query.opened_from.map_or_else(|| INCIDENT.to_owned(), |from| first_sk_at(from.as_millisecond()));
        let high = query.opened_before.map_or_else(|| format!("{INCIDENT}~"), |before| first_sk_at(before.as_millisecond()));
        let before = query.page.cursor.as_ref().map(|c| cursor::decode(c, |text| text.starts_with(INCIDENT))).transpose()?;
        let mut start = before.map(|sk| HashMap::from([(PK.to_owned(), s(&pk)), (SK.to_owned(), s(sk))]));
        let limit = query.page.limit as usize;
        let mut filters = Vec::new();
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(&pk))
            .expression_attribute_values(":low", s(low))
            .expression_attribute_values(":high", s(high))
            .scan_index_forward(false);
        if let Some(status) = query.status {
            filters.push("#state = :state");
            request = request.expression_attribute_names("#state", STATE).expression_attribute_values(":state", s(status.as_str()));
        }
        if let Some(subject) = query.subject {
            filters.push("#subject = :subject");
            request =
                request.expression_attribute_names("#subject", SUBJECT).expression_attribute_values(":subject", s(subject_key(subject)));
        }
        if !filters.is_empty() {
            request = request.filter_expression(filters.join(" AND "));
        }
        let mut rows: Vec<Item> = Vec::new();
        loop {
            let output = request
                .clone()
                .limit(((limit + 1 - rows.len()) * 4).clamp(10, 1000) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| backend("listing incidents", e))?;
            rows.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() && rows.len() <= limit => start = Some(key),
                _ => break,
            }
        }
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = match rows.last() {
            Some(last) if more => Some(cursor::encode(&sk_of(last)?)),
            _ => None,
        };
        let items = rows.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)?;
        Ok(Page { items, next_cursor })
    }
}
