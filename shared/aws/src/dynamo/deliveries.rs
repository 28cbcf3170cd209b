//! Deliveries and their attempts ([`DeliveryLog`]) and pending ones by due time
//! ([`DeliveryDueIndex`]).
//!
//! - A delivery is a document in its tenant's delivery partition (`DLV#<tenant>`, sk `D#<id>`),
//!   carrying its attempt count for conditions and, while pending, its next attempt time in the
//!   shared `due` index (family `DD#`).
//! - Its idempotency key is an item beside it (sk `K#<key>`), put with `attribute_not_exists`
//!   in the delivery's own transaction: a second delivery of one transition to one channel is
//!   refused by the store.
//! - The incident's partition (`TL#<tenant>#<incident>`) holds a reference per delivery, in
//!   creation order; failed deliveries get a copy under `F#<created>#<id>`, newest listed first.
//! - Attempts live in the delivery's own partition (`DA#<tenant>#<delivery>`).

use super::DynamoStore;
use super::documents::{DOC, doc_item, index_due, parse_doc};
use super::keys::DUE_AT;
use super::toolkit::attributes::{Item, ItemExt, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_put, transact_put_new};
use super::toolkit::update::Update;
use crate::dynamo::client::AttributeValue;
use anyhow::Context;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::notify::{Delivery, DeliveryAttempt, DeliveryStatus};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryDueIndex, DeliveryLog, EnqueueOutcome, StoreError};

const DELIVERY: &str = "D#";
const FAILED: &str = "F#";
const ATTEMPT: &str = "A#";
/// The due-index family of pending deliveries.
const DUE_FAMILY: &str = "DD#";
/// Attempts recorded, for conditions.
const ATTEMPTS: &str = "attempts";
/// On a reference item: the delivery's id.
const DELIVERY_ID: &str = "delivery";

fn deliveries_pk(tenant: TenantId) -> String {
    format!("DLV#{tenant}")
}

fn delivery_sk(id: DeliveryId) -> String {
    format!("{DELIVERY}{id}")
}

fn incident_pk(tenant: TenantId, incident: IncidentId) -> String {
    format!("TL#{tenant}#{incident}")
}

fn ordered_suffix(delivery: &Delivery) -> String {
    format!("{:013}#{}", delivery.created_at.as_millisecond(), delivery.id)
}

fn attempts_pk(tenant: TenantId, id: DeliveryId) -> String {
    format!("DA#{tenant}#{id}")
}

fn delivery_item(delivery: &Delivery) -> anyhow::Result<Item> {
    let mut item = doc_item(deliveries_pk(delivery.tenant_id), delivery_sk(delivery.id), delivery)?;
    item.insert(ATTEMPTS.to_owned(), n(delivery.attempts));
    if let (DeliveryStatus::Pending, Some(due)) = (delivery.status, delivery.next_attempt_at) {
        index_due(&mut item, DUE_FAMILY, delivery.id.as_uuid().as_bytes()[15], due);
    }
    Ok(item)
}

impl DynamoStore {
    /// Moves a claimed delivery's due time to `until`, in the index and in its document.
    fn lease_changes(item: &Item, until: Timestamp) -> anyhow::Result<Vec<(&'static str, AttributeValue)>> {
        let mut delivery: Delivery = parse_doc(item)?;
        delivery.next_attempt_at = Some(until);
        Ok(vec![(DOC, s(serde_json::to_string(&delivery).context("encoding a delivery")?))])
    }

    fn leased(items: Vec<Item>, until: Timestamp) -> Result<Vec<Delivery>, StoreError> {
        items
            .iter()
            .map(|item| {
                let mut delivery: Delivery = parse_doc(item)?;
                delivery.next_attempt_at = Some(until);
                Ok(delivery)
            })
            .collect::<anyhow::Result<_>>()
            .map_err(decode)
    }
}

