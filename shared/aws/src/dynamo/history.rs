//! Check results as items of the monitor's history partition: the result as compact JSON (ids
//! are in the key), the transition it caused if any, and the TTL that enforces retention.

use super::keys::{EXPIRES_AT, PK, SK, history_pk, result_sk};
use super::toolkit::attributes::{Item, ItemExt, n, s};
use super::transitions::TRANSITION;
use anyhow::Context;
use jiff::SignedDuration;
use serde_json::Value;
use vigil_domain::check::CheckResult;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::StatusTransition;

/// The attribute holding a result as JSON.
pub(crate) const RESULT: &str = "result";

/// The fields of a result that the key already carries, left out of the stored JSON to keep the
/// item under 1 KB (one write unit).
const KEYED_FIELDS: [&str; 3] = ["id", "tenant_id", "monitor_id"];

/// The item of a result, expiring `retention` after its planned time.
pub(crate) fn result_item(result: &CheckResult, transition: Option<&StatusTransition>, retention: SignedDuration) -> anyhow::Result<Item> {
    let mut json = serde_json::to_value(result).context("encoding a check result")?;
    if let Value::Object(fields) = &mut json {
        for field in KEYED_FIELDS {
            fields.remove(field);
        }
    }
    let mut item = Item::from([
        (PK.to_owned(), s(history_pk(result.tenant_id, result.monitor_id))),
        (SK.to_owned(), s(result_sk(result.planned_at.as_millisecond()))),
        (RESULT.to_owned(), s(json.to_string())),
        (EXPIRES_AT.to_owned(), n((result.planned_at + retention).as_second())),
    ]);
    if let Some(transition) = transition {
        item.insert(TRANSITION.to_owned(), s(serde_json::to_string(transition).context("encoding a transition")?));
    }
    Ok(item)
}

/// A result from its item.
pub(crate) fn result_from_item(item: &Item, tenant: TenantId, monitor: MonitorId) -> anyhow::Result<CheckResult> {
    let mut json: Value = serde_json::from_str(item.string(RESULT)?).context("a stored check result is not JSON")?;
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
