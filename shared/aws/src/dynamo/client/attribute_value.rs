//! DynamoDB's attribute values as its JSON protocol writes them: `{"S": "text"}`,
//! `{"N": "12"}`, `{"B": "<base64>"}`, `{"SS": [...]}`, `{"M": {...}}`, `{"BOOL": true}`…

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;

/// One attribute's value. Numbers stay text, as DynamoDB sends them, so that none loses
/// precision on the way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum AttributeValue {
    /// A string.
    #[serde(rename = "S")]
    S(String),
    /// A number, as text.
    #[serde(rename = "N")]
    N(String),
    /// Bytes.
    #[serde(rename = "B", with = "base64_bytes")]
    B(Vec<u8>),
    /// A set of strings.
    #[serde(rename = "SS")]
    Ss(Vec<String>),
    /// A set of numbers, as text.
    #[serde(rename = "NS")]
    Ns(Vec<String>),
    /// A set of byte strings.
    #[serde(rename = "BS", with = "base64_byte_strings")]
    Bs(Vec<Vec<u8>>),
    /// A map.
    #[serde(rename = "M")]
    M(HashMap<String, AttributeValue>),
    /// A list.
    #[serde(rename = "L")]
    L(Vec<AttributeValue>),
    /// A boolean.
    #[serde(rename = "BOOL")]
    Bool(bool),
    /// The null value (always `true`).
    #[serde(rename = "NULL")]
    Null(bool),
}

/// Bytes as DynamoDB's JSON carries them: base64.
mod base64_bytes {
    use super::*;

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A set of byte strings, each in base64.
mod base64_byte_strings {
    use super::*;

    pub(super) fn serialize<S: Serializer>(set: &[Vec<u8>], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(set.iter().map(|bytes| STANDARD.encode(bytes)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts.into_iter().map(|text| STANDARD.decode(text).map_err(serde::de::Error::custom)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_is_written_and_read_as_dynamodb_does() {
        let cases = [
            (AttributeValue::S("a".into()), json!({"S": "a"})),
            (AttributeValue::N("12.50".into()), json!({"N": "12.50"})),
            (AttributeValue::B(vec![0, 255, 10]), json!({"B": "AP8K"})),
            (AttributeValue::Ss(vec!["x".into(), "y".into()]), json!({"SS": ["x", "y"]})),
            (AttributeValue::Ns(vec!["1".into()]), json!({"NS": ["1"]})),
            (AttributeValue::Bs(vec![vec![1], vec![2, 3]]), json!({"BS": ["AQ==", "AgM="]})),
            (AttributeValue::M(HashMap::from([("k".to_owned(), AttributeValue::Bool(true))])), json!({"M": {"k": {"BOOL": true}}})),
            (
                AttributeValue::L(vec![AttributeValue::Null(true), AttributeValue::N("1".into())]),
                json!({"L": [{"NULL": true}, {"N": "1"}]}),
            ),
        ];
        for (value, wire) in cases {
            assert_eq!(serde_json::to_value(&value).unwrap(), wire, "{value:?}");
            assert_eq!(serde_json::from_value::<AttributeValue>(wire.clone()).unwrap(), value, "{wire}");
        }
    }

    #[test]
    fn what_is_not_an_attribute_value_is_refused() {
        for wire in [json!({"X": "a"}), json!({"B": "not base64!"}), json!({"N": 12}), json!("plain")] {
            assert!(serde_json::from_value::<AttributeValue>(wire.clone()).is_err(), "{wire}");
        }
    }
}
