//! Update and condition expressions built from attribute names, with placeholders for every
//! name (so reserved words like `status` need no thought) and every value.

use crate::dynamo::client::{AttributeValue, Condition, Item, UpdateItem};
use crate::dynamo::keys::PK;
use std::collections::HashMap;

/// An update expression under construction.
#[derive(Debug, Default)]
pub(crate) struct Update {
    sets: Vec<String>,
    removes: Vec<String>,
    adds: Vec<String>,
    conditions: Vec<String>,
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: HashMap<String, AttributeValue>,
}

impl Update {
    fn name(&mut self, attribute: &str) -> String {
        let placeholder = format!("#{attribute}");
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// `SET attribute = value`.
    pub(crate) fn set(&mut self, attribute: &str, value: AttributeValue) -> &mut Self {
        let (name, value) = (self.name(attribute), self.value(value));
        self.sets.push(format!("{name} = {value}"));
        self
    }

    /// `REMOVE attribute`.
    pub(crate) fn remove(&mut self, attribute: &str) -> &mut Self {
        let name = self.name(attribute);
        self.removes.push(name);
        self
    }

    /// `ADD attribute amount`: a counter, which starts at zero when absent.
    pub(crate) fn add(&mut self, attribute: &str, amount: i64) -> &mut Self {
        let (name, value) = (self.name(attribute), self.value(AttributeValue::N(amount.to_string())));
        self.adds.push(format!("{name} {value}"));
        self
    }

    /// Adds the condition `attribute = value`.
    pub(crate) fn require_equal(&mut self, attribute: &str, value: AttributeValue) -> &mut Self {
        let (name, value) = (self.name(attribute), self.value(value));
        self.conditions.push(format!("{name} = {value}"));
        self
    }

    /// Adds the condition that `attribute` is absent or `value`.
    pub(crate) fn require_absent_or_equal(&mut self, attribute: &str, value: AttributeValue) -> &mut Self {
        let (name, value) = (self.name(attribute), self.value(value));
        self.conditions.push(format!("(attribute_not_exists({name}) OR {name} = {value})"));
        self
    }

    /// Adds the condition that `attribute` is absent.
    pub(crate) fn require_absent(&mut self, attribute: &str) -> &mut Self {
        let name = self.name(attribute);
        self.conditions.push(format!("attribute_not_exists({name})"));
        self
    }

    /// Adds the condition that the item exists.
    pub(crate) fn require_exists(&mut self) -> &mut Self {
        let name = self.name(PK);
        self.conditions.push(format!("attribute_exists({name})"));
        self
    }

    /// Adds the condition that the item does not exist yet.
    pub(crate) fn require_new(&mut self) -> &mut Self {
        let name = self.name(PK);
        self.conditions.push(format!("attribute_not_exists({name})"));
        self
    }

    /// An update that writes nothing and only requires the item to be new (a guard).
    pub(crate) fn only_if_new() -> Self {
        let mut guard = Self::default();
        guard.require_new();
        guard
    }

    /// The condition, names and values of a guard (an update used for its conditions alone),
    /// each `None` when empty as DynamoDB wants them.
    pub(crate) fn into_guard(self) -> Condition {
        Condition {
            condition_expression: self.condition(),
            expression_attribute_names: Some(self.names).filter(|n| !n.is_empty()),
            expression_attribute_values: Some(self.values).filter(|v| !v.is_empty()),
        }
    }

    /// The `UpdateItem` of the item at `key` in `table` that this update makes.
    pub(crate) fn into_request(self, table: &str, key: Item) -> UpdateItem {
        let update_expression = self.expression();
        UpdateItem { table_name: table.to_owned(), key, update_expression, condition: self.into_guard() }
    }

    /// The update expression.
    pub(crate) fn expression(&self) -> String {
        let mut parts = Vec::new();
        if !self.sets.is_empty() {
            parts.push(format!("SET {}", self.sets.join(", ")));
        }
        if !self.removes.is_empty() {
            parts.push(format!("REMOVE {}", self.removes.join(", ")));
        }
        if !self.adds.is_empty() {
            parts.push(format!("ADD {}", self.adds.join(", ")));
        }
        parts.join(" ")
    }

    /// The condition expression, if any condition was added.
    pub(crate) fn condition(&self) -> Option<String> {
        (!self.conditions.is_empty()).then(|| self.conditions.join(" AND "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_use_placeholders_throughout() {
        let mut update = Update::default();
        update
            .set("status", AttributeValue::S("up".into()))
            .remove("due_at")
            .add("version", 1)
            .require_equal("health_version", AttributeValue::N("3".into()));
        assert_eq!(update.expression(), "SET #status = :v0 REMOVE #due_at ADD #version :v1");
        assert_eq!(update.condition().as_deref(), Some("#health_version = :v2"));
        assert_eq!(update.names.len(), 4);
    }
}
