//! Writes of several items in one TransactWriteItems, and how they end: every store that keeps
//! an invariant across items (one ongoing incident per subject, one delivery per transition and
//! channel, a task with its pointers) goes through here.

use super::DynamoStore;
use super::attributes::Item;
use super::errors::{Cancelled, backend, cancellation};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use vigil_domain::ports::StoreError;

/// How a transaction ended.
pub(crate) enum Outcome {
    /// Every item was written.
    Written,
    /// The conditions that failed, by item position.
    Refused(Vec<bool>),
    /// Lost to a concurrent transaction on the same items.
    Raced,
}

/// Times a transaction that keeps losing races is tried before the write reports a conflict.
const RACE_ATTEMPTS: usize = 10;

/// A put of `item` into `table` within a transaction, if `condition` holds.
pub(crate) fn transact_put(table: &str, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .set_condition_expression(condition.map(str::to_owned))
        .build()
        .map_err(StoreError::backend)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

impl DynamoStore {
    /// Writes `items` in one transaction.
    pub(crate) async fn transact(&self, what: &str, items: Vec<TransactWriteItem>) -> Result<Outcome, StoreError> {
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Outcome::Written),
            Err(error) => match cancellation(&error) {
                Some(Cancelled::Conditions(failed)) => Ok(Outcome::Refused(failed)),
                Some(Cancelled::Conflict) => Ok(Outcome::Raced),
                None => Err(backend(what, error)),
            },
        }
    }

    /// Writes `items` in one transaction, trying again while it loses races; never
    /// [`Outcome::Raced`] ([`StoreError::Conflict`] once the attempts are spent).
    pub(crate) async fn transact_settled(&self, what: &str, items: Vec<TransactWriteItem>) -> Result<Outcome, StoreError> {
        for _ in 0..RACE_ATTEMPTS {
            match self.transact(what, items.clone()).await? {
                Outcome::Raced => continue,
                settled => return Ok(settled),
            }
        }
        Err(StoreError::Conflict)
    }
}
