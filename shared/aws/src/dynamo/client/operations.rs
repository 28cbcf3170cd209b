//! The requests and answers of the eight DynamoDB operations the store makes, as DynamoDB's
//! JSON protocol names their fields. Optional fields left `None` (or empty) are not sent.

use super::attribute_value::AttributeValue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An item, or a key: attribute values by name.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// Placeholders of attribute names in an expression (`#status` → `status`).
pub(crate) type Names = HashMap<String, String>;

/// Placeholders of values in an expression (`:v0` → a value).
pub(crate) type Values = HashMap<String, AttributeValue>;

/// `GetItem`: one item by key.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetItem {
    pub(crate) table_name: String,
    pub(crate) key: Item,
    pub(crate) consistent_read: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) projection_expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expression_attribute_names: Option<Names>,
}

/// What `GetItem` answers: the item, if there is one.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetItemAnswer {
    pub(crate) item: Option<Item>,
}

/// Keys of one table to read in a `BatchGetItem`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct KeysAndAttributes {
    pub(crate) keys: Vec<Item>,
    #[serde(default)]
    pub(crate) consistent_read: bool,
}

/// `BatchGetItem`: up to 100 items by key, by table.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BatchGetItem {
    pub(crate) request_items: HashMap<String, KeysAndAttributes>,
}

/// What `BatchGetItem` answers: the items found, by table, and the keys left for another call.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BatchGetItemAnswer {
    #[serde(default)]
    pub(crate) responses: HashMap<String, Vec<Item>>,
    #[serde(default)]
    pub(crate) unprocessed_keys: HashMap<String, KeysAndAttributes>,
}

/// A write's condition: the expression and its placeholders.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Condition {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) condition_expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expression_attribute_names: Option<Names>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expression_attribute_values: Option<Values>,
}

impl Condition {
    /// `expression`, with its placeholders' `names` and `values`.
    pub(crate) fn on(expression: &str, names: &[(&str, &str)], values: Vec<(&str, AttributeValue)>) -> Self {
        Self {
            condition_expression: Some(expression.to_owned()),
            expression_attribute_names: (!names.is_empty())
                .then(|| names.iter().map(|(alias, name)| ((*alias).to_owned(), (*name).to_owned())).collect()),
            expression_attribute_values: (!values.is_empty())
                .then(|| values.into_iter().map(|(alias, value)| (alias.to_owned(), value)).collect()),
        }
    }
}

/// `PutItem`, and a put within a transaction: an item written whole, if its condition holds.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutItem {
    pub(crate) table_name: String,
    pub(crate) item: Item,
    #[serde(flatten)]
    pub(crate) condition: Condition,
}

/// `UpdateItem`, and an update within a transaction: attributes of the item at `key` set or
/// removed, if the condition holds.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UpdateItem {
    pub(crate) table_name: String,
    pub(crate) key: Item,
    pub(crate) update_expression: String,
    #[serde(flatten)]
    pub(crate) condition: Condition,
}

/// `DeleteItem`, and a delete within a transaction: the item at `key`, if the condition holds.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeleteItem {
    pub(crate) table_name: String,
    pub(crate) key: Item,
    #[serde(flatten)]
    pub(crate) condition: Condition,
    /// `ALL_OLD` to have the deleted item back (not allowed within a transaction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) return_values: Option<&'static str>,
}

/// What `PutItem`, `UpdateItem` and `DeleteItem` answer: the old item, when it was asked for.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WriteAnswer {
    pub(crate) attributes: Option<Item>,
}

/// `Query`: items of one partition of the table or of an index, in sort-key order.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Query {
    pub(crate) table_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) index_name: Option<String>,
    pub(crate) key_condition_expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) filter_expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) projection_expression: Option<String>,
    pub(crate) expression_attribute_names: Names,
    pub(crate) expression_attribute_values: Values,
    pub(crate) scan_index_forward: bool,
    pub(crate) consistent_read: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exclusive_start_key: Option<Item>,
}

/// What `Query` answers: a page of items, and where the next one starts if one follows.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueryAnswer {
    #[serde(default)]
    pub(crate) items: Vec<Item>,
    pub(crate) last_evaluated_key: Option<Item>,
}