#[async_trait]
impl DeliveryLog for DynamoStore {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        let tenant = delivery.tenant_id;
        let key = doc_item(deliveries_pk(tenant), format!("K#{}", delivery.idempotency_key()), &delivery.id).map_err(decode)?;
        let mut reference =
            doc_item(incident_pk(tenant, IncidentId::from_uuid(delivery.about())), format!("{DELIVERY}{}", ordered_suffix(delivery)), &())
                .map_err(decode)?;
        reference.insert(DELIVERY_ID.to_owned(), s(delivery.id.to_string()));
        let writes = vec![
            transact_put_new(&self.table, key)?,
            transact_put_new(&self.table, delivery_item(delivery).map_err(decode)?)?,
            transact_put(&self.table, reference, None)?,
        ];
        match self.transact_settled("enqueueing a delivery", writes).await? {
            Outcome::Refused(_) => Ok(EnqueueOutcome::Duplicate),
            _ => Ok(EnqueueOutcome::Enqueued),
        }
    }

    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.get_doc(deliveries_pk(tenant), delivery_sk(id), "reading a delivery").await
    }

    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        let tenant = delivery.tenant_id;
        let previous = delivery.attempts.saturating_sub(1);
        let mut guard = Update::default();
        guard.require_equal(ATTEMPTS, n(previous));
        let mut writes = vec![
            transact_put(&self.table, delivery_item(delivery).map_err(decode)?, Some(guard))?,
            transact_put(
                &self.table,
                doc_item(attempts_pk(tenant, delivery.id), format!("{ATTEMPT}{:06}", attempt.number), attempt).map_err(decode)?,
                None,
            )?,
        ];
        if delivery.status == DeliveryStatus::Failed {
            let copy = doc_item(deliveries_pk(tenant), format!("{FAILED}{}", ordered_suffix(delivery)), delivery).map_err(decode)?;
            writes.push(transact_put(&self.table, copy, None)?);
        }
        match self.transact_settled("recording a delivery attempt", writes).await? {
            Outcome::Refused(_) => {
                let exists = DeliveryLog::get(self, tenant, delivery.id).await?.is_some();
                Err(if exists { StoreError::Conflict } else { StoreError::NotFound })
            }
            _ => Ok(()),
        }
    }

    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        let references = self
            .query_all(
                &KeyQuery::partition(incident_pk(tenant, incident), "listing an incident's deliveries").prefix(DELIVERY).consistent(),
            )
            .await?;
        let mut deliveries = Vec::with_capacity(references.len());
        for reference in references {
            let id: DeliveryId = reference.string(DELIVERY_ID).and_then(|id| id.parse().context("a delivery id")).map_err(decode)?;
            if let Some(delivery) = DeliveryLog::get(self, tenant, id).await? {
                deliveries.push(delivery);
            }
        }
        Ok(deliveries)
    }

    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.all_docs(&attempts_pk(tenant, id), ATTEMPT, "reading delivery attempts").await
    }

    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        self.doc_page(&deliveries_pk(tenant), FAILED, true, page, "listing failed deliveries").await
    }
}

#[async_trait]
impl DeliveryDueIndex for DynamoStore {
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let until = now + lease;
        let items =
            self.claim_family(DUE_FAMILY, now, until, limit, |item| Self::lease_changes(item, until), "claiming due deliveries").await?;
        Self::leased(items, until)
    }

    async fn claim(&self, tenant: TenantId, id: DeliveryId, now: Timestamp, lease: SignedDuration) -> Result<Option<Delivery>, StoreError> {
        let item_key = key(deliveries_pk(tenant), delivery_sk(id));
        let Some(item) = self.get_item(item_key.clone(), Read::Strong, &[], "reading a delivery").await? else { return Ok(None) };
        let delivery: Delivery = parse_doc(&item).map_err(decode)?;
        let due = match (delivery.status, delivery.next_attempt_at) {
            (DeliveryStatus::Pending, Some(due)) if due <= now => due,
            _ => return Ok(None),
        };
        let until = now + lease;
        let mut update = Update::default();
        update.set(DUE_AT, n(until.as_millisecond()));
        for (name, value) in Self::lease_changes(&item, until).map_err(decode)? {
            update.set(name, value);
        }
        update.require_equal(DUE_AT, n(due.as_millisecond())).require_equal(ATTEMPTS, n(delivery.attempts));
        let claimed = self.update_item(item_key, update, "claiming a delivery").await?;
        Ok(claimed.then_some(Delivery { next_attempt_at: Some(until), ..delivery }))
    }
}
