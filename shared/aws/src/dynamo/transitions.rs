use super::DynamoStore;
use super::keys::{SK, TRANSITION_SK_PREFIX, history_pk, result_sk, transition_sk};
use super::toolkit::attributes::{Item, ItemExt, key_suffix, s};
use super::toolkit::cursor;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use anyhow::Context;
use async_trait::async_trait;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::monitor::StatusTransition;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{StoreError, TransitionLog};

/// The attribute holding a transition as JSON, on transition items and on the result item of
/// the check that caused it.
pub(crate) const TRANSITION: &str = "transition";

/// The item of a transition that produced health `version`. Transitions are kept for the life
/// of the monitor (no TTL): they are few and they are the input of incidents.
pub(crate) fn transition_item(transition: &StatusTransition, version: u64) -> anyhow::Result<Item> {
    let mut item = key(history_pk(transition.tenant_id, transition.monitor_id), transition_sk(version));
    item.insert(TRANSITION.to_owned(), s(serde_json::to_string(transition).context("encoding a transition")?));
    Ok(item)
}

fn parse(item: &Item) -> anyhow::Result<StatusTransition> {
    serde_json::from_str(item.string(TRANSITION)?).context("a stored transition does not parse")
}

#[async_trait]
impl TransitionLog for DynamoStore {
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<StatusTransition>, StoreError> {
        // The cursor is the last health version listed; the page continues just below it.
        let before = page.cursor.as_ref().map(cursor::decode_number).transpose()?;
        let high = match before {
            Some(version) if version <= 0 => return Ok(Page { items: Vec::new(), next_cursor: None }),
            Some(version) => transition_sk(version as u64 - 1),
            None => format!("{TRANSITION_SK_PREFIX}~"),
        };
        let query =
            KeyQuery::partition(history_pk(tenant, monitor), "listing transitions").between(TRANSITION_SK_PREFIX, high).newest_first();
        let position = |item: &Item| Ok(key_suffix::<u64>(item, SK, TRANSITION_SK_PREFIX)?.to_string());
        self.page(&query, page.limit as usize, parse, position).await
    }

    async fn caused_by(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<StatusTransition>, StoreError> {
        // The transition rides on its check's result item, so one read finds it.
        let result_key = key(history_pk(tenant, monitor), result_sk(check.planned_ms()));
        match self.get_item(result_key, Read::Strong, &[TRANSITION], "reading the transition of a check").await? {
            Some(item) if item.contains_key(TRANSITION) => parse(&item).map(Some).map_err(decode),
            _ => Ok(None),
        }
    }
}
