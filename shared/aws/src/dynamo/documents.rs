//! Items that carry an entity as a JSON document (`doc`) beside the key and index attributes
//! that queries and conditions need: incidents, timelines, channels, rules, silences,
//! deliveries and timers. The domain types already serialize, so one encoding serves every
//! store, and an item's shape follows its entity without a column mapping per field.

use super::DynamoStore;
use super::keys::{DUE_AT, DUE_SHARD, PK, SK};
use super::toolkit::attributes::{Item, ItemExt, n, s};
use super::toolkit::due_index::DueBy;
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::update::Update;
use crate::dynamo::client::AttributeValue;
use anyhow::Context;
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use vigil_domain::page::Page;
use vigil_domain::ports::StoreError;

/// The attribute holding the JSON document.
pub(crate) const DOC: &str = "doc";

/// Shards of each due-index partition family this module writes (as for monitors: spreads the
/// index's writes, a claim reads every shard).
pub(crate) const DOC_DUE_SHARDS: u8 = 4;

/// An item with keys `pk`/`sk` and `value` as its document.
pub(crate) fn doc_item<T: Serialize>(pk: String, sk: String, value: &T) -> anyhow::Result<Item> {
    let mut item = key(pk, sk);
    item.insert(DOC.to_owned(), s(serde_json::to_string(value).context("encoding a document")?));
    Ok(item)
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

/// The `sk` of an item, as a cursor position.
pub(crate) fn sk_of(item: &Item) -> anyhow::Result<String> {
    item.string(SK).map(str::to_owned)
}

impl DynamoStore {
    /// Reads one item's document (strongly consistent: documents are read to be changed).
    pub(crate) async fn get_doc<T: DeserializeOwned>(&self, pk: String, sk: String, what: &str) -> Result<Option<T>, StoreError> {
        self.get_item(key(pk, sk), Read::Strong, &[], what).await?.as_ref().map(parse_doc).transpose().map_err(decode)
    }

    /// Every document of partition `pk` under `prefix`, in `sk` order.
    pub(crate) async fn all_docs<T: DeserializeOwned>(&self, pk: &str, prefix: &str, what: &str) -> Result<Vec<T>, StoreError> {
        let items = self.query_all(&KeyQuery::partition(pk, what).prefix(prefix).consistent()).await?;
        items.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)
    }

    /// A page of the documents of partition `pk` under `prefix`, oldest first (newest first
    /// with `newest_first`), after the cursor's `sk`; the cursor is the last one's `sk`.
    pub(crate) async fn doc_page<T: DeserializeOwned>(
        &self,
        pk: &str,
        prefix: &str,
        newest_first: bool,
        page: &vigil_domain::page::PageRequest,
        what: &str,
    ) -> Result<Page<T>, StoreError> {
        let after = page.cursor.as_ref().map(|c| super::toolkit::cursor::decode(c, |text| text.starts_with(prefix))).transpose()?;
        let query = KeyQuery::partition(pk, what).prefix(prefix).consistent().after_sk(after);
        let query = if newest_first { query.newest_first() } else { query };
        self.page(&query, page.limit as usize, parse_doc, sk_of).await
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
        let mut candidates = self.due_in_shards(family, DOC_DUE_SHARDS, DueBy::AtOrBefore(now), limit).await?;
        candidates.truncate(limit);
        let mut claimed = Vec::new();
        for (due, index_key) in candidates {
            // The index is eventually consistent: the item itself decides.
            let item_key = key(index_key.string(PK).map_err(decode)?, sk_of(&index_key).map_err(decode)?);
            let Some(item) = self.get_item(item_key.clone(), Read::Strong, &[], what).await? else { continue };
            if item.opt_number::<i64>(DUE_AT).map_err(decode)? != Some(due) {
                continue;
            }
            let mut update = Update::default();
            update.set(DUE_AT, n(until.as_millisecond()));
            for (name, value) in extra(&item).map_err(decode)? {
                update.set(name, value);
            }
            update.require_equal(DUE_AT, n(due));
            if self.update_item(item_key, update, what).await? {
                claimed.push(item);
            }
        }
        Ok(claimed)
    }
}
