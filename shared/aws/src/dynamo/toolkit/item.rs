//! Items by key: read (strongly or eventually consistent, whole or some attributes, one or many),
//! written (unconditionally, or only if new), updated under conditions, deleted.

use super::attributes::{Item, s};
use super::errors::{backend, is_condition_failure};
use super::update::Update;
use crate::dynamo::DynamoStore;
use crate::dynamo::keys::{PK, SK};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{KeysAndAttributes, ReturnValue};
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
fn held<T, E, R>(result: Result<T, SdkError<E, R>>, what: &str) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(true),
        Err(error) if is_condition_failure(&error) => Ok(false),
        Err(error) => Err(backend(what, error)),
    }
}

impl DynamoStore {
    /// Reads the item at `key`, only `attributes` of it if any are named.
    pub(crate) async fn get_item(&self, key: Item, read: Read, attributes: &[&str], what: &str) -> Result<Option<Item>, StoreError> {
        let mut request = self.client.get_item().table_name(&self.table).set_key(Some(key)).consistent_read(read == Read::Strong);
        if !attributes.is_empty() {
            let mut names = Vec::new();
            for (i, attribute) in attributes.iter().enumerate() {
                names.push(format!("#a{i}"));
                request = request.expression_attribute_names(format!("#a{i}"), *attribute);
            }
            request = request.projection_expression(names.join(", "));
        }
        Ok(request.send().await.map_err(|e| backend(what, e))?.item)
    }

    /// Reads the items at `keys`, strongly consistent, in no particular order (missing ones
    /// left out): 100 keys a request, with what DynamoDB left unprocessed asked again.
    pub(crate) async fn get_items(&self, keys: Vec<Item>, what: &str) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let keys =
                KeysAndAttributes::builder().set_keys(Some(chunk.to_vec())).consistent_read(true).build().map_err(StoreError::backend)?;
            let mut request = Some(keys);
            while let Some(keys) = request.take() {
                let output = self.client.batch_get_item().request_items(&self.table, keys).send().await.map_err(|e| backend(what, e))?;
                found.extend(output.responses.unwrap_or_default().remove(&self.table).unwrap_or_default());
                request = output.unprocessed_keys.unwrap_or_default().remove(&self.table).filter(|k| !k.keys.is_empty());
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
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(|e| backend(what, e))?;
        Ok(())
    }

    /// Writes an item unless one with its keys exists; `false` if one did.
    pub(crate) async fn put_new(&self, item: Item, what: &str) -> Result<bool, StoreError> {
        let (condition, names, values) = Update::only_if_new().into_guard();
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .send()
            .await;
        held(put, what)
    }

    /// Applies `update` to the item at `key`; `false` if its conditions did not hold (or, with
    /// conditions, if there is no item).
    pub(crate) async fn update_item(&self, key: Item, update: Update, what: &str) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression(update.expression())
            .set_condition_expression(update.condition())
            .set_expression_attribute_names(Some(update.names))
            .set_expression_attribute_values(Some(update.values))
            .send()
            .await;
        held(result, what)
    }

    /// Deletes the item at `key`; `false` if there was none.
    pub(crate) async fn delete_item(&self, key: Item, what: &str) -> Result<bool, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| backend(what, e))?;
        Ok(output.attributes.is_some_and(|a| !a.is_empty()))
    }
}
