//! Pruning of old check history. On AWS, DynamoDB's TTL does this; here a periodic task does.

use super::SqliteStore;
use super::codec::ms;
use anyhow::Context;
use jiff::Timestamp;

/// Rows deleted per write, so that pruning never holds the writer for long.
const CHUNK: i64 = 5_000;
const HOUR_MS: i64 = 3_600_000;

impl SqliteStore {
    /// Deletes check results planned before `results_before` and hourly tallies (rows and open
    /// hours) before `rollups_before`; returns how many results were deleted.
    pub async fn prune(&self, results_before: Timestamp, rollups_before: Timestamp) -> anyhow::Result<u64> {
        let mut deleted = 0u64;
        loop {
            let cutoff = ms(results_before);
            let chunk = self
                .db
                .write(move |conn| {
                    Ok(conn.execute(
                        "DELETE FROM check_results WHERE (tenant_id, monitor_id, planned_at) IN \
                         (SELECT tenant_id, monitor_id, planned_at FROM check_results WHERE planned_at < ?1 LIMIT ?2)",
                        rusqlite::params![cutoff, CHUNK],
                    )?)
                })
                .await
                .context("pruning check results")?;
            deleted += chunk as u64;
            if (chunk as i64) < CHUNK {
                break;
            }
        }
        let cutoff = ms(rollups_before).div_euclid(HOUR_MS) * HOUR_MS;
        self.db
            .write(move |conn| {
                conn.execute("DELETE FROM check_rollups WHERE hour < ?1", [cutoff])?;
                // A monitor no longer checked keeps its last open hour on its digest row.
                conn.execute("UPDATE check_digests SET open_hour = NULL, open_tally = NULL WHERE open_hour < ?1", [cutoff])?;
                Ok(())
            })
            .await
            .context("pruning rollups")?;
        Ok(deleted)
    }
}
