//! Queries of one partition's key range: a [`KeyQuery`] says which items and in what order; the
//! store reads it a page at a time ([`Pages`]), as one page with its cursor
//! ([`DynamoStore::page`]) or whole ([`DynamoStore::query_all`]).

use super::attributes::{Item, s};
use super::errors::{backend, decode};
use super::item::projection;
use crate::dynamo::DynamoStore;
use crate::dynamo::client::{AttributeValue, Query};
use crate::dynamo::keys::{PK, SK};
use std::collections::HashMap;
use vigil_domain::page::Page;
use vigil_domain::ports::StoreError;

/// The most items DynamoDB returns in one response.
const MOST_PER_REQUEST: usize = 1000;

/// A condition on the sort key.
#[derive(Clone, Debug)]
enum Sort {
    Between(AttributeValue, AttributeValue),
    BeginsWith(String),
    Compare(&'static str, AttributeValue),
}

/// Which items of one partition, of the table or of an index, a query reads, and how.
#[derive(Clone, Debug)]
pub(crate) struct KeyQuery {
    index: Option<&'static str>,
    partition: (&'static str, AttributeValue),
    sort_key: &'static str,
    sort: Option<Sort>,
    newest_first: bool,
    consistent: bool,
    filters: Vec<(&'static str, AttributeValue)>,
    projection: Vec<&'static str>,
    start: Option<Item>,
    what: String,
}

impl KeyQuery {
    /// The items of the table's partition `pk`, in `sk` order; `what` names the read in errors.
    pub(crate) fn partition(pk: impl Into<String>, what: impl Into<String>) -> Self {
        Self {
            index: None,
            partition: (PK, s(pk)),
            sort_key: SK,
            sort: None,
            newest_first: false,
            consistent: false,
            filters: Vec::new(),
            projection: Vec::new(),
            start: None,
            what: what.into(),
        }
    }

    /// The items of index `index` whose `partition_key` is `value`, in `sort_key` order.
    pub(crate) fn index(
        index: &'static str,
        partition_key: &'static str,
        value: AttributeValue,
        sort_key: &'static str,
        what: impl Into<String>,
    ) -> Self {
        Self { index: Some(index), partition: (partition_key, value), sort_key, ..Self::partition("", what) }
    }

    /// Only sort keys in `[low, high]`.
    pub(crate) fn between(mut self, low: impl Into<String>, high: impl Into<String>) -> Self {
        self.sort = Some(Sort::Between(s(low), s(high)));
        self
    }

    /// Only sort keys starting with `prefix` (an empty prefix: every sort key, since DynamoDB
    /// refuses an empty string in a key condition).
    pub(crate) fn prefix(mut self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        self.sort = (!prefix.is_empty()).then_some(Sort::BeginsWith(prefix));
        self
    }

    /// Only sort keys below `bound`.
    pub(crate) fn below(mut self, bound: AttributeValue) -> Self {
        self.sort = Some(Sort::Compare("<", bound));
        self
    }

    /// Only sort keys at or below `bound`.
    pub(crate) fn at_most(mut self, bound: AttributeValue) -> Self {
        self.sort = Some(Sort::Compare("<=", bound));
        self
    }

    /// Only sort keys above `bound`.
    pub(crate) fn above(mut self, bound: AttributeValue) -> Self {
        self.sort = Some(Sort::Compare(">", bound));
        self
    }

    /// Highest sort key first.
    pub(crate) fn newest_first(mut self) -> Self {
        self.newest_first = true;
        self
    }

    /// Strongly consistent (the table and local indexes only).
    pub(crate) fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Only items whose `attribute` is `value` (filtered after reading: they cost the read).
    pub(crate) fn only(mut self, attribute: &'static str, value: AttributeValue) -> Self {
        self.filters.push((attribute, value));
        self
    }

    /// Only these attributes of each item.
    pub(crate) fn project(mut self, attributes: &[&'static str]) -> Self {
        self.projection.extend_from_slice(attributes);
        self
    }

    /// Starting after the table item with sort key `sk` in this partition (a listing cursor's
    /// position; the item need not exist any more).
    pub(crate) fn after_sk(mut self, sk: Option<String>) -> Self {
        self.start = sk.map(|sk| Item::from([(PK.to_owned(), self.partition.1.clone()), (SK.to_owned(), s(sk))]));
        self
    }

    fn request(&self, store: &DynamoStore) -> Query {
        let mut names = HashMap::from([("#pk".to_owned(), self.partition.0.to_owned())]);
        let mut values = HashMap::from([(":pk".to_owned(), self.partition.1.clone())]);
        let mut condition = "#pk = :pk".to_owned();
        if let Some(sort) = &self.sort {
            names.insert("#sk".to_owned(), self.sort_key.to_owned());
            match sort {
                Sort::Between(low, high) => {
                    condition += " AND #sk BETWEEN :low AND :high";
                    values.insert(":low".to_owned(), low.clone());
                    values.insert(":high".to_owned(), high.clone());
                }
                Sort::BeginsWith(prefix) => {
                    condition += " AND begins_with(#sk, :prefix)";
                    values.insert(":prefix".to_owned(), s(prefix));
                }
                Sort::Compare(operator, bound) => {
                    condition += &format!(" AND #sk {operator} :bound");
                    values.insert(":bound".to_owned(), bound.clone());
                }
            }
        }
        let mut filter = Vec::new();
        for (i, (attribute, value)) in self.filters.iter().enumerate() {
            filter.push(format!("#f{i} = :f{i}"));
            names.insert(format!("#f{i}"), (*attribute).to_owned());
            values.insert(format!(":f{i}"), value.clone());
        }
        let (projection_expression, projected) = projection(&self.projection);
        names.extend(projected.unwrap_or_default());
        Query {
            table_name: store.table.clone(),
            index_name: self.index.map(str::to_owned),
            key_condition_expression: condition,
            filter_expression: (!filter.is_empty()).then(|| filter.join(" AND ")),
            projection_expression,
            expression_attribute_names: names,
            expression_attribute_values: values,
            scan_index_forward: !self.newest_first,
            consistent_read: self.consistent,
            limit: None,
            exclusive_start_key: None,
        }
    }
}

/// A query read one response at a time.
pub(crate) struct Pages<'a> {
    store: &'a DynamoStore,
    request: Query,
    start: Option<Item>,
    filtered: bool,
    done: bool,
    what: String,
}

impl Pages<'_> {
    /// The next response's items, at most `wanted` of them if given (a filtered query reads
    /// more, as the filter drops some); `None` once the range is read.
    pub(crate) async fn next(&mut self, wanted: Option<usize>) -> Result<Option<Vec<Item>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let limit = wanted.map(|n| if self.filtered { n.saturating_mul(4).max(10) } else { n }.clamp(1, MOST_PER_REQUEST) as i32);
        self.request.limit = limit;
        self.request.exclusive_start_key = self.start.take();
        let output = self.store.client.query(&self.request).await.map_err(|e| backend(&self.what, e))?;
        match output.last_evaluated_key {
            Some(key) if !key.is_empty() => self.start = Some(key),
            _ => self.done = true,
        }
        Ok(Some(output.items))
    }
}

/// Items as a page: parsed, with a cursor at the last one's `position` if `more` follow.
pub(crate) fn page_of<T>(
    items: &[Item],
    more: bool,
    parse: impl Fn(&Item) -> anyhow::Result<T>,
    position: impl Fn(&Item) -> anyhow::Result<String>,
) -> Result<Page<T>, StoreError> {
    let next_cursor = match items.last() {
        Some(last) if more => Some(super::cursor::encode(&position(last).map_err(decode)?)),
        _ => None,
    };
    let items = items.iter().map(parse).collect::<anyhow::Result<_>>().map_err(decode)?;
    Ok(Page { items, next_cursor })
}

impl DynamoStore {
    /// `query`, to read a response at a time.
    pub(crate) fn pages(&self, query: &KeyQuery) -> Pages<'_> {
        Pages {
            store: self,
            request: query.request(self),
            start: query.start.clone(),
            filtered: !query.filters.is_empty(),
            done: false,
            what: query.what.clone(),
        }
    }

