//! Items that carry an entity as a JSON document (`doc`) beside the key and index attributes
//! that queries and conditions need: incidents, timelines, channels, rules, silences,
//! deliveries and timers. The domain types already serialize, so one encoding serves every
//! store, and an item's shape follows its entity without a column mapping per field.

use super::DynamoStore;
use super::attributes::{Item, ItemExt, n, s};
use super::errors::{backend, decode};
use super::keys::{DUE_AT, DUE_INDEX, DUE_SHARD, PK, SK};
use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, ReturnValue, WriteRequest};
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use vigil_domain::ports::StoreError;

/// The attribute holding the JSON document.
pub(crate) const DOC: &str = "doc";

/// Shards of each due-index partition family this module writes (as for monitors: spreads the
/// index's writes, a claim reads every shard).
pub(crate) const DOC_DUE_SHARDS: u8 = 4;

/// An item with keys `pk`/`sk` and `value` as its document.
pub(crate) fn doc_item<T: Serialize>(pk: String, sk: String, value: &T) -> anyhow::Result<Item> {
    Ok(HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s(sk)),
        (DOC.to_owned(), s(serde_json::to_string(value).context("encoding a document")?)),
    ]))
}

/// The document of an item.
pub(crate) fn parse_doc<T: DeserializeOwned>(item: &Item) -> anyhow::Result<T> {
    let text = item.string(DOC)?;
    serde_json::from_str(text).with_context(|| format!("the document of item {:?} does not parse", item.get(SK)))
}

/// Places `item` in a due-index partition family `family` (e.g. `TM#`) at `due`, on the shard
/// chosen by `spread` (a byte of the entity's random id).
pub(crate) fn index_due(item: &mut Item, family: &str, spread: u8, due: Timestamp) {
    item.insert(DUE_SHARD.to_owned(), s(format!("{family}{}", spread % DOC_DUE_SHARDS)));
    item.insert(DUE_AT.to_owned(), n(due.as_millisecond()));
}

/// The `sk` of the page's last item, as a cursor position.
pub(crate) fn sk_of(item: &Item) -> Result<String, StoreError> {
    item.string(SK).map(str::to_owned).map_err(decode)
}

