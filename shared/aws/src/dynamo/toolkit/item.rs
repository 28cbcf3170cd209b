//! Items by key: read (strongly or eventually consistent, whole or some attributes, one or many),
//! written (unconditionally, or only if new), updated under conditions, deleted.

use super::attributes::{Item, s};
use super::errors::{backend, is_condition_failure};
use super::update::Update;
use crate::dynamo::DynamoStore;
use crate::dynamo::client::{BatchGetItem, Condition, DeleteItem, DynamoError, GetItem, KeysAndAttributes, PutItem};
use crate::dynamo::keys::{PK, SK};
use std::collections::HashMap;
use vigil_domain::ports::StoreError;

/// The key of the item `pk`/`sk`.
pub(crate) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// How a read sees recent writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// Every acknowledged write: for reads a change is computed from (a full read unit).
    Strong,
    /// Possibly a moment behind (half a read unit).
    Eventual,
}

/// Whether a conditional write's conditions held: `false` if they did not, an error if the
/// write failed otherwise.
fn held<T>(result: Result<T, DynamoError>, what: &str) -> Result<bool, StoreError> {
    match result {
        Ok(_) => Ok(true),
        Err(error) if is_condition_failure(&error) => Ok(false),
        Err(error) => Err(backend(what, error)),
    }
}

/// A projection of `attributes` through name placeholders (`#a0, #a1`), none if there are none.
pub(crate) fn projection(attributes: &[&str]) -> (Option<String>, Option<HashMap<String, String>>) {
    if attributes.is_empty() {
        return (None, None);
    }
    let names: HashMap<String, String> = attributes.iter().enumerate().map(|(i, a)| (format!("#a{i}"), (*a).to_owned())).collect();
    let expression = (0..attributes.len()).map(|i| format!("#a{i}")).collect::<Vec<_>>().join(", ");
    (Some(expression), Some(names))
}

impl DynamoStore {
    /// Reads the item at `key`, only `attributes` of it if any are named.
    pub(crate) async fn get_item(&self, key: Item, read: Read, attributes: &[&str], what: &str) -> Result<Option<Item>, StoreError> {
        let (projection_expression, expression_attribute_names) = projection(attributes);
        let request = GetItem {
            table_name: self.table.clone(),
            key,
            consistent_read: read == Read::Strong,
            projection_expression,
            expression_attribute_names,
        };
        Ok(self.client.get_item(&request).await.map_err(|e| backend(what, e))?.item)
    }

    /// Reads the items at `keys`, strongly consistent, in no particular order (missing ones
    /// left out): 100 keys a request, with what DynamoDB left unprocessed asked again.
    pub(crate) async fn get_items(&self, keys: Vec<Item>, what: &str) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut request = Some(KeysAndAttributes { keys: chunk.to_vec(), consistent_read: true });
            while let Some(keys) = request.take() {
                let batch = BatchGetItem { request_items: HashMap::from([(self.table.clone(), keys)]) };
                let mut output = self.client.batch_get_item(&batch).await.map_err(|e| backend(what, e))?;
                found.extend(output.responses.remove(&self.table).unwrap_or_default());
                request = output.unprocessed_keys.remove(&self.table).filter(|k| !k.keys.is_empty());
            }
        }
        Ok(found)
    }

    /// Whether an item is at `key`.
    pub(crate) async fn item_exists(&self, key: Item, read: Read, what: &str) -> Result<bool, StoreError> {
        Ok(self.get_item(key, read, &[PK], what).await?.is_some())
    }

    /// Writes an item, replacing the one with its keys.
    pub(crate) async fn put_item(&self, item: Item, what: &str) -> Result<(), StoreError> {
        let request = PutItem { table_name: self.table.clone(), item, condition: Condition::default() };
        self.client.put_item(&request).await.map_err(|e| backend(what, e))?;
        Ok(())
    }

    /// Writes an item if `condition` holds; `false` if it did not.
    pub(crate) async fn put_if(&self, item: Item, condition: Condition, what: &str) -> Result<bool, StoreError> {
        held(self.client.put_item(&PutItem { table_name: self.table.clone(), item, condition }).await, what)
    }

    /// Writes an item unless one with its keys exists; `false` if one did.
    pub(crate) async fn put_new(&self, item: Item, what: &str) -> Result<bool, StoreError> {
        self.put_if(item, Update::only_if_new().into_guard(), what).await
    }

    /// Applies `update` to the item at `key`; `false` if its conditions did not hold (or, with
    /// conditions, if there is no item).
    pub(crate) async fn update_item(&self, key: Item, update: Update, what: &str) -> Result<bool, StoreError> {
        held(self.client.update_item(&update.into_request(&self.table, key)).await, what)
    }

    /// Deletes the item at `key` and returns it; `None` if there was none.
    pub(crate) async fn take_item(&self, key: Item, what: &str) -> Result<Option<Item>, StoreError> {
        let request = DeleteItem { table_name: self.table.clone(), key, return_values: Some("ALL_OLD"), ..DeleteItem::default() };
        let output = self.client.delete_item(&request).await.map_err(|e| backend(what, e))?;
        Ok(output.attributes.filter(|a| !a.is_empty()))
    }

    /// Deletes the item at `key` if `guard`'s conditions hold; `false` if they did not.
    pub(crate) async fn delete_item_if(&self, key: Item, guard: Update, what: &str) -> Result<bool, StoreError> {
        let request = DeleteItem { table_name: self.table.clone(), key, condition: guard.into_guard(), ..DeleteItem::default() };
        held(self.client.delete_item(&request).await, what)
    }

    /// Deletes the item at `key`; `false` if there was none.
    pub(crate) async fn delete_item(&self, key: Item, what: &str) -> Result<bool, StoreError> {
        Ok(self.take_item(key, what).await?.is_some())
    }
}
