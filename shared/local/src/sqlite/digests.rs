//! Each monitor's history digest: one row per monitor, updated in the same savepoint as every
//! result, so that a list of a thousand monitors reads a thousand small rows instead of fifty
//! results and a month of rollups each. The row also carries the tally of the hour being counted
//! (see [`super::rollups`]).
//!
//! The row is kept in `check_results` itself, keyed after every result of its monitor
//! ([`DIGEST_ROW`]), so that it sits on the leaf page its monitor's newest result was just added
//! to: a check writes one leaf for both instead of one in each of two tables (schema 15; it was
//! `check_digests` before). Every read of results stops before it.

use super::check_log::{RESULT_COLUMNS, result_from_row};
use super::codec::blob;
use super::rollups::{OpenHour, count_check, stored_open_hour};
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use vigil_domain::check::CheckResult;
use vigil_domain::digest::{CheckBrief, Counts, HistoryDigest, RECENT_CHECKS, RollingHistory};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::uptime::CheckTally;

const DAY_MS: i64 = 86_400_000;

/// Above this many monitors a read walks the tenant's monitors instead of looking each up.
const LOOKUPS_UP_TO: usize = 64;

/// The `planned_at` of a monitor's digest row in `check_results`: after every planned time.
pub(super) const DIGEST_ROW: i64 = i64::MAX;

/// A digest row's `digest`, `open_hour` and `open_tally`.
type DigestRow = (Vec<u8>, Option<i64>, Option<Vec<u8>>);

/// Adds a just-stored result to its monitor's digest and to the tally of its hour (see
/// [`super::rollups`]), in the caller's savepoint: one row read and written per check.
pub(super) fn add_to_digest(conn: &Connection, result: &CheckResult) -> anyhow::Result<()> {
    let (tenant, monitor) = (result.tenant_id, result.monitor_id);
    let stored: Option<DigestRow> = conn
        .prepare_cached(
            "SELECT digest, open_hour, open_tally FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at = ?3",
        )?
        .query_row(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), DIGEST_ROW], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let (digest, open) = match stored {
        Some((digest, hour, tally)) => (Some(digest), OpenHour::from_columns(conn, tenant, monitor, hour, tally.as_deref())?),
        None => (None, None),
    };
    let open = count_check(conn, result, open)?;
    let history = match digest.map(|bytes| RollingHistory::decode(&bytes)) {
        Some(Ok(mut history)) => {
            history.record(result);
            history
        }
        // No digest yet (a monitor checked before digests existed) or an unreadable one: made
        // anew from what is stored, this result included.
        Some(Err(_)) | None => rebuild(conn, tenant, monitor, Some(&open))?,
    };
    let (open_hour, open_tally) = open.columns();
    // The columns a result must have are zeros here; no read of results reaches this row.
    conn.prepare_cached(
        "INSERT INTO check_results (tenant_id, monitor_id, planned_at, started_at, outcome, total_us, body_truncated, \
         digest, open_hour, open_tally) VALUES (?1, ?2, ?3, 0, 'digest', 0, 0, ?4, ?5, ?6) \
         ON CONFLICT (tenant_id, monitor_id, planned_at) DO UPDATE SET digest = excluded.digest, \
         open_hour = excluded.open_hour, open_tally = excluded.open_tally",
    )?
    .execute(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), DIGEST_ROW, history.encode(), open_hour, open_tally])?;
    Ok(())
}

/// A monitor's digest from its newest results and the tallies of its last month of checks:
/// their rows, and `open`, the hour being counted.
fn rebuild(conn: &Connection, tenant: TenantId, monitor: MonitorId, open: Option<&OpenHour>) -> anyhow::Result<RollingHistory> {
    let (tenant, monitor) = (blob(tenant.as_uuid()), blob(monitor.as_uuid()));
    let mut history = RollingHistory::default();
    let mut newest = conn.prepare_cached(&format!(
        "SELECT {RESULT_COLUMNS} FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at < ?3 \
         ORDER BY planned_at DESC LIMIT ?4"
    ))?;
    let mut rows = newest.query(params![tenant, monitor, DIGEST_ROW, RECENT_CHECKS as i64])?;
    while let Some(row) = rows.next()? {
        history.note_recent(CheckBrief::of(&result_from_row(row)?));
    }
    // The month before the newest rollup: no clock needed, and older hours fall out of the
    // digest's windows anyway.
    let mut hours = conn.prepare_cached(
        "SELECT hour, tally FROM check_rollups WHERE tenant_id = ?1 AND monitor_id = ?2 AND hour >= \
         (SELECT MAX(hour) FROM check_rollups WHERE tenant_id = ?1 AND monitor_id = ?2) - ?3",
    )?;
    let mut rows = hours.query(params![tenant, monitor, 31 * DAY_MS])?;
    while let Some(row) = rows.next()? {
        let hour: i64 = row.get(0)?;
        if open.is_some_and(|open| open.holds_row_of(hour)) {
            continue;
        }
        let tally: CheckTally = serde_json::from_str(&row.get::<_, String>(1)?).context("a stored rollup does not parse")?;
        history.count(hour_at(hour)?, Counts::from(&tally));
    }
    if let Some(open) = open {
        history.count(hour_at(open.hour)?, Counts::from(&open.tally));
    }
    Ok(history)
}

fn hour_at(ms: i64) -> anyhow::Result<Timestamp> {
    Timestamp::from_millisecond(ms).context("a rollup's hour is out of range")
}

/// The digests of `monitors` as read at `now`, in the order asked.
pub(super) fn read_digests(
    conn: &Connection,
    tenant: TenantId,
    monitors: &[MonitorId],
    now: Timestamp,
) -> anyhow::Result<Vec<HistoryDigest>> {
    let mut stored: HashMap<MonitorId, Vec<u8>> = HashMap::with_capacity(monitors.len());
    if monitors.len() > LOOKUPS_UP_TO {
        // One statement walks the tenant's monitors and finds each digest row, without a
        // statement run per monitor. CROSS JOIN keeps the monitors outside: the other order
        // would walk every result of the tenant.
        let mut statement = conn.prepare_cached(
            "SELECT r.monitor_id, r.digest FROM monitors m CROSS JOIN check_results r \
             ON r.tenant_id = m.tenant_id AND r.monitor_id = m.id AND r.planned_at = ?2 WHERE m.tenant_id = ?1",
        )?;
        let mut rows = statement.query(params![blob(tenant.as_uuid()), DIGEST_ROW])?;
        while let Some(row) = rows.next()? {
            if let Some(bytes) = row.get::<_, Option<Vec<u8>>>(1)? {
                stored.insert(MonitorId::from_uuid(super::codec::uuid(&row.get::<_, Vec<u8>>(0)?)?), bytes);
            }
        }
    } else {
        let mut statement =
            conn.prepare_cached("SELECT digest FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at = ?3")?;
        for monitor in monitors {
            let key = params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), DIGEST_ROW];
            if let Some(bytes) = statement.query_row(key, |row| row.get::<_, Option<Vec<u8>>>(0)).optional()?.flatten() {
                stored.insert(*monitor, bytes);
            }
        }
    }
    monitors
        .iter()
        .map(|monitor| {
            let history = match stored.get(monitor).map(|bytes| RollingHistory::decode(bytes)) {
                Some(Ok(history)) => history,
                Some(Err(_)) => rebuild(conn, tenant, *monitor, stored_open_hour(conn, tenant, *monitor)?.as_ref())?,
                // No digest row, so no open hour either: it rides on that row.
                None => rebuild(conn, tenant, *monitor, None)?,
            };
            Ok(history.digest(now))
        })
        .collect()
}
