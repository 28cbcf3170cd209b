//! Assertions: conditions on a response, in a language compatible with
//! [Gatus's conditions](https://github.com/TwiN/gatus#conditions), so existing Gatus configs can
//! be brought over as they are.
//!
//! # The language
//!
//! A condition is one comparison, `<operand> <operator> <operand>`; a monitor with several
//! conditions is up only when all of them hold.
//!
//! ```text
//! condition   = operand ws* operator ws* operand
//! operator    = "==" | "!=" | "<" | "<=" | ">" | ">="
//! operand     = placeholder | "len(" placeholder ")" | "has(" placeholder ")"
//!             | "pat(" pattern ")" | "any(" value ("," value)* ")" | quoted | value
//! placeholder = "[STATUS]" | "[RESPONSE_TIME]" | "[CERTIFICATE_EXPIRATION]" | "[CONNECTED]"
//!             | "[IP]" | "[BODY]" path? | "[HEADER]." header-name
//! path        = ( "." key | "[" index "]" )+          e.g. [BODY].data.items[0].id, [BODY][0]
//! quoted      = '"' ( char | '\"' | '\\' )* '"'
//! ```
//!
//! - Placeholder names are case-insensitive (`[status]` works, as in Gatus); JSON keys are not.
//!   Header names are case-insensitive. `[HEADER]` is Vigil's own (Gatus has none); only that
//!   spelling is accepted, so `[HEADERS]` is refused with a "did you mean [HEADER]?".
//! - `[STATUS]` is the status code; `[RESPONSE_TIME]` the whole check in milliseconds;
//!   `[CERTIFICATE_EXPIRATION]` the time until the leaf certificate expires, in milliseconds
//!   (a check without TLS fails such a condition); `[CONNECTED]` is always `true` (conditions
//!   are only evaluated on responses); `[IP]` is the address connected to.
//! - `[BODY]` is the body as text (trimmed); with a path it is the JSON value there. A path
//!   that does not resolve (a non-JSON body, a missing key, an index past the end) fails the
//!   condition whatever the operator, with the reason in the message.
//! - `len()` counts the items of an array, the keys of an object or the characters of a value;
//!   `len([BODY])` counts the items of a top-level array, else the characters of the body.
//!   `has()` is `true` when the path leads to a non-null value (or the body / header is present).
//! - `pat()` uses Go's `path.Match` syntax: `*`, `?`, `[a-z]`, `[^0-9]`, and `\` to escape.
//!   `any()` holds when the other side equals one of its comma-separated values.
//! - A value on the right runs to the end of the condition, spaces included
//!   (`[BODY].message == all good`); double quotes allow leading spaces, operators and
//!   parentheses inside text.
//! - Durations use Go's notation (`72h`, `30m`, `1h30m`, `1.5s`, `500ms`) and stand for
//!   milliseconds. Inapplicable Gatus placeholders (`[DNS_RCODE]`, `[DOMAIN_EXPIRATION]`,
//!   `[CONTEXT]`) are refused with the reason.
//!
//! Comparison follows Gatus: `==` compares as integers when both sides read as integers
//! (`0x1 == 1`), else as text; `<` and friends compare numbers (durations as milliseconds).
//! Where Vigil differs it is to refuse at save time what Gatus would silently never match, or
//! to fail a check Gatus would pass on data it could not read; see [`Assertion::evaluate`].
//!
//! Refused at save time although Gatus accepts them (they could only ever fail, or mean
//! something other than what was written): a value that does not fit its placeholder
//! (`[STATUS] == OK`, `[IP] == localhost`, `[CONNECTED] == yes`), `len()`/`has()` of
//! placeholders they say nothing about, `pat()`/`any()` with `<`, a malformed pattern, a
//! comparison without any placeholder, a second operator or `&&`, JSON path wildcards and
//! negative indexes, and `[CONNECTED] == false`. Accepted although Gatus refuses them: an
//! operator without spaces around it (`[STATUS]==200`), and double-quoted values.

mod ast;
mod check;
mod duration;
mod eval;
mod names;
mod number;
mod parser;
mod pattern;
mod raw;
#[cfg(test)]
mod tests;

use crate::probe::ResponseObservation;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A parsed condition, kept with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    source: String,
    condition: ast::Condition,
}

/// Why a condition could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at column {column}: {message}")]
pub struct AssertionParseError {
    /// 1-based character column (of the text as given, before trimming) where the problem is.
    pub column: usize,
    /// What is wrong, and usually how to write it instead.
    pub message: String,
}

/// Why a condition did not hold: the resolved values, for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionMismatch {
    /// The condition with its placeholders resolved, e.g. `[STATUS] (503) == 200` or
    /// `[BODY].data.status (the body is not JSON) == UP`.
    pub actual: String,
}

impl Assertion {
    /// Parses and checks a condition, refusing anything that could not be evaluated or could
    /// never hold, with the column and the reason.
    pub fn parse(source: &str) -> Result<Self, AssertionParseError> {
        let condition = parser::parse(source)?;
        Ok(Self { source: source.trim().to_owned(), condition })
    }

    /// The source text, trimmed.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether evaluating it needs the response body (it mentions `[BODY]` in any form).
    pub fn reads_body(&self) -> bool {
        self.condition.reads_body()
    }

    /// Evaluates against a response. The body is decoded (and parsed as JSON) at most once.
    ///
    /// Differences from Gatus, all deliberate:
    /// - a value that cannot be resolved fails the condition even with `!=` (Gatus compares
    ///   the text `(INVALID)` and so passes `!=`);
    /// - `has()` of a path fails when the body is not JSON rather than being `false`;
    /// - `<` and friends compare decimals exactly (Gatus truncates them to integers) and fail
    ///   on values that are not numbers (Gatus reads them as 0);
    /// - a JSON number equals a text reading as the same number (`1.0 == 1`);
    /// - `len()` of an object counts its keys (Gatus counts the characters of its JSON);
    /// - arrays and objects are rendered as JSON for patterns and messages (Gatus uses Go's
    ///   `[a b]` notation), and `*` in a pattern crosses `/` without stripping it;
    /// - leading zeros are decimal (`010` is ten; Go reads it as octal);
    /// - `[CERTIFICATE_EXPIRATION]` without TLS fails instead of being 0;
    /// - a JSON `null` is a value: `[BODY].x == null` holds for it (Gatus treats it as missing,
    ///   which `has()` still does).
    pub fn evaluate(&self, response: &ResponseObservation) -> Result<(), AssertionMismatch> {
        eval::evaluate(&self.condition, response).map_err(|actual| AssertionMismatch { actual })
    }
}

impl fmt::Display for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Serialize for Assertion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Assertion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = String::deserialize(d)?;
        Assertion::parse(&source).map_err(serde::de::Error::custom)
    }
}
