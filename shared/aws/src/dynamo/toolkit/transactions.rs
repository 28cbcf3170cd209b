//! Writes of several items in one TransactWriteItems, and the one policy for writes that lose
//! races: every store that keeps an invariant across items (one ongoing incident per subject,
//! one delivery per transition and channel, a task with its pointers, a result with its health)
//! goes through here.

use super::attributes::Item;
use super::errors::{Cancelled, backend, cancellation};
use super::update::Update as Expression;
use crate::dynamo::DynamoStore;
use crate::dynamo::client::{DeleteItem, PutItem, TransactWriteItem, TransactWriteItems};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;
use vigil_domain::ports::StoreError;

/// Attempts of a write that keeps losing races before it reports [`StoreError::Conflict`]. Each
/// lost attempt means another write to the same items landed, so this many only run out on
/// items written by more writers at once than there are attempts (a task pinged by twenty
/// clients at the same moment).
pub(crate) const RACE_ATTEMPTS: u32 = 20;
/// The longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_millis(200);

/// How a transaction ended.
pub(crate) enum Outcome {
    /// Every item was written.
    Written,
    /// The conditions that failed, by item position.
    Refused(Vec<bool>),
    /// Lost to a concurrent transaction on the same items.
    Raced,
}

/// What one attempt of a write that may lose a race came to.
pub(crate) enum Attempt<T> {
    /// Settled, one way or another.
    Done(T),
    /// Lost a race: read again and retry.
    Again,
}

/// A pause before attempt `attempt` (from 1) of a lost race: random (so racing writers spread
/// out rather than meet again), growing with the attempts.
fn pause(attempt: u32) -> Duration {
    let ceiling = Duration::from_millis(2u64.saturating_pow(attempt.min(16))).min(MAX_PAUSE);
    // The standard library's randomly keyed hasher is randomness enough for a jitter.
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    ceiling.mul_f64((random % 1000) as f64 / 1000.0)
}

/// Runs `attempt` until it is [`Attempt::Done`], up to [`RACE_ATTEMPTS`] times with a random,
/// growing pause between attempts; [`StoreError::Conflict`] once the attempts are spent.
pub(crate) async fn settle<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Attempt<T>, StoreError>>,
{
    for n in 0..RACE_ATTEMPTS {
        if n > 0 {
            tokio::time::sleep(pause(n)).await;
        }
        if let Attempt::Done(done) = attempt().await? {
            return Ok(done);
        }
    }
    Err(StoreError::Conflict)
}

/// A put of `item` into `table` within a transaction, if `guard`'s conditions hold.
pub(crate) fn transact_put(table: &str, item: Item, guard: Option<Expression>) -> Result<TransactWriteItem, StoreError> {
    let condition = guard.map(Expression::into_guard).unwrap_or_default();
    Ok(TransactWriteItem::Put(PutItem { table_name: table.to_owned(), item, condition }))
}

/// A put within a transaction that fails if the item exists.
pub(crate) fn transact_put_new(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    transact_put(table, item, Some(Expression::only_if_new()))
}

/// An update of the item at `key` within a transaction, under the update's conditions.
pub(crate) fn transact_update(table: &str, key: Item, update: Expression) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::Update(update.into_request(table, key)))
}

/// A delete of the item at `key` within a transaction, if `guard`'s conditions hold.
pub(crate) fn transact_delete(table: &str, key: Item, guard: Option<Expression>) -> Result<TransactWriteItem, StoreError> {
    let condition = guard.map(Expression::into_guard).unwrap_or_default();
    Ok(TransactWriteItem::Delete(DeleteItem { table_name: table.to_owned(), key, condition, return_values: None }))
}

impl DynamoStore {
    /// Writes `items` in one transaction.
    pub(crate) async fn transact(&self, what: &str, items: Vec<TransactWriteItem>) -> Result<Outcome, StoreError> {
        match self.client.transact_write_items(&TransactWriteItems { transact_items: items }).await {
            Ok(_) => Ok(Outcome::Written),
            Err(error) => match cancellation(&error) {
                Some(Cancelled::Conditions(failed)) => Ok(Outcome::Refused(failed)),
                Some(Cancelled::Conflict) => Ok(Outcome::Raced),
                None => Err(backend(what, error)),
            },
        }
    }

    /// Writes `items` in one transaction, trying again (see [`settle`]) while it loses races;
    /// never [`Outcome::Raced`].
    pub(crate) async fn transact_settled(&self, what: &str, items: Vec<TransactWriteItem>) -> Result<Outcome, StoreError> {
        settle(|| async {
            Ok(match self.transact(what, items.clone()).await? {
                Outcome::Raced => Attempt::Again,
                settled => Attempt::Done(settled),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn settling_retries_lost_races_until_the_attempts_are_spent() {
        let mut calls = 0;
        let done = settle(|| {
            calls += 1;
            let n = calls;
            async move { Ok(if n < 3 { Attempt::Again } else { Attempt::Done(n) }) }
        })
        .await;
        assert_eq!(done.unwrap(), 3);
        let mut calls = 0;
        let spent = settle(|| {
            calls += 1;
            async { Ok(Attempt::<()>::Again) }
        })
        .await;
        assert!(matches!(spent, Err(StoreError::Conflict)));
        assert_eq!(calls, RACE_ATTEMPTS);
        for attempt in [1, 5, 40] {
            assert!(pause(attempt) <= MAX_PAUSE);
        }
    }
}
