//! The message catalogues, embedded in the binary and read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use vigil_domain::accounts::Locale;

/// English, the reference catalogue.
pub(crate) const EN: &str = include_str!("../../i18n/en.toml");
/// French.
pub(crate) const FR: &str = include_str!("../../i18n/fr.toml");

/// Marks a string as a message key, so that the catalogue test finds every key the code uses.
pub(crate) const fn msg(key: &'static str) -> &'static str {
    key
}

/// One message: a text, or a text per plural form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Message {
    /// The same for every count.
    Text(String),
    /// For a count of one (and zero in French), and for other counts.
    Plural {
        /// The singular.
        one: String,
        /// Every other count.
        other: String,
    },
}

/// Every message of one language, by dotted key.
#[derive(Debug, Default)]
pub(crate) struct Catalogue {
    messages: BTreeMap<String, Message>,
}

impl Catalogue {
    /// The catalogue of `locale` (parsed at first use; a broken catalogue fails the tests).
    pub(crate) fn of(locale: Locale) -> &'static Catalogue {
        static EN_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        static FR_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        let (cell, text) = match locale {
            Locale::En => (&EN_CATALOGUE, EN),
            Locale::Fr => (&FR_CATALOGUE, FR),
        };
        cell.get_or_init(|| {
            Catalogue::parse(text).unwrap_or_else(|error| {
                tracing::error!(%error, locale = locale.as_str(), "a message catalogue does not parse");
                Catalogue::default()
            })
        })
    }

    /// Reads a catalogue: nested tables make dotted keys; a table of `one` and `other` is a
    /// plural.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut messages = BTreeMap::new();
        flatten("", &table, &mut messages)?;
        Ok(Self { messages })
    }

    /// The message of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Message> {
        self.messages.get(key)
    }

    /// Every key and message.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &Message)> {
        self.messages.iter()
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, Message>) -> Result<(), String> {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            toml::Value::String(text) => {
                out.insert(key, Message::Text(text.clone()));
            }
            toml::Value::Table(inner) if inner.contains_key("one") && inner.contains_key("other") => {
                let text = |form: &str| inner.get(form).and_then(|v| v.as_str()).map(str::to_owned);
                let (Some(one), Some(other), 2) = (text("one"), text("other"), inner.len()) else {
                    return Err(format!("`{key}` must hold exactly the texts `one` and `other`"));
                };
                out.insert(key, Message::Plural { one, other });
            }
            toml::Value::Table(inner) => flatten(&key, inner, out)?,
            _ => return Err(format!("`{key}` must be a text, a table, or a plural (`one`, `other`)")),
        }
    }
    Ok(())
}
