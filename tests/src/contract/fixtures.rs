//! Values the suites build on.

use jiff::{SignedDuration, Timestamp};
use std::net::IpAddr;
use std::time::Duration;
use uuid::Uuid;
use vigil_domain::check::{CheckFailure, CheckOutcome, CheckResult, FailureClass};
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, HttpMonitorSpec, MonitorDraft, MonitorHealth, MonitorRecord};
use vigil_domain::probe::Timings;

/// A fixed point in time (ms precision) the suites count from.
pub fn t0() -> Timestamp {
    Timestamp::from_millisecond(1_767_225_600_000).expect("2026-01-01")
}

/// `t0` plus `seconds`.
pub fn at(seconds: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(seconds)
}

/// A fresh tenant id.
pub fn tenant() -> TenantId {
    TenantId::from_uuid(Uuid::now_v7())
}

/// A fresh monitor id.
pub fn monitor_id() -> MonitorId {
    MonitorId::from_uuid(Uuid::now_v7())
}

/// A spec with every field set.
pub fn spec(name: &str, interval_seconds: u32, tags: &[&str]) -> HttpMonitorSpec {
    let draft: MonitorDraft = serde_json::from_value(serde_json::json!({
        "name": name,
        "url": "https://example.com/health?full=1",
        "method": "POST",
        "headers": {"X-Api-Key": "k"},
        "body": "{\"ping\":true}",
        "timeout_ms": 5000,
        "interval_seconds": interval_seconds,
        "expected_status": [200, "3xx"],
        "assertions": ["[STATUS] < 400", "[BODY].ok == true"],
        "failure_threshold": 3,
        "recovery_threshold": 2,
        "follow_redirects": false,
        "verify_tls": false,
        "tags": tags,
    }))
    .expect("draft");
    HttpMonitorSpec::from_draft(&draft).expect("valid spec")
}

/// A new monitor of `tenant`, due at `due`.
pub fn record(tenant: TenantId, name: &str, created: Timestamp, due: Option<Timestamp>) -> MonitorRecord {
    record_with(tenant, monitor_id(), name, 60, &["prod"], created, due)
}

/// A new monitor with every choice made by the caller.
pub fn record_with(
    tenant: TenantId,
    id: MonitorId,
    name: &str,
    interval_seconds: u32,
    tags: &[&str],
    created: Timestamp,
    due: Option<Timestamp>,
) -> MonitorRecord {
    MonitorRecord {
        monitor: HttpMonitor {
            id,
            tenant_id: tenant,
            spec: spec(name, interval_seconds, tags),
            revision: 1,
            created_at: created,
            updated_at: created,
        },
        health: MonitorHealth::pending(created),
        next_due_at: due,
    }
}

/// A check result of `monitor` planned at `planned`, passing or failing.
pub fn result(tenant: TenantId, monitor: MonitorId, planned: Timestamp, up: bool, latency_ms: u64) -> CheckResult {
    let outcome = if up {
        CheckOutcome::Up
    } else {
        CheckOutcome::Down {
            failure: CheckFailure {
                class: FailureClass::BadStatus,
                message: "status 503 is not one of the expected 2xx".into(),
                assertion: None,
            },
        }
    };
    CheckResult {
        id: CheckId::for_planned_check(monitor, planned.as_millisecond()),
        tenant_id: tenant,
        monitor_id: monitor,
        planned_at: planned,
        started_at: planned + SignedDuration::from_millis(3),
        timings: Timings {
            dns: Some(Duration::from_micros(1_200)),
            connect: Some(Duration::from_micros(800)),
            tls: Some(Duration::from_micros(4_500)),
            first_byte: Some(Duration::from_millis(latency_ms / 2)),
            total: Duration::from_millis(latency_ms),
        },
        status_code: Some(if up { 200 } else { 503 }),
        response_bytes: Some(512),
        body_truncated: false,
        certificate_expires_at: Some(at(86_400 * 90)),
        remote_ip: Some("93.184.216.34".parse::<IpAddr>().expect("ip")),
        outcome,
    }
}

/// The `n`th monitor id whose phase in `interval_seconds` is `phase_seconds`, so that a suite
/// knows where a monitor's slots fall.
pub fn id_with_phase(n: u128, interval_seconds: u32, phase_seconds: u32) -> MonitorId {
    let interval_ms = u128::from(interval_seconds) * 1000;
    MonitorId::from_uuid(Uuid::from_u128((n + 1) * interval_ms * 7919 + u128::from(phase_seconds) * 1000))
}

/// Every slot of `monitor` at `interval_seconds` from `from` (included) to `to` (excluded): what a
/// scheduler must hand out over that time, each once.
pub fn slots_between(monitor: MonitorId, interval_seconds: u32, from: Timestamp, to: Timestamp) -> Vec<Timestamp> {
    let interval = vigil_domain::monitor::CheckInterval::from_seconds(interval_seconds).expect("an interval");
    let mut slots = Vec::new();
    let mut slot = interval.slot_at_or_after(monitor, from);
    while slot < to {
        slots.push(slot);
        slot = interval.next_slot_after(monitor, slot);
    }
    slots
}
