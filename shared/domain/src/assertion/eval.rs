//! Evaluating a typed condition against a response. Nothing here can panic on what a target
//! sends: a value that cannot be found resolves to the reason why, and the condition fails.

use super::ast::{Condition, Constant, Operator, Placeholder, Segment, Subject, Term, render_path};
use super::duration;
use super::number::Number;
use super::pattern::Pattern;
use crate::probe::ResponseObservation;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::net::IpAddr;

/// The most characters of a resolved value shown in a failure message.
const SHOWN_CHARS: usize = 50;

/// Whether `condition` holds for `response`; if not, the condition with the values it saw.
pub(super) fn evaluate(condition: &Condition, response: &ResponseObservation) -> Result<(), String> {
    let facts = Facts { response, text: OnceCell::new(), json: OnceCell::new() };
    let left = facts.side(&condition.left.term);
    let right = facts.side(&condition.right.term);
    let outcome = decide(condition.operator, &left, &right);
    if outcome.holds {
        return Ok(());
    }
    Err(format!(
        "{} {} {}",
        show(&condition.left.text, &left, outcome.not_numbers[0]),
        condition.operator.symbol(),
        show(&condition.right.text, &right, outcome.not_numbers[1])
    ))
}

/// A value seen in the response or written in the condition.
#[derive(Debug)]
enum Value<'a> {
    Number(Number),
    /// Milliseconds, shown as a duration (`336h`).
    Duration(i128),
    Bool(bool),
    Ip(IpAddr),
    Text(Cow<'a, str>),
    Null,
    /// A JSON array or object.
    Json(&'a Json),
}

impl<'a> Value<'a> {
    fn constant(constant: &'a Constant) -> Self {
        match constant {
            Constant::Number(number) => Value::Number(*number),
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Ip(ip) => Value::Ip(*ip),
            Constant::Text(text) => Value::Text(Cow::Borrowed(text)),
        }
    }

    fn json(value: &'a Json) -> Self {
        match value {
            Json::String(s) => Value::Text(Cow::Borrowed(s)),
            Json::Number(n) => Value::Number(Number::from_json(n)),
            Json::Bool(b) => Value::Bool(*b),
            Json::Null => Value::Null,
            Json::Array(_) | Json::Object(_) => Value::Json(value),
        }
    }

    /// A number the value *is* (as opposed to text that happens to read as one).
    fn typed_number(&self) -> Option<Number> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Duration(millis) => Some(Number::Int(*millis)),
            _ => None,
        }
    }

    fn number(&self) -> Option<Number> {
        match self {
            Value::Text(text) => Number::parse(text),
            _ => self.typed_number(),
        }
    }

    /// The value as a quantity for `<` and friends: a number, or text reading as a duration
    /// (in milliseconds), as Gatus does.
    fn measure(&self) -> Option<Number> {
        match self {
            Value::Text(text) => Number::parse(text).or_else(|| duration::parse_millis(text).ok()),
            _ => self.typed_number(),
        }
    }

    /// The value as text, for patterns and text comparison; arrays and objects as minified JSON.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Number(number) => Cow::Owned(number.to_string()),
            Value::Duration(millis) => Cow::Owned(millis.to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Ip(ip) => Cow::Owned(ip.to_string()),
            Value::Text(text) => Cow::Borrowed(text),
            Value::Null => Cow::Borrowed("null"),
            Value::Json(json) => Cow::Owned(json.to_string()),
        }
    }

    /// The value for a person reading a failure.
    fn display(&self) -> String {
        match self {
            Value::Duration(millis) => duration::format_millis(*millis),
            Value::Text(text) if text.is_empty() => "empty".into(),
            _ => shorten(&self.text()),
        }
    }
}

/// Cuts long values and escapes control characters so a message stays on one readable line.
fn shorten(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push_str("...(truncated)");
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Gatus's equality, made a little stricter and a little kinder:
/// - IP addresses compare as addresses (`::ffff:10.0.0.1` equals `10.0.0.1`);
/// - a real number (status, response time, `len()`, a JSON number) equals any text reading as
///   the same number, so `1.0` equals `1`;
/// - two texts compare as integers when both are integers (`0x1` equals `1`, as in Gatus), and
///   otherwise character for character (so version `1.10` does not equal `1.1`).
fn equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Ip(x), other) | (other, Value::Ip(x)) => match other {
            Value::Ip(y) => x.to_canonical() == y.to_canonical(),
            Value::Text(text) => text.parse::<IpAddr>().is_ok_and(|y| y.to_canonical() == x.to_canonical()),
            _ => false,
        },
        _ if a.typed_number().is_some() || b.typed_number().is_some() => match (a.number(), b.number()) {
            (Some(x), Some(y)) => x.same(y),
            _ => a.text() == b.text(),
        },
        (Value::Text(x), Value::Text(y)) => match (Number::parse_int(x), Number::parse_int(y)) {
            (Some(i), Some(j)) => i == j,
            _ => x == y,
        },
        _ => a.text() == b.text(),
    }
}

