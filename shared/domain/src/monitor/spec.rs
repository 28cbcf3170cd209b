//! The validated specification of an HTTP monitor. A [`HttpMonitorSpec`] can only be built from
//! a [`MonitorDraft`] that passed every rule, so the rest of the system never re-checks it.

use super::draft::{MonitorDraft, StatusCodeInput};
use super::schedule::CheckInterval;
use crate::assertion::Assertion;
use crate::managed::Managed;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::num::NonZeroU8;
use std::time::Duration;
use url::Url;

/// HTTP methods a monitor may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    Get,
    /// HEAD
    Head,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
}

impl HttpMethod {
    /// The method name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Parses a method name, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Get, Self::Head, Self::Post, Self::Put, Self::Patch, Self::Delete, Self::Options]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An inclusive range of acceptable status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatusCodeRange {
    /// Lowest acceptable code.
    pub from: u16,
    /// Highest acceptable code.
    pub to: u16,
}

impl StatusCodeRange {
    /// Whether `code` is in the range.
    pub fn contains(&self, code: u16) -> bool {
        (self.from..=self.to).contains(&code)
    }

    fn parse(input: &StatusCodeInput) -> Result<Self, String> {
        let valid = |code: u16| (100..=599).contains(&code);
        let range = match input {
            StatusCodeInput::Code(code) => Self { from: *code, to: *code },
            StatusCodeInput::Pattern(text) => {
                let text = text.trim();
                if let Some(class) = text.strip_suffix("xx").or_else(|| text.strip_suffix("XX")) {
                    let digit: u16 = class.parse().map_err(|_| format!("`{text}` is not a status class like 2xx"))?;
                    Self { from: digit * 100, to: digit * 100 + 99 }
                } else if let Some((from, to)) = text.split_once('-') {
                    let parse = |s: &str| s.trim().parse::<u16>().map_err(|_| format!("`{text}` is not a range like 200-299"));
                    Self { from: parse(from)?, to: parse(to)? }
                } else {
                    let code = text.parse().map_err(|_| format!("`{text}` is not a status code, class (2xx) or range (200-299)"))?;
                    Self { from: code, to: code }
                }
            }
        };
        if !valid(range.from) || !valid(range.to) || range.from > range.to {
            return Err(format!("`{}` is not a status code or range within 100-599", range));
        }
        Ok(range)
    }
}

impl fmt::Display for StatusCodeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else if self.from.is_multiple_of(100) && self.to == self.from + 99 {
            write!(f, "{}xx", self.from / 100)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// How many consecutive failures make a monitor Down, and how many consecutive successes bring
/// it back Up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Thresholds {
    /// Consecutive failed checks before Down.
    pub failure: NonZeroU8,
    /// Consecutive passed checks before Up again.
    pub recovery: NonZeroU8,
}

/// The validated specification of an HTTP monitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpMonitorSpec {
    /// Display name.
    pub name: String,
    /// Target URL (http or https).
    pub url: Url,
    /// Request method.
    pub method: HttpMethod,
    /// Extra request headers, by name.
    pub headers: BTreeMap<String, String>,
    /// Optional request body.
    pub body: Option<String>,
    /// Time allowed for the whole check.
    #[serde(with = "millis")]
    pub timeout: Duration,
    /// Time between checks.
    pub interval: CheckInterval,
    /// Acceptable response status codes.
    pub expected_status: Vec<StatusCodeRange>,
    /// Conditions on the response, all of which must hold.
    pub assertions: Vec<Assertion>,
    /// Down and recovery thresholds.
    pub thresholds: Thresholds,
    /// Follow redirects.
    pub follow_redirects: bool,
    /// Verify TLS certificates.
    pub verify_tls: bool,
    /// Free-form labels used to filter and to route alerts.
    pub tags: BTreeSet<String>,
    /// The monitoring-as-code file managing the monitor, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field, as a JSON pointer-like path (`assertions[2]`, `headers.X-Api`).
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// Every rule a draft broke.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the monitor is not valid: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct SpecErrors(pub Vec<FieldError>);

/// Limits on what a monitor may hold.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 200;
    /// Longest URL, in bytes.
    pub const URL_BYTES: usize = 2048;
    /// Most request headers.
    pub const HEADERS: usize = 50;
    /// Longest header value, in bytes.
    pub const HEADER_VALUE_BYTES: usize = 8 * 1024;
    /// Largest request body, in bytes.
    pub const BODY_BYTES: usize = 64 * 1024;
    /// Shortest timeout, in milliseconds.
    pub const TIMEOUT_MIN_MS: u64 = 100;
    /// Longest timeout, in milliseconds.
    pub const TIMEOUT_MAX_MS: u64 = 60_000;
    /// Most assertions.
    pub const ASSERTIONS: usize = 30;
    /// Most tags.
    pub const TAGS: usize = 20;
    /// Longest tag, in bytes.
    pub const TAG_BYTES: usize = 64;
    /// Highest failure or recovery threshold.
    pub const THRESHOLD_MAX: u8 = 20;
}

