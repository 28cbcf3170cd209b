//! Typing a parsed condition: each written value is read as what the other side needs (a
//! number, a duration, `true`/`false`, an IP address or text), and comparisons that could never
//! hold are refused while the monitor is being saved rather than failing every check later.

use super::AssertionParseError;
use super::ast::{Condition, Constant, Kind, Operand, Operator, Placeholder, Subject, Term};
use super::duration;
use super::number::Number;
use super::raw::{Form, Raw, byte_offset, error_at};
use std::net::IpAddr;

pub(super) fn check(src: &str, left: Raw, operator: Operator, right: Raw) -> Result<Condition, AssertionParseError> {
    let left_text = src[left.start..left.end].to_owned();
    let right_text = src[right.start..right.end].to_owned();
    match (&left.form, &right.form) {
        (Form::Subject(a), Form::Subject(b)) => comparable(src, (a, &left_text), (b, &right_text, right.start))?,
        (Form::Subject(_), _) | (_, Form::Subject(_)) => {}
        _ => {
            let message = format!(
                "`{left_text} {} {right_text}` compares two fixed values; one side must read the response, such as [STATUS], [BODY].data.status or len([BODY].items)",
                operator.symbol()
            );
            return Err(error_at(src, left.start, message));
        }
    }
    let left_term = term(src, &left, &left_text, (&right.form, &right_text), operator)?;
    let right_term = term(src, &right, &right_text, (&left.form, &left_text), operator)?;
    let condition =
        Condition { left: Operand { text: left_text, term: left_term }, operator, right: Operand { text: right_text, term: right_term } };
    refuse_unreachable_expectation(src, left.start, &condition)?;
    Ok(condition)
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Number => "a number",
        Kind::Millis => "a time",
        Kind::Bool => "true or false",
        Kind::Ip => "an IP address",
        Kind::Text => "text",
    }
}

/// Two placeholders on either side must be able to hold the same value.
fn comparable(src: &str, (a, a_text): (&Subject, &str), (b, b_text, b_start): (&Subject, &str, usize)) -> Result<(), AssertionParseError> {
    let (ka, kb) = (a.kind(), b.kind());
    let numeric = |k: Kind| matches!(k, Kind::Number | Kind::Millis);
    if ka == kb || ka == Kind::Text || kb == Kind::Text || (numeric(ka) && numeric(kb)) {
        return Ok(());
    }
    let message = format!("{a_text} is {} and {b_text} is {}, so they can never be compared", describe(ka), describe(kb));
    Err(error_at(src, b_start, message))
}

/// Types one side, given the other.
fn term(
    src: &str,
    this: &Raw,
    this_text: &str,
    (other, other_text): (&Form, &str),
    operator: Operator,
) -> Result<Term, AssertionParseError> {
    let fail = |message: String| Err(error_at(src, this.start, message));
    let symbol = operator.symbol();
    let other_subject = match other {
        Form::Subject(subject) => Some(subject),
        _ => None,
    };
    match &this.form {
        Form::Subject(subject) => match (operator.is_ordering(), subject.kind()) {
            (true, Kind::Bool) => fail(format!("`{symbol}` compares numbers, but {this_text} is true or false; use == or !=")),
            (true, Kind::Ip) => fail(format!(
                "`{symbol}` compares numbers, but {this_text} is an address; to match a range use a pattern, e.g. `[IP] == pat(10.*)`"
            )),
            _ => Ok(Term::Subject(subject.clone())),
        },
        Form::Literal { value, .. } => {
            // `check` made sure one side is a subject, and this side is not.
            let Some(subject) = other_subject else { return fail("one side must read the response".into()) };
            constant(src, this.start, value, (subject, other_text), operator).map(Term::Constant)
        }
        Form::Pattern(pattern) => match (operator.is_ordering(), other_subject) {
            (true, _) => fail(format!("pat() only works with == and !=; `{symbol}` compares numbers")),
            (false, None) => fail("pat() goes opposite a placeholder, e.g. `[BODY] == pat(*healthy*)`".into()),
            (false, Some(_)) => Ok(Term::Pattern(pattern.clone())),
        },
        Form::AnyOf(options) => match (operator.is_ordering(), other_subject) {
            (true, _) => fail(format!("any() only works with == and !=; `{symbol}` compares numbers")),
            (false, None) => fail("any() goes opposite a placeholder, e.g. `[STATUS] == any(200, 204)`".into()),
            (false, Some(subject)) => options
                .iter()
                .map(|option| constant(src, option.start, &option.text, (subject, other_text), operator))
                .collect::<Result<Vec<_>, _>>()
                .map(Term::AnyOf),
        },
    }
}

