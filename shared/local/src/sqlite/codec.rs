//! Conversions between domain values and SQLite columns.

use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rusqlite::Row;
use uuid::Uuid;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, HttpMonitorSpec, MonitorHealth, MonitorRecord, MonitorStatus};
use vigil_domain::page::{Cursor, Page};
use vigil_domain::ports::StoreError;

/// An id as stored.
pub(crate) fn blob(uuid: Uuid) -> [u8; 16] {
    uuid.into_bytes()
}

/// An id from storage.
pub(crate) fn uuid(bytes: &[u8]) -> anyhow::Result<Uuid> {
    Uuid::from_slice(bytes).context("a stored id is not 16 bytes")
}

/// A time as stored.
pub(crate) fn ms(at: Timestamp) -> i64 {
    at.as_millisecond()
}

/// A time from storage.
pub(crate) fn at(ms: i64) -> anyhow::Result<Timestamp> {
    Timestamp::from_millisecond(ms).with_context(|| format!("stored time {ms} is out of range"))
}

/// The columns of a monitor in the order [`monitor_from_row`] reads them, from
/// [`MONITORS_SCHEDULED`].
pub(crate) const MONITOR_COLUMNS: &str = "m.tenant_id, m.id, m.spec, m.revision, m.created_at, m.updated_at, m.status, \
     m.status_since, m.failure_streak, m.success_streak, m.health_version, s.next_due_at";

/// Monitors (`m`) with their next planned checks (`s`).
pub(crate) const MONITORS_SCHEDULED: &str = "monitors m LEFT JOIN check_schedule s ON s.tenant_id = m.tenant_id AND s.monitor_id = m.id";

/// A monitor from a row of [`MONITOR_COLUMNS`].
pub(crate) fn monitor_from_row(row: &Row<'_>) -> anyhow::Result<MonitorRecord> {
    let spec: String = row.get(2)?;
    let spec: HttpMonitorSpec = serde_json::from_str(&spec).context("a stored monitor spec does not parse")?;
    let status: String = row.get(6)?;
    let status = MonitorStatus::parse(&status).ok_or_else(|| anyhow!("unknown stored status `{status}`"))?;
    Ok(MonitorRecord {
        monitor: HttpMonitor {
            tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
            id: MonitorId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
            spec,
            revision: row.get::<_, i64>(3)? as u64,
            created_at: at(row.get(4)?)?,
            updated_at: at(row.get(5)?)?,
        },
        health: MonitorHealth {
            status,
            since: at(row.get(7)?)?,
            failure_streak: row.get(8)?,
            success_streak: row.get(9)?,
            version: row.get::<_, i64>(10)? as u64,
        },
        next_due_at: row.get::<_, Option<i64>>(11)?.map(at).transpose()?,
    })
}

/// Encodes a listing position.
pub(crate) fn encode_cursor(parts: &[i64], id: Option<Uuid>) -> Cursor {
    let mut text = parts.iter().map(i64::to_string).collect::<Vec<_>>().join(":");
    if let Some(id) = id {
        text.push(':');
        text.push_str(&id.simple().to_string());
    }
    Cursor(URL_SAFE_NO_PAD.encode(text))
}

/// Decodes a listing position of `numbers` integers and, if `with_id`, an id.
pub(crate) fn decode_cursor(cursor: &Cursor, numbers: usize, with_id: bool) -> Result<(Vec<i64>, Option<Uuid>), StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(&cursor.0).map_err(|_| StoreError::InvalidCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::InvalidCursor)?;
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != numbers + usize::from(with_id) {
        return Err(StoreError::InvalidCursor);
    }
    let values = parts[..numbers].iter().map(|p| p.parse::<i64>()).collect::<Result<Vec<_>, _>>().map_err(|_| StoreError::InvalidCursor)?;
    let id = if with_id { Some(Uuid::parse_str(parts[numbers]).map_err(|_| StoreError::InvalidCursor)?) } else { None };
    Ok((values, id))
}

/// A page of a monitor's rows listed newest first by an integer key. `sql` selects the key in
/// its first column, for tenant `?1` and monitor `?2`, with the key below `?3`, ordered by the
/// key descending, at most `?4` rows; `item` reads the rest of a row.
pub(crate) fn newest_first_page<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    (tenant, monitor): (Uuid, Uuid),
    before: Option<i64>,
    limit: u32,
    item: impl Fn(&Row<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<Page<T>> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(rusqlite::params![blob(tenant), blob(monitor), before.unwrap_or(i64::MAX), i64::from(limit) + 1])?;
    let mut items = Vec::new();
    let mut last_key = 0;
    while let Some(row) = rows.next()? {
        if items.len() == limit as usize {
            return Ok(Page { items, next_cursor: Some(encode_cursor(&[last_key], None)) });
        }
        last_key = row.get(0)?;
        items.push(item(row)?);
    }
    Ok(Page { items, next_cursor: None })
}

/// The position a newest-first cursor encodes.
pub(crate) fn decode_newest_first_cursor(cursor: Option<&Cursor>) -> Result<Option<i64>, StoreError> {
    Ok(cursor.map(|c| decode_cursor(c, 1, false)).transpose()?.map(|(values, _)| values[0]))
}

/// Maps an adapter error to the port's error.
pub(crate) fn backend(error: anyhow::Error) -> StoreError {
    StoreError::backend(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = Uuid::from_u128(42);
        let cursor = encode_cursor(&[1_700_000_000_000, -3], Some(id));
        assert_eq!(decode_cursor(&cursor, 2, true).unwrap(), (vec![1_700_000_000_000, -3], Some(id)));
        for bad in ["", "!!!", "MTIz", &encode_cursor(&[1], None).0] {
            assert!(matches!(decode_cursor(&Cursor(bad.into()), 2, true), Err(StoreError::InvalidCursor)), "{bad}");
        }
    }
}
