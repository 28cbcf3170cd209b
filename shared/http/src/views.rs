//! What the API returns: JSON views of domain values, with times in RFC 3339 and durations in
//! milliseconds.

use jiff::Timestamp;
use serde::Serialize;
use std::time::Duration;
use vigil_domain::check::{CheckOutcome, CheckResult, FailureArtefact};
use vigil_domain::monitor::{MonitorDraft, MonitorRecord, StatusTransition, secret_headers};

/// A monitor: its spec as a client would send it, plus state.
#[derive(Debug, Serialize)]
pub(crate) struct MonitorBody {
    id: String,
    #[serde(flatten)]
    spec: MonitorDraft,
    status: &'static str,
    status_since: Timestamp,
    next_check_at: Option<Timestamp>,
    revision: u64,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_check: Option<CheckBody>,
}

impl MonitorBody {
    pub(crate) fn new(record: &MonitorRecord, last_check: Option<&CheckResult>) -> Self {
        let monitor = &record.monitor;
        let mut spec = monitor.spec.to_draft();
        spec.headers = spec.headers.map(|headers| secret_headers::masked(&headers));
        Self {
            id: monitor.id.to_string(),
            spec,
            status: record.health.status.as_str(),
            status_since: record.health.since,
            next_check_at: record.next_due_at,
            revision: monitor.revision,
            created_at: monitor.created_at,
            updated_at: monitor.updated_at,
            last_check: last_check.map(CheckBody::new),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// Phase timings in milliseconds.
#[derive(Debug, Serialize)]
struct TimingsBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    dns: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connect: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_byte: Option<f64>,
    total: f64,
}

/// One check.
#[derive(Debug, Serialize)]
pub(crate) struct CheckBody {
    id: String,
    monitor_id: String,
    planned_at: Timestamp,
    started_at: Timestamp,
    #[serde(flatten)]
    outcome: CheckOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_code: Option<u16>,
    timings_ms: TimingsBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_bytes: Option<u64>,
    body_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_expires_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_ip: Option<String>,
}

impl CheckBody {
    pub(crate) fn new(result: &CheckResult) -> Self {
        let t = &result.timings;
        Self {
            id: result.id.to_string(),
            monitor_id: result.monitor_id.to_string(),
            planned_at: result.planned_at,
            started_at: result.started_at,
            outcome: result.outcome.clone(),
            status_code: result.status_code,
            timings_ms: TimingsBody {
                dns: t.dns.map(ms),
                connect: t.connect.map(ms),
                tls: t.tls.map(ms),
                first_byte: t.first_byte.map(ms),
                total: ms(t.total),
            },
            response_bytes: result.response_bytes,
            body_truncated: result.body_truncated,
            certificate_expires_at: result.certificate_expires_at,
            remote_ip: result.remote_ip.map(|ip| ip.to_string()),
        }
    }
}

/// One check with the failing response kept for it.
#[derive(Debug, Serialize)]
pub(crate) struct CheckDetailBody {
    #[serde(flatten)]
    check: CheckBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    artefact: Option<ArtefactBody>,
}

#[derive(Debug, Serialize)]
struct ArtefactBody {
    request: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_code: Option<u16>,
    headers: Vec<(String, String)>,
    body_excerpt: String,
}

impl CheckDetailBody {
    pub(crate) fn new(result: &CheckResult, artefact: Option<&FailureArtefact>) -> Self {
        Self {
            check: CheckBody::new(result),
            artefact: artefact.map(|a| ArtefactBody {
                request: a.request.clone(),
                status_code: a.status_code,
                headers: a.headers.clone(),
                body_excerpt: a.body_excerpt.clone(),
            }),
        }
    }
}

/// One status change.
#[derive(Debug, Serialize)]
pub(crate) struct TransitionBody {
    from: &'static str,
    to: &'static str,
    at: Timestamp,
    cause: vigil_domain::monitor::TransitionCause,
}

impl TransitionBody {
    pub(crate) fn new(transition: StatusTransition) -> Self {
        Self { from: transition.from.as_str(), to: transition.to.as_str(), at: transition.at, cause: transition.cause }
    }
}

/// A page of items.
#[derive(Debug, Serialize)]
pub(crate) struct PageBody<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next_cursor: Option<String>,
}

/// A whole, short list of items.
#[derive(Debug, Serialize)]
pub(crate) struct ItemsBody<T> {
    pub(crate) items: Vec<T>,
}
