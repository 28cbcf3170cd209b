use super::DynamoStore;
use super::attributes::{Item, ItemExt, key_suffix, s};
use super::cursor;
use super::errors::{backend, decode};
use super::keys::{PK, SK, TRANSITION_SK_PREFIX, history_pk, planned_ms_of, result_sk, transition_sk};
use anyhow::Context;
use async_trait::async_trait;
use std::collections::HashMap;
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
    Ok(HashMap::from([
        (PK.to_owned(), s(history_pk(transition.tenant_id, transition.monitor_id))),
        (SK.to_owned(), s(transition_sk(version))),
        (TRANSITION.to_owned(), s(serde_json::to_string(transition).context("encoding a transition")?)),
    ]))
}

fn parse(item: &Item) -> anyhow::Result<StatusTransition> {
    serde_json::from_str(item.string(TRANSITION)?).context("a stored transition does not parse")
}

#[async_trait]
impl TransitionLog for DynamoStore {
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<StatusTransition>, StoreError> {
        let before = page.cursor.as_ref().map(cursor::decode_number).transpose()?;
        let high = match before {
            Some(version) if version <= 0 => return Ok(Page { items: Vec::new(), next_cursor: None }),
            Some(version) => transition_sk(version as u64 - 1),
            None => format!("{TRANSITION_SK_PREFIX}~"),
        };
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(history_pk(tenant, monitor)))
            .expression_attribute_values(":low", s(TRANSITION_SK_PREFIX))
            .expression_attribute_values(":high", s(high))
            .scan_index_forward(false)
            .limit(page.limit as i32 + 1)
            .send()
            .await
            .map_err(|e| backend("listing transitions", e))?;
        let mut rows = output.items.unwrap_or_default();
        let more = rows.len() > page.limit as usize;
        rows.truncate(page.limit as usize);
        let next_cursor = match rows.last() {
            Some(last) if more => Some(cursor::encode(&key_suffix::<u64>(last, SK, TRANSITION_SK_PREFIX).map_err(decode)?.to_string())),
            _ => None,
        };
        let items = rows.iter().map(parse).collect::<anyhow::Result<Vec<_>>>().map_err(decode)?;
        Ok(Page { items, next_cursor })
    }

    async fn caused_by(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<StatusTransition>, StoreError> {
        // The transition rides on its check's result item, so one read finds it.
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(history_pk(tenant, monitor)))
            .key(SK, s(result_sk(planned_ms_of(check))))
            .projection_expression("#tr")
            .expression_attribute_names("#tr", TRANSITION)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("reading the transition of a check", e))?;
        match output.item {
            Some(item) if item.contains_key(TRANSITION) => parse(&item).map(Some).map_err(decode),
            _ => Ok(None),
        }
    }
}
