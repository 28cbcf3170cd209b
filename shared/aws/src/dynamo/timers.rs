//! Escalation and reminder timers ([`TimerIndex`]): one item per incident, rule and slot
//! (`TM#<tenant>#<incident>`, sk `<rule>#<slot>`), in the shared `due` index (family `TM#`).

use super::DynamoStore;
use super::documents::{doc_item, index_due, parse_doc};
use super::toolkit::attributes::Item;
use super::toolkit::attributes::s;
use super::toolkit::batch::{delete_request, put_request};
use super::toolkit::errors::decode;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::notify::Timer;
use vigil_domain::ports::{StoreError, TimerIndex};

const DUE_FAMILY: &str = "TM#";

fn timer_key(timer: &Timer) -> (String, String) {
    (format!("TM#{}#{}", timer.tenant_id, timer.incident_id), format!("{}#{}", timer.rule_id, timer.slot()))
}

fn timer_item(timer: &Timer) -> anyhow::Result<Item> {
    let (pk, sk) = timer_key(timer);
    let mut item = doc_item(pk, sk, timer)?;
    index_due(&mut item, DUE_FAMILY, timer.incident_id.as_uuid().as_bytes()[15] ^ timer.rule_id.as_uuid().as_bytes()[15], timer.due_at);
    Ok(item)
}

#[async_trait]
impl TimerIndex for DynamoStore {
    async fn schedule(&self, timers: &[Timer]) -> Result<(), StoreError> {
        let requests =
            timers.iter().map(|timer| timer_item(timer).and_then(put_request)).collect::<anyhow::Result<Vec<_>>>().map_err(decode)?;
        self.write_batch(requests, "scheduling timers").await
    }

    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Timer>, StoreError> {
        let items = self.claim_family(DUE_FAMILY, now, now + lease, limit, |_| Ok(Vec::new()), "claiming due timers").await?;
        items.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)
    }

    async fn complete(&self, claimed: &Timer, next: Option<&Timer>) -> Result<(), StoreError> {
        let key = timer_key(claimed);
        let mut requests = Vec::new();
        // A follower in the same slot replaces the claimed timer in one write.
        if next.is_none_or(|next| timer_key(next) != key) {
            requests.push(delete_request(s(key.0), s(key.1)).map_err(decode)?);
        }
        if let Some(next) = next {
            requests.push(timer_item(next).and_then(put_request).map_err(decode)?);
        }
        self.write_batch(requests, "completing a timer").await
    }
}