/// One side of a condition, ready to compare.
enum Side<'a> {
    /// Read from the response: the value, or why there is none.
    Resolved(Result<Value<'a>, String>),
    Constant(Value<'a>),
    Pattern(&'a Pattern),
    AnyOf(&'a [Constant]),
}

impl Side<'_> {
    fn value(&self) -> Option<&Value<'_>> {
        match self {
            Side::Resolved(Ok(value)) | Side::Constant(value) => Some(value),
            _ => None,
        }
    }
}

struct Outcome {
    holds: bool,
    /// Which sides of an ordering turned out not to be numbers, to say so in the message.
    not_numbers: [bool; 2],
}

fn decide(operator: Operator, left: &Side<'_>, right: &Side<'_>) -> Outcome {
    let mut outcome = Outcome { holds: false, not_numbers: [false, false] };
    let wants_equal = operator == Operator::Eq;
    match (left, right) {
        // A value that is not there confirms nothing, whatever the operator: `!=` included,
        // so a non-JSON error page does not pass `[BODY].status != DOWN`.
        (Side::Resolved(Err(_)), _) | (_, Side::Resolved(Err(_))) => {}
        (Side::Pattern(pattern), other) | (other, Side::Pattern(pattern)) => {
            if let Some(value) = other.value() {
                outcome.holds = pattern.matches(&value.text()) == wants_equal;
            }
        }
        (Side::AnyOf(options), other) | (other, Side::AnyOf(options)) => {
            if let Some(value) = other.value() {
                outcome.holds = options.iter().any(|option| equal(value, &Value::constant(option))) == wants_equal;
            }
        }
        _ => {
            let (Some(a), Some(b)) = (left.value(), right.value()) else { return outcome };
            if !operator.is_ordering() {
                outcome.holds = equal(a, b) == wants_equal;
                return outcome;
            }
            match (a.measure(), b.measure()) {
                (Some(x), Some(y)) => {
                    outcome.holds = x.compare(y).is_some_and(|order| match operator {
                        Operator::Lt => order.is_lt(),
                        Operator::Le => order.is_le(),
                        Operator::Gt => order.is_gt(),
                        Operator::Ge => order.is_ge(),
                        Operator::Eq | Operator::Ne => false,
                    });
                }
                (x, y) => outcome.not_numbers = [x.is_none(), y.is_none()],
            }
        }
    }
    outcome
}

/// An operand for the failure message: as written, then what it resolved to in parentheses.
fn show(text: &str, side: &Side<'_>, not_number: bool) -> String {
    match side {
        Side::Resolved(Ok(value)) if not_number => format!("{text} ({}, not a number)", value.display()),
        Side::Resolved(Ok(value)) => format!("{text} ({})", value.display()),
        Side::Resolved(Err(reason)) => format!("{text} ({reason})"),
        _ => text.to_owned(),
    }
}

/// The response, with its body decoded at most once per evaluation.
struct Facts<'r> {
    response: &'r ResponseObservation,
    text: OnceCell<Cow<'r, str>>,
    json: OnceCell<Result<Json, &'static str>>,
}

impl<'r> Facts<'r> {
    fn side<'a>(&'a self, term: &'a Term) -> Side<'a> {
        match term {
            Term::Subject(subject) => Side::Resolved(self.resolve(subject)),
            Term::Constant(constant) => Side::Constant(Value::constant(constant)),
            Term::Pattern(pattern) => Side::Pattern(pattern),
            Term::AnyOf(options) => Side::AnyOf(options),
        }
    }

    /// The body as text, trimmed as Gatus does; bytes that are not UTF-8 become U+FFFD.
    fn body_text(&self) -> &str {
        self.text.get_or_init(|| String::from_utf8_lossy(&self.response.body)).trim()
    }

    fn body_json(&self) -> Result<&Json, String> {
        let parsed = self.json.get_or_init(|| {
            if self.response.body.iter().all(u8::is_ascii_whitespace) {
                return Err("the body is empty");
            }
            serde_json::from_slice(&self.response.body).map_err(|_| "the body is not JSON")
        });
        parsed.as_ref().map_err(|reason| (*reason).to_owned())
    }

