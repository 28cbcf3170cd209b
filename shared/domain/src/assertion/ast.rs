//! The typed form of a condition: what the parser produces and the evaluator walks.

use super::number::Number;
use super::pattern::Pattern;
use std::fmt;
use std::net::IpAddr;

/// `<operand> <operator> <operand>`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Condition {
    pub left: Operand,
    pub operator: Operator,
    pub right: Operand,
}

impl Condition {
    /// Whether anything in the condition looks at the body.
    pub(super) fn reads_body(&self) -> bool {
        [&self.left, &self.right].iter().any(|operand| match &operand.term {
            Term::Subject(subject) => subject.reads_body(),
            _ => false,
        })
    }
}

/// One side of a condition, with the text it was written as (kept for failure messages).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Operand {
    pub text: String,
    pub term: Term,
}

/// What an operand stands for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Term {
    /// Something read from the response.
    Subject(Subject),
    /// A value written in the condition, already typed for what it is compared with.
    Constant(Constant),
    /// `pat(...)`.
    Pattern(Pattern),
    /// `any(a, b, ...)`.
    AnyOf(Vec<Constant>),
}

/// A value read from the response.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Subject {
    Placeholder(Placeholder),
    /// `len(...)`: only of `[BODY]` and paths in it.
    Len(JsonPath),
    /// `has(...)`: only of `[BODY]` (and paths in it) and `[HEADER].name`.
    Has(Placeholder),
}

impl Subject {
    fn reads_body(&self) -> bool {
        matches!(self, Subject::Len(_) | Subject::Placeholder(Placeholder::Body(_)) | Subject::Has(Placeholder::Body(_)))
    }
}

/// A placeholder of Gatus's (plus `[HEADER]`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Placeholder {
    Status,
    ResponseTime,
    CertificateExpiration,
    Connected,
    Ip,
    /// `[BODY]` and, with a non-empty path, `[BODY].a.b[0]`.
    Body(JsonPath),
    /// `[HEADER].Name`, the name stored lower-cased.
    Header(String),
}

/// What kind of value a subject gives, which decides how the other side is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Compared as numbers: `[STATUS]`, `len()`.
    Number,
    /// Milliseconds, so durations such as `72h` also read: `[RESPONSE_TIME]`, `[CERTIFICATE_EXPIRATION]`.
    Millis,
    /// `true` or `false`: `[CONNECTED]`, `has()`.
    Bool,
    /// An IP address: `[IP]`.
    Ip,
    /// Anything, decided when the response is seen: `[BODY]`, JSON paths, headers.
    Text,
}

impl Subject {
    pub(super) fn kind(&self) -> Kind {
        match self {
            Subject::Len(_) => Kind::Number,
            Subject::Has(_) => Kind::Bool,
            Subject::Placeholder(placeholder) => match placeholder {
                Placeholder::Status => Kind::Number,
                Placeholder::ResponseTime | Placeholder::CertificateExpiration => Kind::Millis,
                Placeholder::Connected => Kind::Bool,
                Placeholder::Ip => Kind::Ip,
                Placeholder::Body(_) | Placeholder::Header(_) => Kind::Text,
            },
        }
    }
}

/// A path into a JSON body; empty means the whole body.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct JsonPath(pub Vec<Segment>);

/// One step of a [`JsonPath`].
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Segment {
    Key(String),
    Index(usize),
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_path(&self.0))
    }
}

/// `data.items[0].id`, as a person would name the spot.
pub(super) fn render_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Key(key) if i == 0 => out.push_str(key),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// A value written in a condition.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Constant {
    /// A number, or a duration already turned into milliseconds.
    Number(Number),
    Bool(bool),
    Ip(IpAddr),
    /// Text, compared as Gatus does (as integers when both sides are integers).
    Text(String),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Operator {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Operator::Eq => "==",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
        }
    }

    pub(super) fn from_symbol(symbol: &str) -> Option<Operator> {
        [Operator::Eq, Operator::Ne, Operator::Lt, Operator::Le, Operator::Gt, Operator::Ge].into_iter().find(|op| op.symbol() == symbol)
    }

    /// Whether it orders numbers (as opposed to testing equality).
    pub(super) fn is_ordering(self) -> bool {
        !matches!(self, Operator::Eq | Operator::Ne)
    }
}
