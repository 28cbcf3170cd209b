//! Each monitor's hourly tallies (`check_rollups`). The hour still being counted rides on the
//! monitor's digest row (its `open_hour` and `open_tally`; see [`super::digests`]), which every
//! check rewrites anyway; it moves to a row of its own when a check of a later hour comes. A check used to
//! rewrite its hour's rollup row too: a leaf page of its own per check, in the middle of a table
//! ordered by monitor, written to the log and again at the checkpoint. Now that row is written
//! once an hour.
//!
//! A check of an hour before the open one (a late result) is added to that hour's row at once.
//! An hour's tally is therefore its row, if any, merged with the open tally if the hour is open.
//! (The open hour has a row only in a database written before schema 12, whose rows were kept
//! at every check.)

use super::check_log::tally_raw;
use super::codec::blob;
use super::digests::DIGEST_ROW;
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use vigil_domain::check::CheckResult;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::uptime::CheckTally;

pub(super) const HOUR_MS: i64 = 3_600_000;

/// The hour a monitor's checks are being counted in, kept on its digest row.
#[derive(Debug)]
pub(super) struct OpenHour {
    /// The hour's start, in milliseconds.
    pub hour: i64,
    pub tally: CheckTally,
    /// Whether the tally was counted again from the hour's stored results: it is then the whole
    /// hour, the hour's row (if any) included, and a result of the hour just stored too.
    recounted: bool,
}

impl OpenHour {
    /// The open hour of a digest row's `open_hour` and `open_tally`. Unreadable bytes are
    /// counted again from the hour's stored results: a damaged tally must not fail every later
    /// check of its monitor.
    pub(super) fn from_columns(
        conn: &Connection,
        tenant: TenantId,
        monitor: MonitorId,
        hour: Option<i64>,
        tally: Option<&[u8]>,
    ) -> anyhow::Result<Option<Self>> {
        let Some(hour) = hour else { return Ok(None) };
        if let Some(Ok(tally)) = tally.map(CheckTally::decode) {
            return Ok(Some(Self { hour, tally, recounted: false }));
        }
        let mut tally = CheckTally::default();
        tally_raw(conn, &blob(tenant.as_uuid()), &blob(monitor.as_uuid()), hour, hour + HOUR_MS, &mut tally)?;
        Ok(Some(Self { hour, tally, recounted: true }))
    }

    /// The row's `open_hour` and `open_tally`.
    pub(super) fn columns(&self) -> (i64, Vec<u8>) {
        (self.hour, self.tally.encode())
    }

    /// Adds the tally of its hour's row to `hours`'s entry of the same hour, or replaces it if
    /// this tally was counted again and so holds the row's checks already.
    fn join(self, same_hour: &mut CheckTally) {
        if self.recounted {
            *same_hour = self.tally;
        } else {
            same_hour.merge(&self.tally);
        }
    }

    /// Whether `hour`'s row is already counted in this tally.
    pub(super) fn holds_row_of(&self, hour: i64) -> bool {
        self.recounted && self.hour == hour
    }
}

/// The start of the hour `at` falls in, in milliseconds.
fn hour_of(at: Timestamp) -> i64 {
    at.as_millisecond().div_euclid(HOUR_MS) * HOUR_MS
}

/// The open hour once `result` (just stored) is counted: in the open hour if it is that hour's,
/// in a new open hour if it is later (the old one goes to its row), or straight into its own
/// hour's row if it is earlier.
pub(super) fn count_check(conn: &Connection, result: &CheckResult, open: Option<OpenHour>) -> anyhow::Result<OpenHour> {
    let hour = hour_of(result.started_at);
    let of_result = || {
        let mut tally = CheckTally::default();
        tally.record(result);
        tally
    };
    let (tenant, monitor) = (result.tenant_id, result.monitor_id);
    if let Some(open) = open.as_ref().filter(|open| open.recounted) {
        // The recount holds the hour's row: the row goes, so that nothing counts twice.
        conn.prepare_cached("DELETE FROM check_rollups WHERE tenant_id = ?1 AND monitor_id = ?2 AND hour = ?3")?.execute(params![
            blob(tenant.as_uuid()),
            blob(monitor.as_uuid()),
            open.hour
        ])?;
    }
    Ok(match open {
        Some(mut open) if open.hour == hour => {
            if !open.recounted {
                open.tally.record(result);
            }
            OpenHour { recounted: false, ..open }
        }
        Some(open) if open.hour < hour => {
            add_to_hour_row(conn, tenant, monitor, open.hour, &open.tally)?;
            OpenHour { hour, tally: of_result(), recounted: false }
        }
        Some(open) => {
            add_to_hour_row(conn, tenant, monitor, hour, &of_result())?;
            open
        }
        None => OpenHour { hour, tally: of_result(), recounted: false },
    })
}

/// Merges `tally` into the row of `hour`.
fn add_to_hour_row(conn: &Connection, tenant: TenantId, monitor: MonitorId, hour: i64, tally: &CheckTally) -> anyhow::Result<()> {
    let key = params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), hour];
    let stored: Option<String> = conn
        .prepare_cached("SELECT tally FROM check_rollups WHERE tenant_id = ?1 AND monitor_id = ?2 AND hour = ?3")?
        .query_row(key, |row| row.get(0))
        .optional()?;
    let mut merged: CheckTally = match stored {
        Some(text) => serde_json::from_str(&text).context("a stored rollup does not parse")?,
        None => CheckTally::default(),
    };
    merged.merge(tally);
    conn.prepare_cached(
        "INSERT INTO check_rollups (tenant_id, monitor_id, hour, tally) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (tenant_id, monitor_id, hour) DO UPDATE SET tally = excluded.tally",
    )?
    .execute(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), hour, serde_json::to_string(&merged)?])?;
    Ok(())
}

/// A monitor's open hour as stored.
pub(super) fn stored_open_hour(conn: &Connection, tenant: TenantId, monitor: MonitorId) -> anyhow::Result<Option<OpenHour>> {
    let stored: Option<(Option<i64>, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT open_hour, open_tally FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at = ?3")?
        .query_row(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), DIGEST_ROW], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((hour, tally)) = stored else { return Ok(None) };
    OpenHour::from_columns(conn, tenant, monitor, hour, tally.as_deref())
}

/// A monitor's tally of each hour in `[from, to)` (hour starts, in milliseconds) that has
/// checks, oldest first.
pub(super) fn hours_in(
    conn: &Connection,
    tenant: TenantId,
    monitor: MonitorId,
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<(i64, CheckTally)>> {
    let mut statement = conn.prepare_cached(
        "SELECT hour, tally FROM check_rollups WHERE tenant_id = ?1 AND monitor_id = ?2 AND hour >= ?3 AND hour < ?4 ORDER BY hour",
    )?;
    let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), from, to])?;
    let mut hours = Vec::new();
    while let Some(row) = rows.next()? {
        let tally: CheckTally = serde_json::from_str(&row.get::<_, String>(1)?).context("a stored rollup does not parse")?;
        hours.push((row.get(0)?, tally));
    }
    if let Some(open) = stored_open_hour(conn, tenant, monitor)?.filter(|open| (from..to).contains(&open.hour)) {
        match hours.binary_search_by_key(&open.hour, |(hour, _)| *hour) {
            Ok(same) => open.join(&mut hours[same].1),
            Err(position) => hours.insert(position, (open.hour, open.tally)),
        }
    }
    Ok(hours)
}