/// One write of a `BatchWriteItem`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum WriteRequest {
    /// Writes an item whole.
    PutRequest {
        #[serde(rename = "Item")]
        item: Item,
    },
    /// Deletes the item at a key.
    DeleteRequest {
        #[serde(rename = "Key")]
        key: Item,
    },
}

/// `BatchWriteItem`: up to 25 puts and deletes, by table.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BatchWriteItem {
    pub(crate) request_items: HashMap<String, Vec<WriteRequest>>,
}

/// What `BatchWriteItem` answers: the writes left for another call, by table.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BatchWriteItemAnswer {
    #[serde(default)]
    pub(crate) unprocessed_items: HashMap<String, Vec<WriteRequest>>,
}

/// One write of a transaction.
#[derive(Clone, Debug, Serialize)]
pub(crate) enum TransactWriteItem {
    /// A put.
    Put(PutItem),
    /// An update.
    Update(UpdateItem),
    /// A delete.
    Delete(DeleteItem),
}

/// `TransactWriteItems`: every write, or none.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TransactWriteItems {
    pub(crate) transact_items: Vec<TransactWriteItem>,
}

/// What an operation answers when nothing of its answer is read.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Nothing {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    #[test]
    fn a_transaction_is_written_as_dynamodb_names_its_parts() {
        let key = Item::from([("pk".to_owned(), s("T#1"))]);
        let put = PutItem {
            table_name: "t".into(),
            item: key.clone(),
            condition: Condition { condition_expression: Some("attribute_not_exists(#pk)".into()), ..Condition::default() },
        };
        let update = UpdateItem {
            table_name: "t".into(),
            key: key.clone(),
            update_expression: "SET #s = :v0".into(),
            condition: Condition {
                expression_attribute_names: Some(Names::from([("#s".to_owned(), "status".to_owned())])),
                expression_attribute_values: Some(Values::from([(":v0".to_owned(), s("up"))])),
                ..Condition::default()
            },
        };
        let delete = DeleteItem { table_name: "t".into(), key: key.clone(), ..DeleteItem::default() };
        let request = TransactWriteItems {
            transact_items: vec![TransactWriteItem::Put(put), TransactWriteItem::Update(update), TransactWriteItem::Delete(delete)],
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"TransactItems": [
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "T#1"}}, "ConditionExpression": "attribute_not_exists(#pk)"}},
                {"Update": {"TableName": "t", "Key": {"pk": {"S": "T#1"}}, "UpdateExpression": "SET #s = :v0",
                    "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":v0": {"S": "up"}}}},
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "T#1"}}}},
            ]})
        );
    }

    #[test]
    fn batches_and_queries_are_written_and_read_as_dynamodb_names_them() {
        let key = Item::from([("pk".to_owned(), s("a"))]);
        let writes = BatchWriteItem {
            request_items: HashMap::from([(
                "t".to_owned(),
                vec![WriteRequest::PutRequest { item: key.clone() }, WriteRequest::DeleteRequest { key: key.clone() }],
            )]),
        };
        assert_eq!(
            serde_json::to_value(&writes).unwrap(),
            json!({"RequestItems": {"t": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}})
        );
        let left: BatchWriteItemAnswer =
            serde_json::from_value(json!({"UnprocessedItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}})).unwrap();
        assert_eq!(left.unprocessed_items["t"], [WriteRequest::DeleteRequest { key: key.clone() }]);
        let done: BatchWriteItemAnswer = serde_json::from_value(json!({"UnprocessedItems": {}})).unwrap();
        assert!(done.unprocessed_items.is_empty());

        let query = Query { table_name: "t".into(), key_condition_expression: "#pk = :pk".into(), limit: Some(5), ..Query::default() };
        let wire = serde_json::to_value(&query).unwrap();
        assert_eq!(wire["Limit"], 5);
        assert_eq!(wire["ScanIndexForward"], false);
        assert!(wire.get("IndexName").is_none() && wire.get("ExclusiveStartKey").is_none(), "{wire}");
        let page: QueryAnswer = serde_json::from_value(
            json!({"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 1, "LastEvaluatedKey": {"pk": {"S": "a"}}}),
        )
        .unwrap();
        assert_eq!((page.items.len(), page.last_evaluated_key), (1, Some(key)));
    }
}