/// Reads a written value as what `subject` needs.
fn constant(
    src: &str,
    at: usize,
    text: &str,
    (subject, subject_text): (&Subject, &str),
    operator: Operator,
) -> Result<Constant, AssertionParseError> {
    let fail = |message: String| Err(error_at(src, at, message));
    let symbol = operator.symbol();
    if operator.is_ordering() {
        let explain = format!("`{symbol}` compares numbers, and `{text}` is not a number or a duration (such as 500, 0.5 or 72h)");
        return measure(src, at, text, explain).map(Constant::Number);
    }
    match subject.kind() {
        Kind::Number => match Number::parse(text) {
            Some(number) => Ok(Constant::Number(number)),
            None => {
                let mut explain = format!("{subject_text} is a number, and `{text}` is not one");
                if matches!(subject, Subject::Placeholder(Placeholder::Status)) && text.to_ascii_lowercase().ends_with("xx") {
                    explain.push_str("; to accept a class of statuses use `[STATUS] < 300` or `[STATUS] == pat(2*)`");
                }
                Err(not_a_number(src, at, text, explain))
            }
        },
        Kind::Millis => {
            let explain =
                format!("{subject_text} is a time in milliseconds; `{text}` is neither a number (500) nor a duration (1s, 1h30m)");
            measure(src, at, text, explain).map(Constant::Number)
        }
        Kind::Bool => match text {
            "true" => Ok(Constant::Bool(true)),
            "false" => Ok(Constant::Bool(false)),
            _ if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") => {
                fail(format!("write `{}` in lower case", text.to_ascii_lowercase()))
            }
            _ => fail(format!("{subject_text} is true or false, so compare it with `true` or `false`, not `{text}`")),
        },
        Kind::Ip => match text.parse::<IpAddr>() {
            Ok(ip) => Ok(Constant::Ip(ip)),
            Err(_) => fail(format!(
                "`{text}` is not an IP address; {subject_text} is the address connected to, such as 127.0.0.1 or ::1 (to match a range use pat(10.*))"
            )),
        },
        Kind::Text => Ok(Constant::Text(text.to_owned())),
    }
}

/// A number, or a duration in milliseconds (Gatus reads any duration on either side of `<` as
/// milliseconds, which is what makes `[CERTIFICATE_EXPIRATION] > 72h` work).
fn measure(src: &str, at: usize, text: &str, explain: String) -> Result<Number, AssertionParseError> {
    if let Some(number) = Number::parse(text) {
        return Ok(number);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    match duration::parse_millis(text) {
        Ok(millis) => Ok(millis),
        // Something that starts like a number was meant as a duration: say what is wrong with it.
        Err(e) if unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') && !text.contains(char::is_whitespace) => {
            Err(error_at(src, at + byte_offset(text, e.offset), e.message))
        }
        Err(_) => Err(not_a_number(src, at, text, explain)),
    }
}

/// The error for a value that should be a number. When a number is followed by a space or a
/// `)` (`200 foo`, `200)`), point at what follows, which is the real mistake.
fn not_a_number(src: &str, at: usize, text: &str, explain: String) -> AssertionParseError {
    let head = text.find(|c: char| c.is_whitespace() || c == ')').map(|split| &text[..split]);
    if let Some(head) = head
        && (Number::parse(head).is_some() || duration::parse_millis(head).is_ok())
    {
        let split = head.len();
        let tail = text[split..].trim_start();
        let tail_at = at + text.len() - tail.len();
        let message = if tail.starts_with(')') {
            "unexpected `)`: there is no `(` for it to close".to_owned()
        } else {
            format!("unexpected `{}` after `{head}`", tail.split_whitespace().next().unwrap_or(tail))
        };
        return error_at(src, tail_at, message);
    }
    error_at(src, at, explain)
}

/// Conditions are only evaluated on responses, so `[CONNECTED]` is always true there: a
/// condition expecting it to be false would fail every check, which is surely not meant.
fn refuse_unreachable_expectation(src: &str, start: usize, condition: &Condition) -> Result<(), AssertionParseError> {
    let connected = Term::Subject(Subject::Placeholder(Placeholder::Connected));
    let expected = match (&condition.left.term, &condition.right.term) {
        (a, Term::Constant(Constant::Bool(b))) | (Term::Constant(Constant::Bool(b)), a) if *a == connected => *b,
        _ => return Ok(()),
    };
    if expected == (condition.operator == Operator::Eq) {
        return Ok(());
    }
    Err(error_at(
        src,
        start,
        "Vigil evaluates conditions only on responses, where [CONNECTED] is always true (a target that can't be reached fails the check before any condition), so this would never hold",
    ))
}