/// Whether `tag` is a tag: 1 to 64 bytes of letters, digits and `- _ . : / =` (monitors, tasks
/// and hosts alike, so that one alert rule's tags select all of them).
pub fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty() && tag.len() <= limits::TAG_BYTES && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/=".contains(&b))
}

/// Defaults for fields a draft leaves out.
pub mod defaults {
    /// GET.
    pub const METHOD: &str = "GET";
    /// 10 s.
    pub const TIMEOUT_MS: u64 = 10_000;
    /// 60 s.
    pub const INTERVAL_SECONDS: u32 = 60;
    /// Two failures in a row before Down.
    pub const FAILURE_THRESHOLD: u8 = 2;
    /// One success brings a monitor back Up.
    pub const RECOVERY_THRESHOLD: u8 = 1;
}

impl HttpMonitorSpec {
    /// Validates a draft, filling defaults for absent fields; reports every broken rule at once.
    pub fn from_draft(draft: &MonitorDraft) -> Result<Self, SpecErrors> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });

        let name = match draft.name.as_deref().map(str::trim) {
            None | Some("") => {
                fail("name", "is required and must not be blank".into());
                String::new()
            }
            Some(name) if name.chars().count() > limits::NAME_CHARS => {
                fail("name", format!("must be at most {} characters", limits::NAME_CHARS));
                String::new()
            }
            Some(name) => name.to_owned(),
        };

        let url = match draft.url.as_deref() {
            None => {
                fail("url", "is required".into());
                None
            }
            Some(raw) => match parse_target_url(raw) {
                Ok(url) => Some(url),
                Err(message) => {
                    fail("url", message);
                    None
                }
            },
        };

        let method = match HttpMethod::parse(draft.method.as_deref().unwrap_or(defaults::METHOD)) {
            Some(method) => method,
            None => {
                fail("method", "must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS".into());
                HttpMethod::Get
            }
        };

        let mut headers = BTreeMap::new();
        let raw_headers = draft.headers.clone().unwrap_or_default();
        if raw_headers.len() > limits::HEADERS {
            fail("headers", format!("must have at most {} entries", limits::HEADERS));
        }
        for (name, value) in raw_headers {
            let field = format!("headers.{name}");
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                fail(&field, "is not a valid header name".into());
            } else if is_managed_header(&name) {
                fail(&field, "is set by Vigil itself and cannot be overridden".into());
            } else if value.len() > limits::HEADER_VALUE_BYTES
                || !value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
            {
                fail(&field, format!("must be printable text of at most {} bytes", limits::HEADER_VALUE_BYTES));
            } else {
                headers.insert(name, value);
            }
        }

        let body = draft.body.clone();
        if body.as_ref().is_some_and(|b| b.len() > limits::BODY_BYTES) {
            fail("body", format!("must be at most {} bytes", limits::BODY_BYTES));
        }
        if body.is_some() && matches!(method, HttpMethod::Get | HttpMethod::Head) {
            fail("body", format!("cannot be sent with {method}"));
        }

        let interval = match CheckInterval::from_seconds(draft.interval_seconds.unwrap_or(defaults::INTERVAL_SECONDS)) {
            Ok(interval) => Some(interval),
            Err(message) => {
                fail("interval_seconds", message);
                None
            }
        };

        let timeout_ms = draft.timeout_ms.unwrap_or(defaults::TIMEOUT_MS);
        if !(limits::TIMEOUT_MIN_MS..=limits::TIMEOUT_MAX_MS).contains(&timeout_ms) {
            fail("timeout_ms", format!("must be between {} and {} ms", limits::TIMEOUT_MIN_MS, limits::TIMEOUT_MAX_MS));
        } else if interval.is_some_and(|i| timeout_ms > u64::from(i.seconds()) * 1000) {
            fail("timeout_ms", "must not be longer than the interval".into());
        }

        let mut expected_status = Vec::new();
        match &draft.expected_status {
            None => expected_status.push(StatusCodeRange { from: 200, to: 299 }),
            Some(inputs) if inputs.is_empty() => {
                fail("expected_status", "must list at least one code, class (2xx) or range (200-299)".into())
            }
            Some(inputs) => {
                for (i, input) in inputs.iter().enumerate() {
                    match StatusCodeRange::parse(input) {
                        Ok(range) => expected_status.push(range),
                        Err(message) => fail(&format!("expected_status[{i}]"), message),
                    }
                }
            }
        }

        let mut assertions = Vec::new();
        let raw_assertions = draft.assertions.clone().unwrap_or_default();
        if raw_assertions.len() > limits::ASSERTIONS {
            fail("assertions", format!("must have at most {} entries", limits::ASSERTIONS));
        }
        for (i, source) in raw_assertions.iter().enumerate() {
            match Assertion::parse(source) {
                Ok(assertion) => assertions.push(assertion),
                Err(error) => fail(&format!("assertions[{i}]"), error.to_string()),
            }
        }

        let mut threshold = |field: &str, value: Option<u8>, default: u8| {
            let value = value.unwrap_or(default);
            match NonZeroU8::new(value).filter(|v| v.get() <= limits::THRESHOLD_MAX) {
                Some(v) => v,
                None => {
                    fail(field, format!("must be between 1 and {}", limits::THRESHOLD_MAX));
                    NonZeroU8::MIN
                }
            }
        };
        let thresholds = Thresholds {
            failure: threshold("failure_threshold", draft.failure_threshold, defaults::FAILURE_THRESHOLD),
            recovery: threshold("recovery_threshold", draft.recovery_threshold, defaults::RECOVERY_THRESHOLD),
        };

        let mut tags = BTreeSet::new();
        let raw_tags = draft.tags.clone().unwrap_or_default();
        if raw_tags.len() > limits::TAGS {
            fail("tags", format!("must have at most {} entries", limits::TAGS));
        }
        for (i, tag) in raw_tags.into_iter().enumerate() {
            if is_valid_tag(&tag) {
                tags.insert(tag);
            } else {
                fail(&format!("tags[{i}]"), format!("must be 1-{} characters of letters, digits and - _ . : / =", limits::TAG_BYTES));
            }
        }

        let managed = draft.managed.clone().flatten();
        for problem in managed.as_ref().map(|m| m.problems("managed")).unwrap_or_default() {
            fail(&problem.field, problem.message);
        }

        match (url, interval) {
            (Some(url), Some(interval)) if errors.is_empty() => Ok(Self {
                name,
                url,
                method,
                headers,
                body,
                timeout: Duration::from_millis(timeout_ms),
                interval,
                expected_status,
                assertions,
                thresholds,
                follow_redirects: draft.follow_redirects.unwrap_or(true),
                verify_tls: draft.verify_tls.unwrap_or(true),
                tags,
                managed,
            }),
            _ => Err(SpecErrors(errors)),
        }
    }

    /// The draft this spec would be built from; a patch is applied on top of it.
    pub fn to_draft(&self) -> MonitorDraft {
        MonitorDraft {
            name: Some(self.name.clone()),
            url: Some(self.url.to_string()),
            method: Some(self.method.as_str().to_owned()),
            headers: Some(self.headers.clone()),
            body: self.body.clone(),
            timeout_ms: Some(self.timeout.as_millis() as u64),
            interval_seconds: Some(self.interval.seconds()),
            expected_status: Some(
                self.expected_status
                    .iter()
                    .map(|r| if r.from == r.to { StatusCodeInput::Code(r.from) } else { StatusCodeInput::Pattern(r.to_string()) })
                    .collect(),
            ),
            assertions: Some(self.assertions.iter().map(|a| a.source().to_owned()).collect()),
            failure_threshold: Some(self.thresholds.failure.get()),
            recovery_threshold: Some(self.thresholds.recovery.get()),
            follow_redirects: Some(self.follow_redirects),
            verify_tls: Some(self.verify_tls),
            tags: Some(self.tags.iter().cloned().collect()),
            managed: Some(self.managed.clone()),
        }
    }

    /// Whether `status` is acceptable.
    pub fn accepts_status(&self, status: u16) -> bool {
        self.expected_status.iter().any(|range| range.contains(status))
    }
}

