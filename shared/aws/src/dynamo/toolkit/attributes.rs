//! Reading and writing attribute values.

use crate::dynamo::client::AttributeValue;
use anyhow::{Context, anyhow};
use std::str::FromStr;

pub(crate) use crate::dynamo::client::Item;

/// A string attribute value.
pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute value.
pub(crate) fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Typed reads of an item's attributes, failing with the attribute's name.
pub(crate) trait ItemExt {
    /// A string attribute.
    fn string(&self, name: &str) -> anyhow::Result<&str>;
    /// A number attribute.
    fn number<T: FromStr>(&self, name: &str) -> anyhow::Result<T>;
    /// A number attribute that may be absent.
    fn opt_number<T: FromStr>(&self, name: &str) -> anyhow::Result<Option<T>>;
    /// A string attribute that may be absent.
    fn opt_string(&self, name: &str) -> anyhow::Result<Option<&str>>;
}

impl ItemExt for Item {
    fn string(&self, name: &str) -> anyhow::Result<&str> {
        self.opt_string(name)?.ok_or_else(|| anyhow!("attribute `{name}` is missing"))
    }

    fn number<T: FromStr>(&self, name: &str) -> anyhow::Result<T> {
        self.opt_number(name)?.ok_or_else(|| anyhow!("attribute `{name}` is missing"))
    }

    fn opt_number<T: FromStr>(&self, name: &str) -> anyhow::Result<Option<T>> {
        match self.get(name) {
            None => Ok(None),
            Some(AttributeValue::N(text)) => {
                text.parse().map(Some).map_err(|_| anyhow!("attribute `{name}` is not a valid number: {text}"))
            }
            Some(other) => Err(anyhow!("attribute `{name}` is not a number: {other:?}")),
        }
    }

    fn opt_string(&self, name: &str) -> anyhow::Result<Option<&str>> {
        match self.get(name) {
            None => Ok(None),
            Some(AttributeValue::S(text)) => Ok(Some(text)),
            Some(other) => Err(anyhow!("attribute `{name}` is not a string: {other:?}")),
        }
    }
}

/// The text after `prefix` in a key attribute, parsed.
pub(crate) fn key_suffix<T: FromStr>(item: &Item, attribute: &str, prefix: &str) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let key = item.string(attribute)?;
    let rest = key.strip_prefix(prefix).ok_or_else(|| anyhow!("key `{key}` does not start with `{prefix}`"))?;
    rest.parse().with_context(|| format!("key `{key}`"))
}
