//! Checks: the judgement of one probe against a monitor's spec ([`judge`]), and the result that
//! is stored ([`CheckResult`]).

use crate::ids::{CheckId, MonitorId, TenantId};
use crate::monitor::{HttpMonitorSpec, Verdict};
use crate::probe::{ProbeReport, Timings, TransportFailure};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

/// Why a check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused.
    ConnectionRefused,
    /// The connection failed otherwise.
    Connect,
    /// The check ran past its timeout.
    Timeout,
    /// TLS handshake or certificate verification failed.
    Tls,
    /// The address is not allowed by the network policy.
    Blocked,
    /// The response broke the HTTP protocol.
    Protocol,
    /// The status code was not among the expected ones.
    BadStatus,
    /// An assertion did not hold.
    AssertionFailed,
    /// The body was larger than the cap while an assertion needed all of it.
    BodyTooLarge,
}

impl FailureClass {
    /// Every class, in a fixed order (compact encodings store the position).
    pub const ALL: [FailureClass; 10] = [
        FailureClass::Dns,
        FailureClass::ConnectionRefused,
        FailureClass::Connect,
        FailureClass::Timeout,
        FailureClass::Tls,
        FailureClass::Blocked,
        FailureClass::Protocol,
        FailureClass::BadStatus,
        FailureClass::AssertionFailed,
        FailureClass::BodyTooLarge,
    ];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Dns => "dns",
            FailureClass::ConnectionRefused => "connection_refused",
            FailureClass::Connect => "connect",
            FailureClass::Timeout => "timeout",
            FailureClass::Tls => "tls",
            FailureClass::Blocked => "blocked",
            FailureClass::Protocol => "protocol",
            FailureClass::BadStatus => "bad_status",
            FailureClass::AssertionFailed => "assertion_failed",
            FailureClass::BodyTooLarge => "body_too_large",
        }
    }

    /// Whether no response came back: the failure was in reaching the target.
    pub fn is_transport(self) -> bool {
        !matches!(self, FailureClass::BadStatus | FailureClass::AssertionFailed | FailureClass::BodyTooLarge)
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<TransportFailure> for FailureClass {
    fn from(failure: TransportFailure) -> Self {
        match failure {
            TransportFailure::Dns => FailureClass::Dns,
            TransportFailure::ConnectionRefused => FailureClass::ConnectionRefused,
            TransportFailure::Connect => FailureClass::Connect,
            TransportFailure::Timeout => FailureClass::Timeout,
            TransportFailure::Tls => FailureClass::Tls,
            TransportFailure::Blocked => FailureClass::Blocked,
            TransportFailure::Protocol => FailureClass::Protocol,
        }
    }
}

/// The assertion that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FailedAssertion {
    /// Its position in the monitor's list.
    pub index: usize,
    /// Its source text.
    pub expression: String,
    /// The condition with the observed values filled in.
    pub actual: String,
}

/// What went wrong in a failed check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CheckFailure {
    /// The class of failure.
    pub class: FailureClass,
    /// A sentence for a person.
    pub message: String,
    /// The assertion, when `class` is `assertion_failed` or `body_too_large`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<FailedAssertion>,
}

/// How a check ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CheckOutcome {
    /// The target answered as expected.
    Up,
    /// The target is down or answered wrongly.
    Down {
        /// What went wrong.
        failure: CheckFailure,
    },
    /// The probe itself failed; this says nothing about the target and leaves status alone.
    Error {
        /// What went wrong in the prober.
        message: String,
    },
}

impl CheckOutcome {
    /// The verdict for status, or `None` for a probe error.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            CheckOutcome::Up => Some(Verdict::Pass),
            CheckOutcome::Down { .. } => Some(Verdict::Fail),
            CheckOutcome::Error { .. } => None,
        }
    }

    /// The failure, if the check failed.
    pub fn failure(&self) -> Option<&CheckFailure> {
        match self {
            CheckOutcome::Down { failure } => Some(failure),
            _ => None,
        }
    }
}

/// One stored check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Identity (derived from monitor and planned time).
    pub id: CheckId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The monitor checked.
    pub monitor_id: MonitorId,
    /// When the schedule meant it to start.
    pub planned_at: Timestamp,
    /// When it started.
    pub started_at: Timestamp,
    /// Phase timings.
    pub timings: Timings,
    /// Final HTTP status, if a response came back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Body bytes read (at most the cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_bytes: Option<u64>,
    /// Whether the body went on past the cap.
    #[serde(default)]
    pub body_truncated: bool,
    /// Leaf certificate expiry, for https.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_expires_at: Option<Timestamp>,
    /// The address connected to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip: Option<IpAddr>,
    /// How it ended.
    pub outcome: CheckOutcome,
}

