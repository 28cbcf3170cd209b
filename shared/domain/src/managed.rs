//! The mark of a resource that a monitoring-as-code file manages: which file (its `source`) and
//! the resource's logical name in it (its `key`). The key, not the display name, is the
//! resource's identity for `vigil plan` and `vigil apply`, so renaming a monitor is an update;
//! and `--prune` deletes only what carries its own file's source.

use crate::monitor::FieldError;
use serde::{Deserialize, Deserializer, Serialize};

/// Longest source or key, in characters.
pub const MAX_CHARS: usize = 100;

/// Which file manages a resource, and under which logical name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Managed {
    /// The managing file's name for itself (its `source:`), shared by everything it manages.
    pub source: String,
    /// The resource's logical name in that file, stable across renames.
    pub key: String,
}

impl Managed {
    /// The problems of this mark, reported under `field`.
    pub fn problems(&self, field: &str) -> Vec<FieldError> {
        let mut problems = Vec::new();
        for (part, value) in [("source", &self.source), ("key", &self.key)] {
            let chars = value.chars().count();
            if value.trim().is_empty() || chars > MAX_CHARS || value.chars().any(char::is_control) || value.trim() != value {
                problems.push(FieldError {
                    field: format!("{field}.{part}"),
                    message: format!("must be 1 to {MAX_CHARS} characters, without control characters or surrounding spaces"),
                });
            }
        }
        problems
    }
}

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value, for partial
/// updates where `null` clears what absence keeps.
pub(crate) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_bounded_printable_text() {
        let mark = |source: &str, key: &str| Managed { source: source.into(), key: key.into() }.problems("managed");
        assert!(mark("prod", "api-health").is_empty());
        assert!(mark("prod monitors", "API health (EU)").is_empty());
        let fields = |problems: Vec<FieldError>| problems.into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(fields(mark("", "x")), ["managed.source"]);
        assert_eq!(fields(mark("x", " padded")), ["managed.key"]);
        assert_eq!(fields(mark("a\nb", &"k".repeat(MAX_CHARS + 1))), ["managed.source", "managed.key"]);
    }
}
