//! Batched writes: puts and deletes 25 at a time with what DynamoDB leaves unprocessed tried
//! again, items deleted by key, and a whole partition purged.

use super::attributes::Item;
use super::errors::backend;
use super::query::KeyQuery;
use crate::dynamo::DynamoStore;
use crate::dynamo::client::{AttributeValue, BatchWriteItem, WriteRequest};
use crate::dynamo::keys::{PK, SK};
use std::collections::HashMap;
use std::time::Duration;
use vigil_domain::ports::StoreError;

/// The most requests one BatchWriteItem takes.
const BATCH_SIZE: usize = 25;
/// Times what DynamoDB left unprocessed is sent again (after a growing pause) before the write
/// fails.
const UNPROCESSED_RETRIES: u32 = 8;

/// A put request of `item`, for [`DynamoStore::write_batch`].
pub(crate) fn put_request(item: Item) -> anyhow::Result<WriteRequest> {
    Ok(WriteRequest::PutRequest { item })
}

/// A delete request of the item with `pk`/`sk`, for [`DynamoStore::write_batch`].
pub(crate) fn delete_request(pk: AttributeValue, sk: AttributeValue) -> anyhow::Result<WriteRequest> {
    Ok(WriteRequest::DeleteRequest { key: Item::from([(PK.to_owned(), pk), (SK.to_owned(), sk)]) })
}

impl DynamoStore {
    /// Writes and deletes items in batches of 25, retrying what DynamoDB left unprocessed.
    pub(crate) async fn write_batch(&self, requests: Vec<WriteRequest>, what: &str) -> Result<(), StoreError> {
        for chunk in requests.chunks(BATCH_SIZE) {
            let mut pending = HashMap::from([(self.table.clone(), chunk.to_vec())]);
            for attempt in 0u32.. {
                let output =
                    self.client.batch_write_item(&BatchWriteItem { request_items: pending }).await.map_err(|e| backend(what, e))?;
                let left = output.unprocessed_items;
                if !left.values().any(|v| !v.is_empty()) {
                    break;
                }
                if attempt == UNPROCESSED_RETRIES {
                    return Err(StoreError::backend(anyhow::anyhow!("{what}: DynamoDB left writes unprocessed after retries")));
                }
                pending = left;
                tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
            }
        }
        Ok(())
    }

    /// Deletes items by key, in batches (see [`DynamoStore::write_batch`]).
    pub(crate) async fn delete_keys(&self, keys: Vec<Item>, what: &str) -> Result<(), StoreError> {
        let requests = keys.into_iter().map(|key| WriteRequest::DeleteRequest { key }).collect();
        self.write_batch(requests, what).await
    }

    /// Deletes every item of partition `pk` (a monitor's or a task's history), a page of keys
    /// at a time; `what` names it in errors.
    pub(crate) async fn purge_partition(&self, pk: &str, what: &str) -> Result<(), StoreError> {
        let mut pages = self.pages(&KeyQuery::partition(pk, format!("listing {what} to delete it")).project(&[PK, SK]));
        while let Some(keys) = pages.next(None).await? {
            self.delete_keys(keys, &format!("deleting {what}")).await?;
        }
        Ok(())
    }
}