    fn resolve(&self, subject: &Subject) -> Result<Value<'_>, String> {
        match subject {
            Subject::Placeholder(placeholder) => self.placeholder(placeholder),
            Subject::Len(segments) if segments.0.is_empty() => {
                let text = self.body_text();
                // Gatus counts the items when the whole body is a JSON array, else its characters.
                if text.starts_with('[')
                    && let Ok(Json::Array(items)) = self.body_json()
                {
                    return Ok(count(items.len()));
                }
                Ok(count(text.chars().count()))
            }
            Subject::Len(path) => {
                let found = lookup(self.body_json()?, &path.0)?;
                Ok(count(match found {
                    Json::Array(items) => items.len(),
                    Json::Object(fields) => fields.len(),
                    Json::String(s) => s.chars().count(),
                    Json::Number(n) => Number::from_json(n).to_string().chars().count(),
                    Json::Bool(b) => b.to_string().len(),
                    Json::Null => return Err(format!("{} is null", render_path(&path.0))),
                }))
            }
            Subject::Has(Placeholder::Header(name)) => Ok(Value::Bool(self.response.header(name).is_some())),
            Subject::Has(Placeholder::Body(path)) if path.0.is_empty() => Ok(Value::Bool(!self.body_text().is_empty())),
            Subject::Has(Placeholder::Body(path)) => {
                let root = self.body_json()?;
                // As in Gatus, a key holding null is not there.
                Ok(Value::Bool(lookup(root, &path.0).is_ok_and(|found| !found.is_null())))
            }
            // The parser only lets has() take [BODY] and [HEADER].
            Subject::Has(_) => Err("has() does not apply here".into()),
        }
    }

    fn placeholder(&self, placeholder: &Placeholder) -> Result<Value<'_>, String> {
        let response = self.response;
        match placeholder {
            Placeholder::Status => Ok(Value::Number(Number::Int(i128::from(response.status)))),
            Placeholder::ResponseTime => {
                Ok(Value::Number(Number::Int(i128::try_from(response.response_time.as_millis()).unwrap_or(i128::MAX))))
            }
            Placeholder::CertificateExpiration => match response.certificate_expires_at {
                Some(expires) => {
                    Ok(Value::Duration(i128::from(expires.as_millisecond()) - i128::from(response.observed_at.as_millisecond())))
                }
                None => Err("no TLS certificate".into()),
            },
            // Conditions are only evaluated on responses, and a response means a connection.
            Placeholder::Connected => Ok(Value::Bool(true)),
            Placeholder::Ip => response.remote_ip.map(Value::Ip).ok_or_else(|| "no IP address recorded".into()),
            Placeholder::Body(path) if path.0.is_empty() => Ok(Value::Text(Cow::Borrowed(self.body_text()))),
            Placeholder::Body(path) => lookup(self.body_json()?, &path.0).map(Value::json),
            Placeholder::Header(name) => {
                let mut values = response.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
                let first = values.next().ok_or_else(|| "no such header".to_owned())?;
                // Repeated fields combine with ", ", as HTTP defines (RFC 9110 §5.3).
                let rest: Vec<&str> = values.collect();
                if rest.is_empty() {
                    Ok(Value::Text(Cow::Borrowed(first)))
                } else {
                    Ok(Value::Text(Cow::Owned(std::iter::once(first).chain(rest).collect::<Vec<_>>().join(", "))))
                }
            }
        }
    }
}

fn count(n: usize) -> Value<'static> {
    Value::Number(Number::Int(i128::try_from(n).unwrap_or(i128::MAX)))
}

fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Follows a path, or says where and why it stops.
fn lookup<'j>(root: &'j Json, path: &[Segment]) -> Result<&'j Json, String> {
    let mut current = root;
    for (i, segment) in path.iter().enumerate() {
        let here = || if i == 0 { "the body".to_owned() } else { render_path(&path[..i]) };
        current = match (segment, current) {
            (Segment::Key(key), Json::Object(fields)) => fields.get(key).ok_or_else(|| format!("{} has no key \"{key}\"", here()))?,
            (Segment::Index(index), Json::Array(items)) => items.get(*index).ok_or_else(|| {
                let plural = if items.len() == 1 { "" } else { "s" };
                format!("{} has {} item{plural}, so no [{index}]", here(), items.len())
            })?,
            (Segment::Key(_), other) => return Err(format!("{} is {}, not an object", here(), kind_of(other))),
            (Segment::Index(_), other) => return Err(format!("{} is {}, not an array", here(), kind_of(other))),
        };
    }
    Ok(current)
}