impl DynamoStore {
    /// Reads one item (strongly consistent: documents are read to be changed).
    pub(crate) async fn get_raw(&self, pk: String, sk: String, what: &str) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend(what, e))?;
        Ok(output.item)
    }

    /// Reads one item's document.
    pub(crate) async fn get_doc<T: DeserializeOwned>(&self, pk: String, sk: String, what: &str) -> Result<Option<T>, StoreError> {
        self.get_raw(pk, sk, what).await?.as_ref().map(parse_doc).transpose().map_err(decode)
    }

    /// Writes an item, replacing the one with its keys.
    pub(crate) async fn put_raw(&self, item: Item, what: &str) -> Result<(), StoreError> {
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(|e| backend(what, e))?;
        Ok(())
    }

    /// Deletes an item; `false` if there was none.
    pub(crate) async fn delete_raw(&self, pk: String, sk: String, what: &str) -> Result<bool, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| backend(what, e))?;
        Ok(output.attributes.is_some_and(|a| !a.is_empty()))
    }

    /// Up to `limit` items of partition `pk` whose `sk` starts with `prefix` (empty: every item),
    /// in `sk` order (`forward`) or reversed, after `after` (exclusive). The second value says
    /// whether more follow.
    pub(crate) async fn query_prefix(
        &self,
        pk: &str,
        prefix: &str,
        forward: bool,
        after: Option<String>,
        limit: usize,
        what: &str,
    ) -> Result<(Vec<Item>, bool), StoreError> {
        let mut items: Vec<Item> = Vec::new();
        let mut start = after.map(|sk| HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))]));
        // One more than asked tells whether another page follows.
        while items.len() <= limit {
            let query =
                self.client.query().table_name(&self.table).expression_attribute_names("#pk", PK).expression_attribute_values(":pk", s(pk));
            // DynamoDB refuses an empty string as a key condition's value: no prefix, no condition.
            let query = if prefix.is_empty() {
                query.key_condition_expression("#pk = :pk")
            } else {
                query
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", SK)
                    .expression_attribute_values(":prefix", s(prefix))
            };
            let output = query
                .scan_index_forward(forward)
                .consistent_read(true)
                .limit((limit + 1 - items.len()).min(1000) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| backend(what, e))?;
            items.extend(output.items.unwrap_or_default());
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        Ok((items, more))
    }

    /// Every item of partition `pk` whose `sk` starts with `prefix`, in `sk` order.
    pub(crate) async fn query_all(&self, pk: &str, prefix: &str, what: &str) -> Result<Vec<Item>, StoreError> {
        Ok(self.query_prefix(pk, prefix, true, None, usize::MAX - 1, what).await?.0)
    }

    /// Every document of partition `pk` under `prefix`, in `sk` order.
    pub(crate) async fn all_docs<T: DeserializeOwned>(&self, pk: &str, prefix: &str, what: &str) -> Result<Vec<T>, StoreError> {
        self.query_all(pk, prefix, what).await?.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)
    }

    /// Writes and deletes items in batches of 25, retrying what DynamoDB left unprocessed.
    pub(crate) async fn write_batch(&self, requests: Vec<WriteRequest>, what: &str) -> Result<(), StoreError> {
        for chunk in requests.chunks(25) {
            let mut pending = HashMap::from([(self.table.clone(), chunk.to_vec())]);
            for attempt in 0u32.. {
                let output = self.client.batch_write_item().set_request_items(Some(pending)).send().await.map_err(|e| backend(what, e))?;
                match output.unprocessed_items {
                    Some(left) if left.values().any(|v| !v.is_empty()) && attempt < 8 => {
                        pending = left;
                        tokio::time::sleep(std::time::Duration::from_millis(25 << attempt)).await;
                    }
                    Some(left) if left.values().any(|v| !v.is_empty()) => {
                        return Err(StoreError::backend(anyhow::anyhow!("{what}: DynamoDB left writes unprocessed after retries")));
                    }
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// Claims up to `limit` items of due-index family `family` due at `now`, earliest first,
    /// moving each one's due time to `until` with a write conditional on the due time read, so
    /// that of concurrent claimers exactly one gets an item. `extra` adds changes to the claim
    /// (a document that carries the due time too). Returns the items as read.
    pub(crate) async fn claim_family(
        &self,
        family: &str,
        now: Timestamp,
        until: Timestamp,
        limit: usize,
        extra: impl Fn(&Item) -> anyhow::Result<Vec<(&'static str, AttributeValue)>>,
        what: &str,
    ) -> Result<Vec<Item>, StoreError> {
        let mut candidates: Vec<(i64, Item)> = Vec::new();
        for shard in 0..DOC_DUE_SHARDS {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("#shard = :shard AND #due <= :now")
                .expression_attribute_names("#shard", DUE_SHARD)
                .expression_attribute_names("#due", DUE_AT)
                .expression_attribute_values(":shard", s(format!("{family}{shard}")))
                .expression_attribute_values(":now", n(now.as_millisecond()))
                .limit(limit.clamp(1, 1000) as i32)
                .send()
                .await
                .map_err(|e| backend(what, e))?;
            for key in output.items.unwrap_or_default() {
                candidates.push((key.number::<i64>(DUE_AT).map_err(decode)?, key));
            }
        }
        candidates.sort_by_key(|(due, _)| *due);
        candidates.truncate(limit);
        let mut claimed = Vec::new();
        for (due, key) in candidates {
            // The index is eventually consistent: the item itself decides.
            let Some(item) = self.get_raw(key.string(PK).map_err(decode)?.to_owned(), sk_of(&key)?, what).await? else { continue };
            if item.opt_number::<i64>(DUE_AT).map_err(decode)? != Some(due) {
                continue;
            }
            let mut update = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(PK, item[PK].clone())
                .key(SK, item[SK].clone())
                .condition_expression("#due = :due")
                .expression_attribute_names("#due", DUE_AT)
                .expression_attribute_values(":until", n(until.as_millisecond()))
                .expression_attribute_values(":due", n(due));
            let mut expression = "SET #due = :until".to_owned();
            for (i, (name, value)) in extra(&item).map_err(decode)?.into_iter().enumerate() {
                expression += &format!(", #x{i} = :x{i}");
                update = update.expression_attribute_names(format!("#x{i}"), name).expression_attribute_values(format!(":x{i}"), value);
            }
            match update.update_expression(expression).send().await {
                Ok(_) => claimed.push(item),
                Err(e) if super::errors::is_condition_failure(&e) => {}
                Err(e) => return Err(backend(what, e)),
            }
        }
        Ok(claimed)
    }
}

/// A put request of `item`, for [`DynamoStore::write_batch`].
pub(crate) fn put_request(item: Item) -> anyhow::Result<WriteRequest> {
    Ok(WriteRequest::builder().put_request(PutRequest::builder().set_item(Some(item)).build()?).build())
}

/// A delete request of the item with `pk`/`sk`, for [`DynamoStore::write_batch`].
pub(crate) fn delete_request(pk: AttributeValue, sk: AttributeValue) -> anyhow::Result<WriteRequest> {
    Ok(WriteRequest::builder().delete_request(DeleteRequest::builder().key(PK, pk).key(SK, sk).build()?).build())
}
