//! Every word a page shows comes from a message catalogue (`i18n/en.toml`, `i18n/fr.toml`),
//! looked up by key with named arguments (`{name}`) and plurals (`one` / `other`). Dates and
//! numbers are written for the locale, in the reader's time zone.

mod catalogue;
#[cfg(test)]
mod catalogue_tests;
#[cfg(test)]
mod flatten;
mod format;
mod negotiate;

pub(crate) use catalogue::{Catalogue, Message, msg};
pub(crate) use negotiate::{LANGUAGE_COOKIE, from_accept_language};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::borrow::Borrow;
use std::fmt::Display;
use vigil_domain::accounts::Locale;

/// The catalogue and conventions of one reader: their language and time zone.
#[derive(Clone, Debug)]
pub struct Tr {
    locale: Locale,
    zone: TimeZone,
    catalogue: &'static Catalogue,
}

impl Tr {
    /// The reader's language, in `zone` (an IANA name; UTC if unknown).
    pub fn new(locale: Locale, zone: &str) -> Self {
        Self { locale, zone: TimeZone::get(zone).unwrap_or(TimeZone::UTC), catalogue: Catalogue::of(locale) }
    }

    /// The language.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    /// The message `key`.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        match self.catalogue.get(key) {
            Some(Message::Text(text)) => text,
            Some(Message::Plural { other, .. }) => other,
            None => missing(key),
        }
    }

    /// The message `key` with `{name}` replaced by `value`.
    pub fn a(&self, key: &str, name: &str, value: impl Display) -> String {
        fill(self.t(key), &[(name, &value.to_string())])
    }

    /// The message `key` with two named arguments.
    pub fn a2(&self, key: &str, name: &str, value: impl Display, name2: &str, value2: impl Display) -> String {
        fill(self.t(key), &[(name, &value.to_string()), (name2, &value2.to_string())])
    }

    /// The plural form of `key` for `count`, with `{count}` written for the locale.
    pub fn n(&self, key: &str, count: impl Borrow<i64>) -> String {
        let count = *count.borrow();
        let text = match self.catalogue.get(key) {
            Some(Message::Plural { one, other }) => {
                if self.is_one(count) {
                    one
                } else {
                    other
                }
            }
            Some(Message::Text(text)) => text,
            None => missing(key),
        };
        fill(text, &[("count", &self.number(count))])
    }

    /// Whether `count` takes the `one` form: 1 in English; 0 and 1 in French.
    fn is_one(&self, count: i64) -> bool {
        match self.locale {
            Locale::En => count == 1,
            Locale::Fr => count == 0 || count == 1,
        }
    }

    /// An integer with the locale's digit grouping.
    pub fn number(&self, n: i64) -> String {
        format::group(n, self.locale)
    }

    /// A decimal with `digits` after the locale's decimal mark.
    pub fn decimal(&self, n: f64, digits: usize) -> String {
        format::decimal(n, digits, self.locale)
    }

    /// A moment as the reader reads it: date and time in their zone, with the zone's name.
    pub fn datetime(&self, at: Timestamp) -> String {
        format::datetime(self, at)
    }

    /// A date alone, in the reader's zone.
    pub fn date(&self, at: Timestamp) -> String {
        format::date(self, at)
    }

    /// The month of a moment, in the reader's zone: "Dec 2026", "déc. 2026".
    pub fn month(&self, at: Timestamp) -> String {
        format::month(self, at)
    }

    /// The short name of a moment's month, in the reader's zone: "Dec", "déc.".
    pub fn month_name(&self, at: Timestamp) -> String {
        format::month_name(self, at)
    }

    /// The moment's `YYYY-MM-DD` in the reader's zone (for `<input type=date>` values).
    pub fn iso_date(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.zone.clone()).date().to_string()
    }

    /// The reader's time zone.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }
}

fn missing(key: &str) -> &str {
    tracing::warn!(key, "a message key is missing from the catalogue");
    key
}

/// Replaces each `{name}` in `text` by its value.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_and_plurals_follow_the_locale() {
        let en = Tr::new(Locale::En, "UTC");
        let fr = Tr::new(Locale::Fr, "Europe/Paris");
        let cases = [
            (en.n("members.count", 0), "0 members"),
            (en.n("members.count", 1), "1 member"),
            (en.n("members.count", 1200), "1,200 members"),
            (fr.n("members.count", 0), "0 membre"),
            (fr.n("members.count", 1), "1 membre"),
            (fr.n("members.count", 1200), "1\u{202f}200 membres"),
            (en.a("members.role_of", "name", "Ann"), "Role of Ann"),
            (fr.a("members.role_of", "name", "Ann"), "Rôle de Ann"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_missing_key_shows_itself_and_an_unknown_argument_stays() {
        let en = Tr::new(Locale::En, "UTC");
        assert_eq!(en.t("no.such.key"), "no.such.key");
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }
}
