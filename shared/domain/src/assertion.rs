//! Assertions: conditions on a response in a language compatible with Gatus's conditions.
//!
//! PLACEHOLDER INTERFACE — being replaced by the full parser and evaluator.

use crate::probe::ResponseObservation;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A parsed condition, kept with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    source: String,
    expected: u16,
}

/// Why a condition could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at column {column}: {message}")]
pub struct AssertionParseError {
    /// 1-based character column where the problem is.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Why a condition did not hold: the resolved values, for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionMismatch {
    /// The condition with its placeholders resolved, e.g. `[STATUS] (503) == 200`.
    pub actual: String,
}

impl Assertion {
    /// Parses a condition.
    pub fn parse(source: &str) -> Result<Self, AssertionParseError> {
        let rest = source.trim().strip_prefix("[STATUS] == ").ok_or(AssertionParseError { column: 1, message: "unsupported".into() })?;
        let expected = rest.parse().map_err(|_| AssertionParseError { column: 13, message: "expected a number".into() })?;
        Ok(Self { source: source.trim().to_owned(), expected })
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether evaluating it needs the response body.
    pub fn reads_body(&self) -> bool {
        false
    }

    /// Evaluates against a response.
    pub fn evaluate(&self, response: &ResponseObservation) -> Result<(), AssertionMismatch> {
        if response.status == self.expected {
            Ok(())
        } else {
            Err(AssertionMismatch { actual: format!("[STATUS] ({}) == {}", response.status, self.expected) })
        }
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
