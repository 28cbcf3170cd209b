//! Reading a message catalogue's TOML into dotted keys: nested tables make dotted keys, and a
//! table of exactly `one` and `other` is a plural. build.rs reads the catalogues this way and
//! compiles them into the binary as sorted tables; the catalogue tests read them the same way.

use std::collections::BTreeMap;

/// One message as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadMessage {
    /// The same text for every count.
    Text(String),
    /// The texts for a count of one and for other counts.
    Plural(String, String),
}

/// Every message of a catalogue by dotted key, or what is wrong with it.
pub fn read_catalogue(text: &str) -> Result<BTreeMap<String, ReadMessage>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut messages = BTreeMap::new();
    flatten("", &table, &mut messages)?;
    Ok(messages)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, ReadMessage>) -> Result<(), String> {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            toml::Value::String(text) => {
                out.insert(key, ReadMessage::Text(text.clone()));
            }
            toml::Value::Table(inner) if inner.contains_key("one") && inner.contains_key("other") => {
                let text = |form: &str| inner.get(form).and_then(|v| v.as_str()).map(str::to_owned);
                let (Some(one), Some(other), 2) = (text("one"), text("other"), inner.len()) else {
                    return Err(format!("`{key}` must hold exactly the texts `one` and `other`"));
                };
                out.insert(key, ReadMessage::Plural(one, other));
            }
            toml::Value::Table(inner) => flatten(&key, inner, out)?,
            _ => return Err(format!("`{key}` must be a text, a table, or a plural (`one`, `other`)")),
        }
    }
    Ok(())
}
