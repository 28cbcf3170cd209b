//! A monitor as an item: its spec as JSON, its health and bookkeeping as attributes, and the
//! index attributes (creation key always; due-index attributes only while it has a due time).

use super::keys::{CREATION_KEY, DUE_AT, DUE_SHARD, MONITOR_SK_PREFIX, PK, SK, creation_key, due_shard, monitor_sk, tenant_pk};
use super::toolkit::attributes::{Item, ItemExt, key_suffix, n, s};
use super::toolkit::item::key;
use crate::dynamo::client::AttributeValue;
use anyhow::{Context, anyhow};
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, HttpMonitorSpec, MonitorHealth, MonitorRecord, MonitorStatus};

pub(crate) const SPEC: &str = "spec";
pub(crate) const INTERVAL: &str = "interval_s";
pub(crate) const REVISION: &str = "revision";
pub(crate) const CREATED_AT: &str = "created_at";
pub(crate) const UPDATED_AT: &str = "updated_at";
pub(crate) const STATUS: &str = "status";
pub(crate) const SINCE: &str = "status_since";
pub(crate) const FAILURE_STREAK: &str = "failure_streak";
pub(crate) const SUCCESS_STREAK: &str = "success_streak";
pub(crate) const HEALTH_VERSION: &str = "health_version";
pub(crate) const TAGS: &str = "tags";
/// On a monitor that follows its tenant's schedule cursor instead of a due time of its own:
/// the first of its slots its own claims did not hand out (see `schedule_cursor`).
pub(crate) const JOINED_AT: &str = "cursor_joined_at";

/// The key of a monitor's item.
pub(crate) fn monitor_key(tenant: TenantId, id: MonitorId) -> Item {
    key(tenant_pk(tenant), monitor_sk(id))
}

/// The whole item of a new monitor.
pub(crate) fn to_item(record: &MonitorRecord) -> anyhow::Result<Item> {
    let m = &record.monitor;
    let mut item = Item::new();
    item.insert(PK.into(), s(tenant_pk(m.tenant_id)));
    item.insert(SK.into(), s(monitor_sk(m.id)));
    item.insert(CREATION_KEY.into(), s(creation_key(m.created_at.as_millisecond(), m.id)));
    item.insert(CREATED_AT.into(), n(m.created_at.as_millisecond()));
    for (name, value) in spec_attributes(m)? {
        item.insert(name.into(), value);
    }
    for (name, value) in health_attributes(&record.health) {
        item.insert(name.into(), value);
    }
    if let Some(due) = record.next_due_at {
        item.insert(DUE_SHARD.into(), s(due_shard(m.id)));
        item.insert(DUE_AT.into(), n(due.as_millisecond()));
    }
    if let Some(tags) = tags_value(m) {
        item.insert(TAGS.into(), tags);
    }
    Ok(item)
}

/// The attributes a spec update replaces (tags apart: an empty set is removed, not stored).
pub(crate) fn spec_attributes(m: &HttpMonitor) -> anyhow::Result<Vec<(&'static str, AttributeValue)>> {
    Ok(vec![
        (SPEC, s(serde_json::to_string(&m.spec).context("encoding a monitor spec")?)),
        (INTERVAL, n(m.spec.interval.seconds())),
        (REVISION, n(m.revision)),
        (UPDATED_AT, n(m.updated_at.as_millisecond())),
    ])
}

/// The tag set, or `None` when there are no tags (DynamoDB has no empty sets).
pub(crate) fn tags_value(m: &HttpMonitor) -> Option<AttributeValue> {
    (!m.spec.tags.is_empty()).then(|| AttributeValue::Ss(m.spec.tags.iter().cloned().collect()))
}

/// The attributes of a health.
pub(crate) fn health_attributes(h: &MonitorHealth) -> Vec<(&'static str, AttributeValue)> {
    vec![
        (STATUS, s(h.status.as_str())),
        (SINCE, n(h.since.as_millisecond())),
        (FAILURE_STREAK, n(h.failure_streak)),
        (SUCCESS_STREAK, n(h.success_streak)),
        (HEALTH_VERSION, n(h.version)),
    ]
}

/// A time stored as Unix milliseconds.
pub(crate) fn stored_time(ms: i64) -> anyhow::Result<Timestamp> {
    Timestamp::from_millisecond(ms).with_context(|| format!("stored time {ms} is out of range"))
}

/// A monitor from its item.
pub(crate) fn from_item(item: &Item) -> anyhow::Result<MonitorRecord> {
    let tenant_id: TenantId = key_suffix(item, PK, "T#")?;
    let id: MonitorId = key_suffix(item, SK, MONITOR_SK_PREFIX)?;
    let spec: HttpMonitorSpec = serde_json::from_str(item.string(SPEC)?).context("a stored monitor spec does not parse")?;
    let status = item.string(STATUS)?;
    let status = MonitorStatus::parse(status).ok_or_else(|| anyhow!("unknown stored status `{status}`"))?;
    Ok::<_, anyhow::Error>(MonitorRecord {
        monitor: HttpMonitor {
            id,
            tenant_id,
            spec,
            revision: item.number(REVISION)?,
            created_at: stored_time(item.number(CREATED_AT)?)?,
            updated_at: stored_time(item.number(UPDATED_AT)?)?,
        },
        health: MonitorHealth {
            status,
            since: stored_time(item.number(SINCE)?)?,
            failure_streak: item.number(FAILURE_STREAK)?,
            success_streak: item.number(SUCCESS_STREAK)?,
            version: item.number(HEALTH_VERSION)?,
        },
        // A monitor on its tenant's cursor is scheduled from where it joined it.
        next_due_at: item.opt_number::<i64>(DUE_AT)?.or(item.opt_number::<i64>(JOINED_AT)?).map(stored_time).transpose()?,
    })
    .with_context(|| format!("monitor {id} of tenant {tenant_id}"))
}
