use super::super::SqliteStore;
use super::super::codec::{backend, blob, ms};
use super::directory::progress_from_row;
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use vigil_domain::agent::protocol::SampleBatch;
use vigil_domain::agent::rollup::{Resolution, Rollup};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::ids::{AgentId, TenantId};
use vigil_domain::ports::{Appended, HostMetrics, StoreError};

/// How much earlier than a range's start a batch holding samples of the range may begin: a
/// batch holds one interval's samples, and intervals are far shorter.
const BATCH_SPAN_MS: i64 = 3_600_000;

fn seconds(resolution: Resolution) -> i64 {
    resolution.length().as_secs()
}

#[async_trait]
impl HostMetrics for SqliteStore {
    async fn append_batch(
        &self,
        tenant: TenantId,
        agent: AgentId,
        batch: &SampleBatch,
        received_at: Timestamp,
    ) -> Result<Appended, StoreError> {
        let batch = batch.clone();
        let samples = to_json(&batch.samples).map_err(backend)?;
        let outcome = self
            .db
            .write(move |conn| {
                let key = params![blob(tenant.as_uuid()), blob(agent.as_uuid())];
                let before = conn
                    .prepare_cached("SELECT acked_through, dropped_total, last_sample_at, last_seen_at FROM hosts WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(key, |row| Ok(progress_from_row(row, 0)))
                    .optional()?
                    .transpose()?;
                let Some(before) = before else { return Ok(None) };
                if before.holds(batch.seq) {
                    return Ok(Some(Appended::Duplicate { progress: before }));
                }
                let first = batch.samples.iter().map(|s| s.at).min().map_or(ms(received_at), ms);
                let last = batch.samples.iter().map(|s| s.at).max().map_or(ms(received_at), ms);
                conn.prepare_cached(
                    "INSERT INTO host_batches (tenant_id, agent_id, seq, first_at, last_at, samples) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![blob(tenant.as_uuid()), blob(agent.as_uuid()), batch.seq as i64, first, last, samples])?;
                let after = before.after(&batch, received_at);
                conn.prepare_cached(
                    "UPDATE hosts SET acked_through = ?3, dropped_total = ?4, last_sample_at = ?5, last_seen_at = ?6 WHERE tenant_id = ?1 AND id = ?2",
                )?
                .execute(params![
                    blob(tenant.as_uuid()),
                    blob(agent.as_uuid()),
                    after.acked_through.map(|n| n as i64),
                    after.dropped_total as i64,
                    after.last_sample_at.map(ms),
                    after.last_seen_at.map(ms)
                ])?;
                Ok(Some(Appended::Stored { before }))
            })
            .await
            .context("storing a sample batch")
            .map_err(backend)?;
        outcome.ok_or(StoreError::NotFound)
    }

    async fn samples(&self, tenant: TenantId, agent: AgentId, from: Timestamp, to: Timestamp) -> Result<Vec<HostSample>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT samples FROM host_batches WHERE tenant_id = ?1 AND agent_id = ?2 AND first_at >= ?3 AND first_at < ?4 AND last_at >= ?5",
                )?;
                let rows = statement.query_map(
                    params![blob(tenant.as_uuid()), blob(agent.as_uuid()), ms(from) - BATCH_SPAN_MS, ms(to), ms(from)],
                    |row| row.get::<_, String>(0),
                )?;
                let mut found = Vec::new();
                for text in rows {
                    let batch: Vec<HostSample> = from_json(&text?, "sample batch")?;
                    found.extend(batch.into_iter().filter(|s| s.at >= from && s.at < to));
                }
                found.sort_by_key(|s| s.at);
                Ok(found)
            })
            .await
            .map_err(backend)
    }

    async fn put_rollups(&self, tenant: TenantId, agent: AgentId, rollups: &[Rollup]) -> Result<(), StoreError> {
        let rows = rollups
            .iter()
            .map(|r| Ok((seconds(r.resolution), ms(r.start), to_json(r)?)))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(backend)?;
        if rows.is_empty() {
            return Ok(());
        }
        self.db
            .write(move |conn| {
                let mut statement = conn.prepare_cached(
                    "INSERT OR REPLACE INTO host_rollups (tenant_id, agent_id, seconds, start, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for (seconds, start, body) in rows {
                    statement.execute(params![blob(tenant.as_uuid()), blob(agent.as_uuid()), seconds, start, body])?;
                }
                Ok(())
            })
            .await
            .context("storing rollups")
            .map_err(backend)
    }

    async fn rollups(
        &self,
        tenant: TenantId,
        agent: AgentId,
        resolution: Resolution,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT body FROM host_rollups WHERE tenant_id = ?1 AND agent_id = ?2 AND seconds = ?3 AND start >= ?4 AND start < ?5 ORDER BY start",
                )?;
                let rows = statement.query_map(
                    params![blob(tenant.as_uuid()), blob(agent.as_uuid()), seconds(resolution), ms(from), ms(to)],
                    |row| row.get::<_, String>(0),
                )?;
                rows.map(|body| from_json(&body?, "rollup")).collect()
            })
            .await
            .map_err(backend)
    }
}