impl CheckResult {
    /// Builds the result of a probe, judging it against `spec`.
    pub fn from_report(
        tenant_id: TenantId,
        monitor_id: MonitorId,
        spec: &HttpMonitorSpec,
        planned_at: Timestamp,
        started_at: Timestamp,
        report: &ProbeReport,
    ) -> Self {
        let outcome = judge(spec, report);
        let id = CheckId::for_planned_check(monitor_id, planned_at.as_millisecond());
        let base = CheckResult {
            id,
            tenant_id,
            monitor_id,
            planned_at,
            started_at,
            timings: Timings::default(),
            status_code: None,
            response_bytes: None,
            body_truncated: false,
            certificate_expires_at: None,
            remote_ip: None,
            outcome,
        };
        match report {
            ProbeReport::Responded { response, timings, .. } => CheckResult {
                timings: *timings,
                status_code: Some(response.status),
                response_bytes: Some(response.body.len() as u64),
                body_truncated: response.body_truncated,
                certificate_expires_at: response.certificate_expires_at,
                remote_ip: response.remote_ip,
                ..base
            },
            ProbeReport::Unreachable { timings, certificate_expires_at, .. } => {
                CheckResult { timings: *timings, certificate_expires_at: *certificate_expires_at, ..base }
            }
            ProbeReport::ProbeError { .. } => base,
        }
    }
}

/// Judges a probe report against a monitor's expectations: transport first, then the status
/// code, then each assertion in order; the first failure is the cause.
pub fn judge(spec: &HttpMonitorSpec, report: &ProbeReport) -> CheckOutcome {
    let down = |class: FailureClass, message: String, assertion: Option<FailedAssertion>| CheckOutcome::Down {
        failure: CheckFailure { class, message, assertion },
    };
    let response = match report {
        ProbeReport::ProbeError { message } => return CheckOutcome::Error { message: message.clone() },
        ProbeReport::Unreachable { failure, message, .. } => return down((*failure).into(), message.clone(), None),
        ProbeReport::Responded { response, .. } => response,
    };
    if !spec.accepts_status(response.status) {
        let expected = spec.expected_status.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        return down(FailureClass::BadStatus, format!("status {} is not one of the expected {expected}", response.status), None);
    }
    for (index, assertion) in spec.assertions.iter().enumerate() {
        if assertion.reads_body() && response.body_truncated {
            let detail = FailedAssertion {
                index,
                expression: assertion.source().to_owned(),
                actual: format!("the body is larger than the {} bytes read", response.body.len()),
            };
            return down(
                FailureClass::BodyTooLarge,
                format!("the response body exceeds the {} byte cap, so `{}` cannot be evaluated", response.body.len(), assertion.source()),
                Some(detail),
            );
        }
        if let Err(mismatch) = assertion.evaluate(response) {
            let message = format!("assertion {} failed: {}", index + 1, mismatch.actual);
            let detail = FailedAssertion { index, expression: assertion.source().to_owned(), actual: mismatch.actual };
            return down(FailureClass::AssertionFailed, message, Some(detail));
        }
    }
    CheckOutcome::Up
}

/// What is kept of a failing response for people to look at later: request line, status,
/// headers and the start of the body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureArtefact {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// The failing check.
    pub check_id: CheckId,
    /// When the check started.
    pub started_at: Timestamp,
    /// `METHOD URL`.
    pub request: String,
    /// What went wrong.
    pub failure: CheckFailure,
    /// The final status, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Response headers.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The start of the body, lossily decoded as UTF-8.
    #[serde(default)]
    pub body_excerpt: String,
    /// Timings.
    pub timings: Timings,
}

impl FailureArtefact {
    /// The most body bytes an artefact keeps.
    pub const BODY_EXCERPT_BYTES: usize = 64 * 1024;

