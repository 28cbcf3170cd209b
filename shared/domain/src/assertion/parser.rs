//! Reading a condition's text: a hand-written scanner over its characters that produces the two
//! operands and the operator ([`super::raw`]); [`super::check`] then types them into a
//! [`Condition`].
//!
//! Positions are byte offsets into the source; errors turn them into 1-based character columns.

use super::AssertionParseError;
use super::ast::{Condition, JsonPath, Operator, Placeholder, Segment, Subject};
use super::check;
use super::names::{self, Known};
use super::pattern::Pattern;
use super::raw::{Form, Raw, RawOption, byte_offset, error_at};

/// The longest condition accepted, in characters; longer is surely a mistake (a pasted body).
pub(super) const MAX_CHARS: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Parses and type-checks a whole condition.
pub(super) fn parse(source: &str) -> Result<Condition, AssertionParseError> {
    if source.trim().is_empty() {
        return Err(AssertionParseError {
            column: 1,
            message: "the condition is empty; write a comparison such as `[STATUS] == 200`".into(),
        });
    }
    let length = source.chars().count();
    if length > MAX_CHARS {
        return Err(AssertionParseError {
            column: MAX_CHARS + 1,
            message: format!("the condition is {length} characters long; the most allowed is {MAX_CHARS}"),
        });
    }
    let mut parser = Parser { src: source, pos: 0 };
    parser.skip_whitespace();
    let left = parser.operand(Side::Left)?;
    parser.skip_whitespace();
    let operator = parser.operator(&left)?;
    parser.skip_whitespace();
    if parser.peek().is_none() {
        let message =
            format!("missing a value after `{}`, e.g. `{} {} 200`", operator.symbol(), &source[left.start..left.end], operator.symbol());
        return Err(parser.error(parser.pos, message));
    }
    let right = parser.operand(Side::Right)?;
    parser.skip_whitespace();
    if parser.peek().is_some() {
        return Err(parser.extra(parser.pos, &source[right.start..right.end]));
    }
    check::check(source, left, operator, right)
}

fn is_operator_char(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>')
}

/// What may appear in a JSON key: Gatus splits only on `.` and `[`; we also stop at what can
/// follow an operand (space, `)`, an operator) so `len([BODY].a)` and `[BODY].a==1` read.
fn is_key_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '.' | '[' | ']' | '(' | ')') && !is_operator_char(c)
}

/// RFC 9110 token characters, less `!` (which would swallow the `!` of `!=`).
fn is_header_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "#$%&'*+-.^_`|~".contains(c)
}

/// Whitespace-separated words of `text` with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                words.push((from, &text[from..at]));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((from, &text[from..]));
    }
    words
}

/// The message for a word that shows someone tried to write more than one comparison.
fn second_comparison(word: &str) -> Option<String> {
    match word {
        "&&" => {
            Some("conditions can't be joined with `&&`: write each as its own condition (a check passes only when all of them hold)".into())
        }
        "||" => Some("conditions can't be joined with `||`: to accept several values use any(), e.g. `[STATUS] == any(200, 204)`".into()),
        _ if Operator::from_symbol(word).is_some() => Some(format!(
            "a condition has exactly one operator, but here is another `{word}`; write each comparison as its own condition, and put text that contains `{word}` in double quotes"
        )),
        _ => None,
    }
}

/// Looks like `[STATUS]` or `[BODY].x`: someone put a placeholder where a value belongs.
fn looks_like_placeholder(text: &str) -> bool {
    let Some(inner) = text.trim().strip_prefix('[') else { return false };
    let name = inner.split(']').next().unwrap_or_default();
    inner.contains(']') && names::placeholder(&name.to_ascii_uppercase()).is_some()
}

/// Shortens what is quoted back at a person to a readable length.
fn excerpt(text: &str) -> String {
    const MOST: usize = 30;
    if text.chars().count() > MOST { format!("{}…", text.chars().take(MOST).collect::<String>()) } else { text.to_owned() }
}