/// Parses and checks a target URL: http or https, a host, no fragment, bounded length.
pub fn parse_target_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.len() > limits::URL_BYTES {
        return Err(format!("must be at most {} bytes", limits::URL_BYTES));
    }
    let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must use http or https, not `{}`", url.scheme()));
    }
    // Checks would not send them, and the URL is shown in lists, alerts and logs.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "must not hold credentials (`user:password@`); send them as a header instead, e.g. \"headers\": {\"Authorization\": \"Basic <base64 of user:password>\"}, which is masked once saved".into(),
        );
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    Ok(url)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Headers the engine sets from the URL and body itself.
fn is_managed_header(name: &str) -> bool {
    ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer"]
        .iter()
        .any(|managed| managed.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(json: serde_json::Value) -> MonitorDraft {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_minimal_draft_gets_defaults() {
        let spec = HttpMonitorSpec::from_draft(&draft(serde_json::json!({"name": " Home ", "url": "https://example.com"}))).unwrap();
        assert_eq!(spec.name, "Home");
        assert_eq!(spec.method, HttpMethod::Get);
        assert_eq!(spec.interval.seconds(), 60);
        assert_eq!(spec.timeout, Duration::from_secs(10));
        assert_eq!(spec.expected_status, vec![StatusCodeRange { from: 200, to: 299 }]);
        assert_eq!(spec.thresholds.failure.get(), 2);
        assert_eq!(spec.thresholds.recovery.get(), 1);
        assert!(spec.follow_redirects && spec.verify_tls);
        assert!(spec.accepts_status(204) && !spec.accepts_status(301));
    }

    #[test]
    fn field_rules() {
        let base = serde_json::json!({"name": "x", "url": "https://example.com"});
        let cases: &[(serde_json::Value, &str, &str)] = &[
            (serde_json::json!({"name": ""}), "name", "required"),
            (serde_json::json!({"url": "ftp://example.com"}), "url", "http or https"),
            (serde_json::json!({"url": "not a url"}), "url", "not a valid URL"),
            (serde_json::json!({"method": "BREW"}), "method", "one of"),
            (serde_json::json!({"interval_seconds": 5}), "interval_seconds", "between 10"),
            (serde_json::json!({"interval_seconds": 86_401}), "interval_seconds", "24 h"),
            (serde_json::json!({"timeout_ms": 50}), "timeout_ms", "between"),
            (serde_json::json!({"url": "http://ann:pw@example.com/"}), "url", "must not hold credentials"),
            (serde_json::json!({"url": "https://token@example.com/"}), "url", "as a header instead"),
            (serde_json::json!({"interval_seconds": 10, "timeout_ms": 20_000}), "timeout_ms", "longer than the interval"),
            (serde_json::json!({"expected_status": [700]}), "expected_status[0]", "100-599"),
            (serde_json::json!({"expected_status": ["2yy"]}), "expected_status[0]", "class (2xx)"),
            (serde_json::json!({"expected_status": ["300-200"]}), "expected_status[0]", "range"),
            (serde_json::json!({"expected_status": []}), "expected_status", "at least one"),
            (serde_json::json!({"failure_threshold": 0}), "failure_threshold", "between 1"),
            (serde_json::json!({"recovery_threshold": 21}), "recovery_threshold", "between 1"),
            (serde_json::json!({"headers": {"Bad Name": "x"}}), "headers.Bad Name", "header name"),
            (serde_json::json!({"headers": {"Host": "x"}}), "headers.Host", "set by Vigil"),
            (serde_json::json!({"headers": {"X-A": "a\nb"}}), "headers.X-A", "printable"),
            (serde_json::json!({"body": "x"}), "body", "cannot be sent with GET"),
            (serde_json::json!({"tags": ["ok", "not ok"]}), "tags[1]", "letters"),
        ];
        for (patch, field, needle) in cases {
            let mut json = base.clone();
            json.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
            let errors = HttpMonitorSpec::from_draft(&draft(json)).unwrap_err().0;
            assert!(
                errors.iter().any(|e| e.field == *field && e.message.contains(needle)),
                "{patch}: expected {field} ~ {needle}, got {errors:?}"
            );
        }
    }

    #[test]
    fn status_patterns() {
        let spec = HttpMonitorSpec::from_draft(&draft(serde_json::json!({
            "name": "x", "url": "http://h", "expected_status": [200, "3xx", "401-403"]
        })))
        .unwrap();
        for (code, ok) in [(200, true), (201, false), (301, true), (399, true), (402, true), (404, false)] {
            assert_eq!(spec.accepts_status(code), ok, "{code}");
        }
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let errors = HttpMonitorSpec::from_draft(&draft(serde_json::json!({"url": "gopher://x", "interval_seconds": 1}))).unwrap_err().0;
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "url", "interval_seconds"]);
    }

    #[test]
    fn a_spec_round_trips_through_its_draft() {
        let spec = HttpMonitorSpec::from_draft(&draft(serde_json::json!({
            "name": "api", "url": "https://api.example.com/health", "method": "post", "body": "{}",
            "headers": {"X-Token": "t"}, "expected_status": ["2xx", 418], "tags": ["prod", "team:web"],
            "interval_seconds": 30, "timeout_ms": 5000, "failure_threshold": 3, "recovery_threshold": 2,
            "follow_redirects": false, "verify_tls": false
        })))
        .unwrap();
        assert_eq!(HttpMonitorSpec::from_draft(&spec.to_draft()).unwrap(), spec);
        let stored = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<HttpMonitorSpec>(&stored).unwrap(), spec);
    }
}
