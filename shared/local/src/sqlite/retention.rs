//! Pruning of old check history. On AWS, DynamoDB's TTL does this; here a periodic task does.
//!
//! Results are found monitor by monitor, through the primary key, so that no index by age has
//! to be kept up to date at every check (it cost about a quarter of a log page per check).

use super::SqliteStore;
use super::codec::ms;
use super::digests::DIGEST_ROW;
use super::rollups::HOUR_MS;
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{Connection, params};

/// Rows deleted per write, so that pruning never holds the writer for long.
const CHUNK: usize = 5_000;

/// A monitor's key: its tenant's id and its own.
type MonitorKey = (Vec<u8>, Vec<u8>);

impl SqliteStore {
    /// Deletes check results planned before `results_before` and hourly tallies (rows and open
    /// hours) before `rollups_before`; returns how many results were deleted.
    pub async fn prune(&self, results_before: Timestamp, rollups_before: Timestamp) -> anyhow::Result<u64> {
        self.prune_in_chunks(results_before, rollups_before, CHUNK).await
    }

    async fn prune_in_chunks(&self, results_before: Timestamp, rollups_before: Timestamp, chunk: usize) -> anyhow::Result<u64> {
        let cutoffs = Cutoffs { results: ms(results_before), rollups: ms(rollups_before).div_euclid(HOUR_MS) * HOUR_MS };
        let mut deleted = 0u64;
        let mut next: Option<MonitorKey> = Some(Default::default());
        while let Some(from) = next {
            let (rows, rest) =
                self.db.write(move |conn| prune_monitors(conn, from, cutoffs, chunk)).await.context("pruning check results")?;
            deleted += rows as u64;
            next = rest;
        }
        self.db
            .write(move |conn| Ok(conn.execute("DELETE FROM check_rollups WHERE hour < ?1", [cutoffs.rollups])?))
            .await
            .context("pruning rollups")?;
        Ok(deleted)
    }
}

/// What goes: results planned before `results`, tallies of hours before `rollups`.
#[derive(Clone, Copy)]
struct Cutoffs {
    results: i64,
    rollups: i64,
}

/// Prunes the monitors from `from` on, in key order, until `chunk` results are deleted: their
/// results before the cutoff, and the open hour on their digest row if it is before the
/// rollups' cutoff (a monitor no longer checked keeps its last one). Returns how many results
/// were deleted, and the first monitor not finished, if any.
fn prune_monitors(conn: &Connection, from: MonitorKey, cutoffs: Cutoffs, chunk: usize) -> anyhow::Result<(usize, Option<MonitorKey>)> {
    let mut monitors =
        conn.prepare_cached("SELECT tenant_id, id FROM monitors WHERE (tenant_id, id) >= (?1, ?2) ORDER BY tenant_id, id")?;
    let mut delete = conn.prepare_cached(
        "DELETE FROM check_results WHERE (tenant_id, monitor_id, planned_at) IN \
         (SELECT tenant_id, monitor_id, planned_at FROM check_results \
          WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at < ?3 ORDER BY planned_at LIMIT ?4)",
    )?;
    let mut close = conn.prepare_cached(
        "UPDATE check_results SET open_hour = NULL, open_tally = NULL \
         WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at = ?3 AND open_hour < ?4",
    )?;
    let mut rows = monitors.query(params![from.0, from.1])?;
    let mut deleted = 0;
    while let Some(row) = rows.next()? {
        let key: MonitorKey = (row.get(0)?, row.get(1)?);
        close.execute(params![key.0, key.1, DIGEST_ROW, cutoffs.rollups])?;
        let wanted = chunk - deleted;
        let gone = delete.execute(params![key.0, key.1, cutoffs.results, wanted as i64])?;
        deleted += gone;
        if gone == wanted {
            // This monitor may have more; the next write starts with it.
            return Ok((deleted, Some(key)));
        }
    }
    Ok((deleted, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pruning_goes_monitor_by_monitor_in_chunks_and_keeps_what_is_recent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prune.db");
        let store = SqliteStore::open(&path).unwrap();
        let hour0 = 1_767_225_600_000_i64;
        store
            .db
            .write(move |conn| {
                for monitor in 0u8..5 {
                    conn.execute(
                        "INSERT INTO monitors (tenant_id, id, spec, interval_s, revision, created_at, updated_at, status, \
                         status_since, failure_streak, success_streak, health_version) VALUES (?1, ?2, '{}', 60, 1, 0, 0, 'up', 0, 0, 0, 1)",
                        params![[monitor % 2; 16], [monitor; 16]],
                    )?;
                    // Monitor 4 has no results at all; the others 40 a minute apart, each monitor
                    // more than the chunk.
                    for minute in 0..if monitor == 4 { 0 } else { 40 } {
                        conn.execute(
                            "INSERT INTO check_results (tenant_id, monitor_id, planned_at, started_at, outcome, total_us, body_truncated) \
                             VALUES (?1, ?2, ?3, ?3, 'up', 1, 0)",
                            params![[monitor % 2; 16], [monitor; 16], hour0 + minute * 60_000],
                        )?;
                    }
                }
                Ok(())
            })
            .await
            .unwrap();
        let before = Timestamp::from_millisecond(hour0 + 25 * 60_000).unwrap();
        let deleted = store.prune_in_chunks(before, before, 7).await.unwrap();
        assert_eq!(deleted, 4 * 25, "the first 25 minutes of each of four monitors");
        let conn = Connection::open(&path).unwrap();
        let kept: i64 = conn.query_row("SELECT count(*) FROM check_results", [], |row| row.get(0)).unwrap();
        assert_eq!(kept, 4 * 15);
        let oldest: i64 = conn.query_row("SELECT min(planned_at) FROM check_results", [], |row| row.get(0)).unwrap();
        assert_eq!(oldest, hour0 + 25 * 60_000, "nothing recent is deleted");
        assert_eq!(store.prune_in_chunks(before, before, 7).await.unwrap(), 0, "a second pass finds nothing");
    }
}
