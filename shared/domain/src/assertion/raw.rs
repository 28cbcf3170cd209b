//! Operands as the scanner read them, before they are typed against each other, and how a
//! position in the source becomes an error's column. Shared by the scanner ([`super::parser`])
//! and the type check ([`super::check`]), which therefore do not depend on each other.

use super::AssertionParseError;
use super::ast::Subject;
use super::pattern::Pattern;

/// An operand as written, before it is typed against the other side.
pub(super) struct Raw {
    pub start: usize,
    pub end: usize,
    pub form: Form,
}

/// What an operand is: a placeholder or function of one, a value, a pattern or a list of values.
pub(super) enum Form {
    Subject(Subject),
    Literal { value: String, quoted: bool },
    Pattern(Pattern),
    AnyOf(Vec<RawOption>),
}

/// One value of `any(...)`, with where it starts.
pub(super) struct RawOption {
    pub text: String,
    pub start: usize,
}

/// The error for `pos` in `src`, with the column counted in characters.
pub(super) fn error_at(src: &str, pos: usize, message: impl Into<String>) -> AssertionParseError {
    AssertionParseError { column: src[..pos].chars().count() + 1, message: message.into() }
}

/// The byte offset of the `chars`-th character of `text` (or its end).
pub(super) fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(at, _)| at)
}
