use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::toolkit::attributes::{ItemExt, s};
use super::super::toolkit::batch::delete_request;
use super::super::toolkit::errors::decode;
use super::item;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::accounts::{AuditEntry, AuditQuery};
use vigil_domain::ids::{AuditEntryId, TenantId};
use vigil_domain::page::{Cursor, Page};
use vigil_domain::ports::{AuditLog, StoreError};

/// Entries read per query step while filtering: filters other than time apply to documents.
const SCAN_STEP: usize = 200;

fn audit_pk(tenant: TenantId) -> String {
    format!("AUDIT#{tenant}")
}

/// Sort key: time then id, so the partition reads newest first backwards.
fn audit_sk(at: Timestamp, id: &str) -> String {
    format!("{:013}#{id}", at.as_millisecond().max(0))
}

#[async_trait]
impl AuditLog for DynamoStore {
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let stored = item(audit_pk(entry.tenant_id), audit_sk(entry.at, &entry.id.to_string()), entry, vec![])?;
        self.put_raw(stored, "appending to the audit log").await
    }

    async fn entries(&self, tenant: TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        let pk = audit_pk(tenant);
        let limit = query.page.limit as usize;
        let mut after = match &query.page.cursor {
            Some(cursor) => Some(cursor_position(cursor)?),
            None => query.until.map(|until| audit_sk(until, "")),
        };
        let since = query.since.map(|since| audit_sk(since, ""));
        let mut items = Vec::new();
        loop {
            let (batch, more) = self.query_prefix(&pk, "", false, after.clone(), SCAN_STEP, "reading the audit log").await?;
            for stored in &batch {
                let sk = stored.string("sk").map_err(decode)?.to_owned();
                if since.as_ref().is_some_and(|since| sk < *since) {
                    return Ok(Page { items, next_cursor: None });
                }
                after = Some(sk.clone());
                let entry: AuditEntry = parse_doc(stored).map_err(decode)?;
                if query.matches(&entry) {
                    items.push(entry);
                    if items.len() > limit {
                        items.pop();
                        let last = items.last().expect("a full page");
                        let cursor = base64_encode(audit_sk(last.at, &last.id.to_string()).as_bytes());
                        return Ok(Page { items, next_cursor: Some(Cursor(cursor)) });
                    }
                }
            }
            if !more {
                return Ok(Page { items, next_cursor: None });
            }
        }
    }

    async fn purge_audit(&self, tenant: TenantId, before: Timestamp) -> Result<u64, StoreError> {
        let pk = audit_pk(tenant);
        let cutoff = audit_sk(before, "");
        let mut purged = 0;
        loop {
            let (batch, more) = self.query_prefix(&pk, "", true, None, 500, "purging the audit log").await?;
            let old: Vec<_> = batch.iter().filter(|i| i.string("sk").is_ok_and(|sk| sk < cutoff.as_str())).collect();
            let deletes =
                old.iter().map(|i| delete_request(s(&pk), i["sk"].clone())).collect::<anyhow::Result<Vec<_>>>().map_err(decode)?;
            purged += deletes.len() as u64;
            let finished = deletes.len() < batch.len() || !more;
            self.write_batch(deletes, "purging the audit log").await?;
            if finished {
                return Ok(purged);
            }
        }
    }
}

/// The sort key a cursor continues after, if it is one this store issued.
fn cursor_position(cursor: &Cursor) -> Result<String, StoreError> {
    let sk = String::from_utf8(base64_decode(&cursor.0)?).map_err(|_| StoreError::InvalidCursor)?;
    let (millis, id) = sk.split_once('#').ok_or(StoreError::InvalidCursor)?;
    let well_formed = millis.len() == 13 && millis.bytes().all(|b| b.is_ascii_digit()) && id.parse::<AuditEntryId>().is_ok();
    if well_formed { Ok(sk) } else { Err(StoreError::InvalidCursor) }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn base64_decode(text: &str) -> Result<Vec<u8>, StoreError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| StoreError::InvalidCursor)
}