struct Parser<'s> {
    src: &'s str,
    pos: usize,
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'s str {
        let src = self.src;
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
        &src[start..self.pos]
    }

    fn skip_whitespace(&mut self) {
        self.take_while(char::is_whitespace);
    }

    fn column(&self, pos: usize) -> usize {
        self.src[..pos].chars().count() + 1
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> AssertionParseError {
        error_at(self.src, pos, message)
    }

    /// The word starting at the cursor, for "found `…`" messages.
    fn next_word(&self) -> String {
        excerpt(words(&self.src[self.pos..]).first().map_or("", |(_, word)| word))
    }

    /// The error for text left over after a complete condition.
    fn extra(&self, pos: usize, after: &str) -> AssertionParseError {
        let rest = &self.src[pos..];
        let word = words(rest).first().map_or("", |(_, word)| *word);
        let message = if let Some(message) = second_comparison(word) {
            message
        } else if rest.starts_with(')') {
            "unexpected `)`: there is no `(` for it to close".into()
        } else if rest.starts_with(']') {
            "unexpected `]`: there is no `[` for it to close".into()
        } else {
            format!(
                "unexpected `{}` after `{}`; a condition is a single comparison such as `[STATUS] == 200`",
                excerpt(word),
                excerpt(after)
            )
        };
        self.error(pos, message)
    }

    fn operand(&mut self, side: Side) -> Result<Raw, AssertionParseError> {
        let start = self.pos;
        let form = match self.peek() {
            Some('[') => Form::Subject(Subject::Placeholder(self.placeholder()?)),
            Some('"') => self.quoted()?,
            Some(')') => return Err(self.error(start, "unexpected `)`: there is no `(` for it to close")),
            Some(']') => return Err(self.error(start, "unexpected `]`: there is no `[` for it to close")),
            Some(c) if side == Side::Left && is_operator_char(c) => {
                return Err(self.error(start, "the condition starts with an operator; put what to check before it, e.g. `[STATUS] == 200`"));
            }
            Some(c) if (c.is_ascii_alphabetic() || c == '_') && self.function_ahead() => self.function(side)?,
            _ => self.literal(side)?,
        };
        Ok(Raw { start, end: self.pos, form })
    }

    /// Whether the cursor is at `name(`.
    fn function_ahead(&self) -> bool {
        let rest = &self.src[self.pos..];
        let name_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        rest[name_end..].starts_with('(')
    }

    /// Text written as is. On the left it ends at a space or an operator; on the right it runs
    /// to the end, spaces included, as in Gatus (`[BODY].message == all good`).
    fn literal(&mut self, side: Side) -> Result<Form, AssertionParseError> {
        let start = self.pos;
        match side {
            Side::Left => {
                self.take_while(|c| !c.is_whitespace() && !is_operator_char(c));
            }
            Side::Right => {
                let text = self.src[start..].trim_end();
                if let Some((at, message)) = words(text).into_iter().find_map(|(at, word)| Some((at, second_comparison(word)?))) {
                    return Err(self.error(start + at, message));
                }
                self.pos = start + text.len();
            }
        }
        Ok(Form::Literal { value: self.src[start..self.pos].to_owned(), quoted: false })
    }

    /// `"text"`, where `\"` and `\\` stand for `"` and `\`; any other `\` stays as written.
    fn quoted(&mut self) -> Result<Form, AssertionParseError> {
        let open = self.pos;
        self.bump();
        let unclosed = |p: &Self| p.error(open, "this `\"` is never closed; end the text with another `\"`");
        let mut value = String::new();
        loop {
            match self.bump() {
                None => return Err(unclosed(self)),
                Some('"') => break,
                Some('\\') => match self.bump() {
                    Some(c @ ('"' | '\\')) => value.push(c),
                    Some(c) => {
                        value.push('\\');
                        value.push(c);
                    }
                    None => return Err(unclosed(self)),
                },
                Some(c) => value.push(c),
            }
        }
        Ok(Form::Literal { value, quoted: true })
    }

    fn operator(&mut self, left: &Raw) -> Result<Operator, AssertionParseError> {
        let start = self.pos;
        let symbol = self.take_while(is_operator_char);
        if let Some(operator) = Operator::from_symbol(symbol) {
            return Ok(operator);
        }
        let left_text = excerpt(&self.src[left.start..left.end]);
        let message = match symbol {
            "" if self.peek() == Some(')') => "unexpected `)`: there is no `(` for it to close".into(),
            "" if self.peek().is_none() => format!(
                "missing an operator after `{left_text}`; a condition compares two values with ==, !=, <, <=, > or >=, e.g. `[STATUS] == 200`"
            ),
            "" => {
                let mut message = format!("expected an operator (==, !=, <, <=, >, >=) after `{left_text}`, found `{}`", self.next_word());
                if matches!(left.form, Form::Literal { quoted: false, .. }) {
                    message.push_str("; to compare with text that has spaces, put the placeholder first or the text in double quotes");
                }
                message
            }
            "=" | "===" => format!("`{symbol}` is not an operator; compare with `==`"),
            "=>" => "`=>` is not an operator; did you mean `>=`?".into(),
            "=<" => "`=<` is not an operator; did you mean `<=`?".into(),
            "<>" | "!==" | "!" | "=!" => format!("`{symbol}` is not an operator; did you mean `!=`?"),
            other => format!("`{other}` is not an operator; use one of ==, !=, <, <=, >, >="),
        };
        Err(self.error(start, message))
    }

    /// `[NAME]`, then a JSON path for `[BODY]` or `.Name` for `[HEADER]`.
    fn placeholder(&mut self) -> Result<Placeholder, AssertionParseError> {
        let open = self.pos;
        self.bump();
        let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
        match self.peek() {
            Some(']') => {
                self.bump();
            }
            None => {
                return Err(self.error(open, "this `[` is never closed with `]`; placeholders are written like [STATUS]"));
            }
            Some('.') if name.eq_ignore_ascii_case("BODY") => {
                return Err(
                    self.error(self.pos, "the JSON path goes after the closing bracket: [BODY].data.status, not [BODY.data.status]")
                );
            }
            Some(c) if c.is_whitespace() => {
                let message = format!(
                    "this `[` is not closed before the space at column {}; placeholders are written like [STATUS], without spaces",
                    self.column(self.pos)
                );
                return Err(self.error(open, message));
            }
            Some(c) => {
                let message = format!(
                    "unexpected `{c}` in a placeholder name; placeholders are written like [STATUS] (to compare with text that starts with `[`, put it in double quotes)"
                );
                return Err(self.error(self.pos, message));
            }
        }
        if name.is_empty() {
            return Err(self.error(
                open,
                "empty placeholder `[]`; placeholders are written like [STATUS], [BODY].data.status or [HEADER].Content-Type",
            ));
        }
        let placeholder = match names::placeholder(&name.to_ascii_uppercase()) {
            None => return Err(self.error(open, names::unknown_placeholder(name))),
            Some(Known::Inapplicable(why)) => return Err(self.error(open, why)),
            Some(Known::Simple(placeholder)) => {
                if matches!(self.peek(), Some('.' | '[')) {
                    let message = format!(
                        "[{name}] has no fields: only [BODY] takes a JSON path (such as [BODY].data.status) and only [HEADER] a name (such as [HEADER].Content-Type)"
                    );
                    return Err(self.error(self.pos, message));
                }
                placeholder
            }
            Some(Known::Body) => Placeholder::Body(self.json_path()?),
            Some(Known::Header) => Placeholder::Header(self.header_name()?),
        };
        if let Some(c) = self.peek().filter(|c| !c.is_whitespace() && *c != ')' && !is_operator_char(*c)) {
            let written = excerpt(&self.src[open..self.pos]);
            let hint = match placeholder {
                Placeholder::Body(_) => "; a JSON path goes on with `.key` or `[0]` and ends at a space or an operator",
                _ => "",
            };
            return Err(self.error(self.pos, format!("unexpected `{c}` after `{written}`{hint}")));
        }
        Ok(placeholder)
    }

    /// `.key` and `[0]` steps, as Gatus's JSONPath reads them (`[BODY].data[0].id`, `[BODY][0]`).
    fn json_path(&mut self) -> Result<JsonPath, AssertionParseError> {
        let mut segments = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.bump();
                    // Gatus drops the dot in `[BODY].[0]`, so accept it too.
                    if self.peek() == Some('[') {
                        continue;
                    }
                    let key_start = self.pos;
                    let key = self.take_while(is_key_char);
                    if key.is_empty() {
                        let message = match self.peek() {
                            Some('.') => "two dots in a row: a JSON path names one key between dots, e.g. [BODY].data.status",
                            _ => "expected a key after `.`, e.g. [BODY].data.status",
                        };
                        return Err(self.error(key_start, message));
                    }
                    if key == "*" {
                        return Err(self.error(key_start, WILDCARDS));
                    }
                    segments.push(Segment::Key(key.to_owned()));
                }
                Some('[') => {
                    let open = self.pos;
                    self.bump();
                    let content = self.take_while(|c| c != ']' && !c.is_whitespace());
                    if self.peek() != Some(']') {
                        return Err(self.error(open, "this `[` in the JSON path is never closed; array indexes are written like [0]"));
                    }
                    self.bump();
                    segments.push(Segment::Index(self.index(content, open + 1)?));
                }
                _ => return Ok(JsonPath(segments)),
            }
        }
    }

    fn index(&self, content: &str, at: usize) -> Result<usize, AssertionParseError> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(content) {
            return content.parse().map_err(|_| self.error(at, format!("the index [{content}] is too large")));
        }
        let message = match content {
            "" => "an empty `[]` in a JSON path; write an index such as [0]".to_owned(),
            "*" => WILDCARDS.to_owned(),
            _ if content.strip_prefix('-').is_some_and(digits) => {
                "array indexes count from 0, and negative indexes such as [-1] are not supported (Gatus has none either)".to_owned()
            }
            _ if content.starts_with(['"', '\'']) => {
                "keys in brackets are not supported; write the key after a dot, e.g. [BODY].data.status".to_owned()
            }
            _ => format!(
                "`[{}]` is not an array index; indexes are whole numbers such as [0], and keys follow a dot, such as .{}",
                excerpt(content),
                excerpt(content)
            ),
        };
        Err(self.error(at, message))
    }

    fn header_name(&mut self) -> Result<String, AssertionParseError> {
        const NEEDS_NAME: &str = "[HEADER] needs the header's name after a dot, e.g. [HEADER].Content-Type";
        if self.peek() != Some('.') {
            return Err(self.error(self.pos, NEEDS_NAME));
        }
        self.bump();
        let start = self.pos;
        let name = self.take_while(is_header_char);
        if name.is_empty() {
            return Err(self.error(start, NEEDS_NAME));
        }
        Ok(name.to_ascii_lowercase())
    }

    fn function(&mut self, side: Side) -> Result<Form, AssertionParseError> {
        let start = self.pos;
        let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_');
        let open = self.pos;
        self.bump();
        match name {
            "len" | "has" => self.measure(name, start, open).map(Form::Subject),
            "pat" => {
                let (content_start, content) = self.arguments(name, start, side == Side::Right)?;
                if content.is_empty() {
                    return Err(self.error(start, "pat() needs a pattern, e.g. pat(*healthy*)"));
                }
                if looks_like_placeholder(content) {
                    return Err(self.error(
                        content_start,
                        "pat() takes a pattern, not a placeholder: put the placeholder on the other side, e.g. `[BODY] == pat(*healthy*)`",
                    ));
                }
                // A pattern on the right runs to the last `)`, so it could swallow a second
                // comparison (`pat(*a*) && len([BODY]) > 0`); refuse rather than match nonsense.
                if side == Side::Right
                    && let Some((at, word)) = words(content).into_iter().find(|(_, word)| second_comparison(word).is_some())
                {
                    let message = format!(
                        "`{word}` inside pat() looks like a second comparison; write each comparison as its own condition, or escape it in the pattern as `\\{word}`"
                    );
                    return Err(self.error(content_start + at, message));
                }
                Pattern::compile(content)
                    .map(Form::Pattern)
                    .map_err(|e| self.error(content_start + byte_offset(content, e.offset), format!("in pat(): {}", e.message)))
            }
            "any" => {
                let (content_start, content) = self.arguments(name, start, false)?;
                if content.trim().is_empty() {
                    return Err(self.error(start, "any() needs at least one value, e.g. any(200, 204)"));
                }
                let mut options = Vec::new();
                let mut offset = content_start;
                for piece in content.split(',') {
                    let at = offset + (piece.len() - piece.trim_start().len());
                    let text = piece.trim();
                    if text.is_empty() {
                        return Err(self.error(at, "an empty value in any(); separate values with single commas, e.g. any(200, 204)"));
                    }
                    if looks_like_placeholder(text) {
                        return Err(self.error(at, "any() takes values, not placeholders, e.g. `[STATUS] == any(200, 204)`"));
                    }
                    let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
                    options.push(RawOption { text: text.to_owned(), start: at });
                    offset += piece.len() + 1;
                }
                Ok(Form::AnyOf(options))
            }
            _ => Err(self.error(start, names::unknown_function(name))),
        }
    }

    /// `len(...)` and `has(...)`, whose argument is a placeholder.
    fn measure(&mut self, name: &str, start: usize, open: usize) -> Result<Subject, AssertionParseError> {
        self.skip_whitespace();
        let inner = self.pos;
        if self.peek() != Some('[') {
            let message = match name {
                "len" => "len() takes [BODY] or a JSON path in it, e.g. len([BODY].items)",
                _ => "has() takes [BODY], a JSON path in it or a [HEADER].name, e.g. has([BODY].errors)",
            };
            return Err(self.error(inner, message));
        }
        let placeholder = self.placeholder()?;
        let written = excerpt(&self.src[inner..self.pos]);
        self.skip_whitespace();
        match self.peek() {
            Some(')') => {
                self.bump();
            }
            None => return Err(self.error(start, format!("`{name}(` is never closed; add `)` after {written}"))),
            Some(_) => {
                let message = format!("expected `)` to close the `{name}(` at column {}, found `{}`", self.column(open), self.next_word());
                return Err(self.error(self.pos, message));
            }
        }
        match (name, placeholder) {
            ("len", Placeholder::Body(path)) => Ok(Subject::Len(path)),
            ("len", _) => Err(self.error(
                inner,
                format!("len() counts the items of an array or the characters of a value in [BODY] (e.g. len([BODY].items)); it does not apply to {written}"),
            )),
            (_, placeholder @ (Placeholder::Body(_) | Placeholder::Header(_))) => Ok(Subject::Has(placeholder)),
            _ => Err(self.error(
                inner,
                format!("has() tells whether [BODY], a JSON path in it or a [HEADER].name is present; {written} is always there"),
            )),
        }
    }

    /// The text between `name(` and its `)`: the last `)` for a `pat()` on the right, as Gatus
    /// takes everything up to the final `)` (so patterns may hold parentheses); otherwise the
    /// matching one.
    fn arguments(&mut self, name: &str, start: usize, to_last: bool) -> Result<(usize, &'s str), AssertionParseError> {
        let src = self.src;
        let content_start = self.pos;
        let rest = &src[content_start..];
        let close = if to_last {
            rest.rfind(')')
        } else {
            let mut depth = 1usize;
            let mut escaped = false;
            rest.char_indices().find_map(|(at, c)| {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '(') => depth += 1,
                    (false, ')') => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at);
                        }
                    }
                    _ => {}
                }
                None
            })
        };
        let Some(close) = close else {
            return Err(self.error(start, format!("`{name}(` is never closed; end it with `)`")));
        };
        self.pos = content_start + close + 1;
        Ok((content_start, &rest[..close]))
    }
}

const WILDCARDS: &str = "wildcards are not supported: a JSON path names a single value (as in Gatus). To look for something anywhere in an array, match the whole array with a pattern, e.g. [BODY].items == pat(*\"status\":\"UP\"*)";