    /// The artefact of a failed check, or `None` if the check did not fail.
    pub fn of(result: &CheckResult, spec: &HttpMonitorSpec, report: &ProbeReport) -> Option<Self> {
        let failure = result.outcome.failure()?.clone();
        let (headers, body_excerpt) = match report {
            ProbeReport::Responded { response, .. } => {
                let end = response.body.len().min(Self::BODY_EXCERPT_BYTES);
                (response.headers.clone(), String::from_utf8_lossy(&response.body[..end]).into_owned())
            }
            _ => (Vec::new(), String::new()),
        };
        Some(Self {
            tenant_id: result.tenant_id,
            monitor_id: result.monitor_id,
            check_id: result.id,
            started_at: result.started_at,
            request: format!("{} {}", spec.method, spec.url),
            failure,
            status_code: result.status_code,
            headers,
            body_excerpt,
            timings: result.timings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::MonitorDraft;
    use crate::probe::ResponseObservation;
    use std::time::Duration;
    use uuid::Uuid;

    fn spec(json: serde_json::Value) -> HttpMonitorSpec {
        let mut base = serde_json::json!({"name": "t", "url": "https://example.com"});
        base.as_object_mut().unwrap().extend(json.as_object().unwrap().clone());
        HttpMonitorSpec::from_draft(&serde_json::from_value::<MonitorDraft>(base).unwrap()).unwrap()
    }

    fn responded(status: u16, body: &str, truncated: bool) -> ProbeReport {
        ProbeReport::Responded {
            response: ResponseObservation {
                observed_at: Timestamp::from_second(1_700_000_000).unwrap(),
                status,
                headers: vec![("content-type".into(), "text/plain".into())],
                body: body.as_bytes().to_vec(),
                body_truncated: truncated,
                response_time: Duration::from_millis(12),
                certificate_expires_at: None,
                remote_ip: None,
            },
            timings: Timings { total: Duration::from_millis(12), ..Timings::default() },
            redirects: 0,
        }
    }

    fn class(outcome: &CheckOutcome) -> Option<FailureClass> {
        outcome.failure().map(|f| f.class)
    }

    #[test]
    fn judgement_table() {
        let unreachable =
            |failure| ProbeReport::Unreachable { failure, message: "x".into(), timings: Timings::default(), certificate_expires_at: None };
        let plain = spec(serde_json::json!({}));
        let asserting = spec(serde_json::json!({"assertions": ["[STATUS] == 200"]}));
        let cases: Vec<(&str, &HttpMonitorSpec, ProbeReport, Option<FailureClass>)> = vec![
            ("200 passes", &plain, responded(200, "ok", false), None),
            ("503 is a bad status", &plain, responded(503, "", false), Some(FailureClass::BadStatus)),
            ("dns", &plain, unreachable(TransportFailure::Dns), Some(FailureClass::Dns)),
            ("refused", &plain, unreachable(TransportFailure::ConnectionRefused), Some(FailureClass::ConnectionRefused)),
            ("timeout", &plain, unreachable(TransportFailure::Timeout), Some(FailureClass::Timeout)),
            ("tls", &plain, unreachable(TransportFailure::Tls), Some(FailureClass::Tls)),
            ("blocked", &plain, unreachable(TransportFailure::Blocked), Some(FailureClass::Blocked)),
            ("a truncated body is fine when nothing reads it", &plain, responded(200, "x", true), None),
            ("assertion holds", &asserting, responded(200, "", false), None),
        ];
        for (name, spec, report, expected) in cases {
            assert_eq!(class(&judge(spec, &report)), expected, "{name}");
        }
        let error = judge(&plain, &ProbeReport::ProbeError { message: "no sockets".into() });
        assert_eq!(error.verdict(), None);
    }

    #[test]
    fn a_bad_status_names_what_was_expected() {
        let outcome = judge(&spec(serde_json::json!({"expected_status": ["2xx", 304]})), &responded(500, "", false));
        assert_eq!(outcome.failure().unwrap().message, "status 500 is not one of the expected 2xx, 304");
    }

    #[test]
    fn results_carry_the_response_facts() {
        let spec = spec(serde_json::json!({}));
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        let monitor = MonitorId::from_uuid(Uuid::from_u128(2));
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let report = responded(503, "maintenance", false);
        let result = CheckResult::from_report(tenant, monitor, &spec, at, at, &report);
        assert_eq!(result.status_code, Some(503));
        assert_eq!(result.response_bytes, Some(11));
        assert_eq!(result.id, CheckId::for_planned_check(monitor, at.as_millisecond()));
        let artefact = FailureArtefact::of(&result, &spec, &report).unwrap();
        assert_eq!(artefact.body_excerpt, "maintenance");
        assert_eq!(artefact.request, "GET https://example.com/");
        let up = CheckResult::from_report(tenant, monitor, &spec, at, at, &responded(200, "", false));
        assert!(FailureArtefact::of(&up, &spec, &report).is_none());
    }
}
