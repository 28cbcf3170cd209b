//! People and organisations in the single table: users (with an email lock item), memberships
//! (one item in the organisation's partition, one in the user's), invitations (with a token
//! pointer), single-use tokens, sessions and refresh families (with pointers from their user),
//! the audit log (a partition per organisation, sorted by time), failed sign-ins and server
//! secrets. Short-lived items carry the TTL attribute. docs/aws.md draws the keys.

mod audit;
mod invitations;
mod memberships;
mod organisations;
mod secrets;
mod sessions;
mod tokens;
mod users;

use super::DynamoStore;
use super::documents::DOC;
use super::keys::{EXPIRES_AT, PK, SK};
use super::toolkit::attributes::{Item, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use crate::dynamo::client::{AttributeValue, Condition, PutItem, TransactWriteItem};
use anyhow::Context;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use vigil_domain::ids::UserId;
use vigil_domain::ports::StoreError;

/// The partition of a user: their item and the pointers to what belongs to them.
fn user_pk(user: UserId) -> String {
    format!("USER#{user}")
}

/// An item with keys and a document, plus `extra` attributes.
fn item<T: Serialize>(pk: String, sk: impl Into<String>, doc: &T, extra: Vec<(&str, AttributeValue)>) -> Result<Item, StoreError> {
    let mut item: Item = HashMap::from([
        (PK.to_owned(), s(pk)),
        (SK.to_owned(), s(sk)),
        (DOC.to_owned(), s(serde_json::to_string(doc).context("encoding a document").map_err(decode)?)),
    ]);
    item.extend(extra.into_iter().map(|(name, value)| (name.to_owned(), value)));
    Ok(item)
}

/// A key-only item (a pointer or lock), plus `extra` attributes.
fn marker(pk: String, sk: impl Into<String>, extra: Vec<(&str, AttributeValue)>) -> Item {
    let mut item: Item = HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))]);
    item.extend(extra.into_iter().map(|(name, value)| (name.to_owned(), value)));
    item
}

/// The TTL attribute for an item that may go a day after `at`.
fn expires(at: Timestamp) -> (&'static str, AttributeValue) {
    (EXPIRES_AT, n(at.as_second() + 86_400))
}

/// A put within a transaction, if `condition` holds with `names` and `values` bound.
fn put_if(
    table: &str,
    item: Item,
    condition: &str,
    names: &[(&str, &str)],
    values: Vec<(&str, AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let condition = Condition::on(condition, names, values);
    Ok(TransactWriteItem::Put(PutItem { table_name: table.to_owned(), item, condition }))
}

/// The item reads and writes the account entities make, on the toolkit: strongly consistent
/// reads (account items are read to be changed), and partition ranges by `sk` prefix.
impl DynamoStore {
    async fn get_raw(&self, pk: String, sk: String, what: &str) -> Result<Option<Item>, StoreError> {
        self.get_item(key(pk, sk), Read::Strong, &[], what).await
    }

    async fn put_raw(&self, item: Item, what: &str) -> Result<(), StoreError> {
        self.put_item(item, what).await
    }

    async fn delete_raw(&self, pk: String, sk: String, what: &str) -> Result<bool, StoreError> {
        self.delete_item(key(pk, sk), what).await
    }

    /// Up to `limit` items of partition `pk` whose `sk` starts with `prefix` (empty: every
    /// item), in `sk` order (`forward`) or reversed, after `after`; and whether more follow.
    async fn query_prefix(
        &self,
        pk: &str,
        prefix: &str,
        forward: bool,
        after: Option<String>,
        limit: usize,
        what: &str,
    ) -> Result<(Vec<Item>, bool), StoreError> {
        let query = KeyQuery::partition(pk, what).prefix(prefix).consistent().after_sk(after);
        let query = if forward { query } else { query.newest_first() };
        let mut items = self.query_up_to(&query, Some(limit.saturating_add(1))).await?;
        let more = items.len() > limit;
        items.truncate(limit);
        Ok((items, more))
    }

    /// Every item of partition `pk` whose `sk` starts with `prefix`, in `sk` order.
    async fn prefix_all(&self, pk: &str, prefix: &str, what: &str) -> Result<Vec<Item>, StoreError> {
        self.query_all(&KeyQuery::partition(pk, what).prefix(prefix).consistent()).await
    }
}
