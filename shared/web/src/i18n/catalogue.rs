//! The message catalogues, compiled into the binary by build.rs from `i18n/*.toml` as tables
//! sorted by key: nothing is parsed when a function starts, and no TOML reader is linked.

use vigil_domain::accounts::Locale;

/// English, the reference catalogue, as written.
#[cfg(test)]
pub(crate) const EN: &str = include_str!("../../i18n/en.toml");
/// French, as written.
#[cfg(test)]
pub(crate) const FR: &str = include_str!("../../i18n/fr.toml");

/// Marks a string as a message key, so that the catalogue test finds every key the code uses.
pub(crate) const fn msg(key: &'static str) -> &'static str {
    key
}

/// One message: a text, or a text per plural form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Message {
    /// The same for every count.
    Text(&'static str),
    /// For a count of one (and zero in French), and for other counts.
    Plural {
        /// The singular.
        one: &'static str,
        /// Every other count.
        other: &'static str,
    },
}

/// Every message of one language, sorted by dotted key.
#[derive(Debug)]
pub(crate) struct Catalogue {
    messages: &'static [(&'static str, Message)],
}

static EN_CATALOGUE: Catalogue = Catalogue { messages: include!(concat!(env!("OUT_DIR"), "/catalogue_en.rs")) };
static FR_CATALOGUE: Catalogue = Catalogue { messages: include!(concat!(env!("OUT_DIR"), "/catalogue_fr.rs")) };

impl Catalogue {
    /// The catalogue of `locale`.
    pub(crate) fn of(locale: Locale) -> &'static Catalogue {
        match locale {
            Locale::En => &EN_CATALOGUE,
            Locale::Fr => &FR_CATALOGUE,
        }
    }

    /// Reads a catalogue as written (what build.rs does), for the tests of its rules.
    #[cfg(test)]
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        use super::flatten::{ReadMessage, read_catalogue};
        let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
        let messages: Vec<(&'static str, Message)> = read_catalogue(text)?
            .into_iter()
            .map(|(key, message)| {
                let message = match message {
                    ReadMessage::Text(text) => Message::Text(leak(text)),
                    ReadMessage::Plural(one, other) => Message::Plural { one: leak(one), other: leak(other) },
                };
                (leak(key), message)
            })
            .collect();
        Ok(Self { messages: Box::leak(messages.into_boxed_slice()) })
    }

    /// The message of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&'static Message> {
        let messages: &'static [(&'static str, Message)] = self.messages;
        messages.binary_search_by(|(known, _)| (*known).cmp(key)).ok().map(|at| &messages[at].1)
    }

    /// Every key and message, in key order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &'static Message)> {
        let messages: &'static [(&'static str, Message)] = self.messages;
        messages.iter().map(|(key, message)| (*key, message))
    }
}
