//! Check results as items of the monitor's history partition: the result in its compact form
//! (`vigil_domain::compact_check`, about 30 bytes; the ids are in the key), the transition it
//! caused if any, and the TTL that enforces retention. Items written before the compact form
//! hold the result as JSON, and read as before.

use super::keys::{EXPIRES_AT, PK, SK, history_pk, result_sk};
use super::toolkit::attributes::{Item, n, s};
use super::transitions::TRANSITION;
use crate::dynamo::client::AttributeValue;
use anyhow::{Context, anyhow};
use jiff::SignedDuration;
use serde_json::Value;
use vigil_domain::check::CheckResult;
use vigil_domain::compact_check;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::StatusTransition;

/// The attribute holding a result: bytes of its compact form, or (written before it) JSON.
pub(crate) const RESULT: &str = "result";

/// The item of a result, expiring `retention` after its planned time.
pub(crate) fn result_item(result: &CheckResult, transition: Option<&StatusTransition>, retention: SignedDuration) -> anyhow::Result<Item> {
    let mut item = Item::from([
        (PK.to_owned(), s(history_pk(result.tenant_id, result.monitor_id))),
        (SK.to_owned(), s(result_sk(result.planned_at.as_millisecond()))),
        (RESULT.to_owned(), AttributeValue::B(compact_check::encode(result))),
        (EXPIRES_AT.to_owned(), n((result.planned_at + retention).as_second())),
    ]);
    if let Some(transition) = transition {
        item.insert(TRANSITION.to_owned(), s(serde_json::to_string(transition).context("encoding a transition")?));
    }
    Ok(item)
}

/// A result from its item, in either form.
pub(crate) fn result_from_item(item: &Item, tenant: TenantId, monitor: MonitorId) -> anyhow::Result<CheckResult> {
    match item.get(RESULT) {
        Some(AttributeValue::B(bytes)) => Ok(compact_check::decode(bytes, tenant, monitor)?),
        Some(AttributeValue::S(json)) => result_from_json(json, tenant, monitor),
        Some(other) => Err(anyhow!("attribute `{RESULT}` is neither bytes nor a string: {other:?}")),
        None => Err(anyhow!("attribute `{RESULT}` is missing")),
    }
}

/// A result from the JSON of an item written before the compact form.
fn result_from_json(json: &str, tenant: TenantId, monitor: MonitorId) -> anyhow::Result<CheckResult> {
    let mut json: Value = serde_json::from_str(json).context("a stored check result is not JSON")?;
    let planned_at = json.get("planned_at").and_then(Value::as_str).context("a stored check result has no planned time")?;
    let planned: jiff::Timestamp = planned_at.parse().context("a stored planned time does not parse")?;
    let id = vigil_domain::ids::CheckId::for_planned_check(monitor, planned.as_millisecond());
    if let Value::Object(fields) = &mut json {
        fields.insert("id".into(), Value::String(id.to_string()));
        fields.insert("tenant_id".into(), Value::String(tenant.to_string()));
        fields.insert("monitor_id".into(), Value::String(monitor.to_string()));
    }
    serde_json::from_value(json).context("a stored check result does not parse")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use std::time::Duration;
    use uuid::Uuid;
    use vigil_domain::check::{CheckFailure, CheckOutcome, FailureClass};
    use vigil_domain::ids::CheckId;
    use vigil_domain::probe::Timings;

    fn result() -> CheckResult {
        let (tenant_id, monitor_id) =
            (TenantId::from_uuid(Uuid::from_u128(3)), MonitorId::from_uuid(Uuid::from_u128(0x0193_0000_7000_8000_0000_0000_0000_0001)));
        let planned_at: Timestamp = "2026-12-07T10:00:00.250Z".parse().unwrap();
        CheckResult {
            id: CheckId::for_planned_check(monitor_id, planned_at.as_millisecond()),
            tenant_id,
            monitor_id,
            planned_at,
            started_at: "2026-12-07T10:00:00.251234Z".parse().unwrap(),
            timings: Timings { connect: Some(Duration::from_micros(400)), total: Duration::from_micros(9_000), ..Timings::default() },
            status_code: Some(502),
            response_bytes: Some(12),
            body_truncated: false,
            certificate_expires_at: None,
            remote_ip: Some("127.0.0.1".parse().unwrap()),
            outcome: CheckOutcome::Down {
                failure: CheckFailure { class: FailureClass::BadStatus, message: "status 502".into(), assertion: None },
            },
        }
    }

    #[test]
    fn a_result_is_kept_compact_and_read_back_whole() {
        let result = result();
        let item = result_item(&result, None, SignedDuration::from_hours(24)).unwrap();
        let Some(AttributeValue::B(bytes)) = item.get(RESULT) else { panic!("the result is not bytes: {item:?}") };
        assert!(bytes.len() < 60, "{} bytes", bytes.len());
        assert_eq!(result_from_item(&item, result.tenant_id, result.monitor_id).unwrap(), result);
    }

    #[test]
    fn an_item_written_as_json_before_still_reads() {
        let result = result();
        let mut item = result_item(&result, None, SignedDuration::from_hours(24)).unwrap();
        let mut json = serde_json::to_value(&result).unwrap();
        if let Value::Object(fields) = &mut json {
            for field in ["id", "tenant_id", "monitor_id"] {
                fields.remove(field);
            }
        }
        item.insert(RESULT.to_owned(), s(json.to_string()));
        assert_eq!(result_from_item(&item, result.tenant_id, result.monitor_id).unwrap(), result);
        item.insert(RESULT.to_owned(), n(1));
        let error = result_from_item(&item, result.tenant_id, result.monitor_id).unwrap_err().to_string();
        assert!(error.contains("neither bytes nor a string"), "{error}");
    }
}