    /// The first `limit` items of `query` (every item with `None`), reading response after
    /// response (one stops at 1 MB).
    pub(crate) async fn query_up_to(&self, query: &KeyQuery, limit: Option<usize>) -> Result<Vec<Item>, StoreError> {
        let mut pages = self.pages(query);
        let mut items = Vec::new();
        while limit.is_none_or(|limit| items.len() < limit) {
            let Some(page) = pages.next(limit.map(|limit| limit - items.len())).await? else { break };
            items.extend(page);
        }
        if let Some(limit) = limit {
            items.truncate(limit);
        }
        Ok(items)
    }

    /// Every item of `query`.
    pub(crate) async fn query_all(&self, query: &KeyQuery) -> Result<Vec<Item>, StoreError> {
        self.query_up_to(query, None).await
    }

    /// One page of `query`: up to `limit` items parsed, and a cursor at the last one's
    /// `position` if more follow.
    pub(crate) async fn page<T>(
        &self,
        query: &KeyQuery,
        limit: usize,
        parse: impl Fn(&Item) -> anyhow::Result<T>,
        position: impl Fn(&Item) -> anyhow::Result<String>,
    ) -> Result<Page<T>, StoreError> {
        // One more than asked tells whether another page follows.
        let mut items = self.query_up_to(query, Some(limit.saturating_add(1))).await?;
        let more = items.len() > limit;
        items.truncate(limit);
        page_of(&items, more, parse, position)
    }
}
