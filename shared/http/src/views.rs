//! Monitors and checks as the API shows them (the wire types of vigil-api), built from stored
//! values: times in RFC 3339, durations in milliseconds, credential headers masked.

use jiff::Timestamp;
use std::time::Duration;
use vigil_api::{Artefact, Check, CheckDetail, Monitor, Timings, Transition};
use vigil_domain::check::{CheckResult, FailureArtefact};
use vigil_domain::monitor::{MonitorRecord, StatusCodeInput, StatusTransition, secret_headers};

/// A monitor as of `now`, with its latest check when known.
pub(crate) fn monitor(record: &MonitorRecord, last_check: Option<&CheckResult>, now: Timestamp) -> Monitor {
    let monitor = &record.monitor;
    let spec = &monitor.spec;
    Monitor {
        id: monitor.id,
        name: spec.name.clone(),
        url: spec.url.to_string(),
        method: spec.method.as_str().to_owned(),
        headers: secret_headers::masked(&spec.headers),
        header_fingerprints: secret_headers::fingerprints(&spec.headers),
        body: spec.body.clone(),
        timeout_ms: spec.timeout.as_millis() as u64,
        interval_seconds: spec.interval.seconds(),
        expected_status: spec
            .expected_status
            .iter()
            .map(|r| if r.from == r.to { StatusCodeInput::Code(r.from) } else { StatusCodeInput::Pattern(r.to_string()) })
            .collect(),
        assertions: spec.assertions.iter().map(|a| a.source().to_owned()).collect(),
        failure_threshold: spec.thresholds.failure.get(),
        recovery_threshold: spec.thresholds.recovery.get(),
        follow_redirects: spec.follow_redirects,
        verify_tls: spec.verify_tls,
        tags: spec.tags.iter().cloned().collect(),
        managed: spec.managed.clone(),
        status: record.health.status,
        status_since: record.health.since,
        next_check_at: record.next_check_at(now),
        revision: monitor.revision,
        created_at: monitor.created_at,
        updated_at: monitor.updated_at,
        last_check: last_check.map(check),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// One check.
pub(crate) fn check(result: &CheckResult) -> Check {
    let t = &result.timings;
    Check {
        id: result.id,
        monitor_id: result.monitor_id,
        planned_at: result.planned_at,
        started_at: result.started_at,
        outcome: result.outcome.clone(),
        status_code: result.status_code,
        timings_ms: Timings {
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

/// One check with the failing response kept for it.
pub(crate) fn check_detail(result: &CheckResult, artefact: Option<&FailureArtefact>) -> CheckDetail {
    CheckDetail {
        check: check(result),
        artefact: artefact.map(|a| Artefact {
            request: a.request.clone(),
            status_code: a.status_code,
            headers: a.headers.clone(),
            body_excerpt: a.body_excerpt.clone(),
        }),
    }
}

/// One status change.
pub(crate) fn transition(transition: StatusTransition) -> Transition {
    Transition { from: transition.from, to: transition.to, at: transition.at, cause: transition.cause }
}
