//! Hosts in SQLite: enrolments, hosts (a JSON document, with the progress in columns that only
//! a batch's write advances), sample batches, rollups, connection events, rules and their
//! states, the action history; and their pruning.

mod directory;
mod history;
mod metrics;
mod rules;

use super::SqliteStore;
use super::codec::ms;
use anyhow::Context;
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn to_json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    serde_json::to_string(value).context("encoding a stored document")
}

fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("a stored {what} does not parse"))
}

/// Rows deleted per write while pruning, so that pruning never holds the writer for long.
const CHUNK: i64 = 5_000;

/// How long each kind of host history is kept.
#[derive(Clone, Copy, Debug)]
pub struct HostRetention {
    /// Raw sample batches taken before this go.
    pub samples_before: Timestamp,
    /// Minute rollups starting before this go.
    pub minutes_before: Timestamp,
    /// Hour rollups and connection events before this go.
    pub hours_before: Timestamp,
}

impl SqliteStore {
    /// Deletes host history older than its retention; returns how many rows went.
    pub async fn prune_hosts(&self, retention: HostRetention) -> anyhow::Result<u64> {
        const BATCHES: &str = "DELETE FROM host_batches WHERE (tenant_id, agent_id, seq) IN \
            (SELECT tenant_id, agent_id, seq FROM host_batches WHERE first_at < ?1 LIMIT ?2)";
        const MINUTES: &str = "DELETE FROM host_rollups WHERE (tenant_id, agent_id, seconds, start) IN \
            (SELECT tenant_id, agent_id, seconds, start FROM host_rollups WHERE seconds = 60 AND start < ?1 LIMIT ?2)";
        const HOURS: &str = "DELETE FROM host_rollups WHERE (tenant_id, agent_id, seconds, start) IN \
            (SELECT tenant_id, agent_id, seconds, start FROM host_rollups WHERE seconds = 3600 AND start < ?1 LIMIT ?2)";
        const CONNECTIONS: &str = "DELETE FROM host_connections WHERE (tenant_id, agent_id, at, id) IN \
            (SELECT tenant_id, agent_id, at, id FROM host_connections WHERE at < ?1 LIMIT ?2)";
        let deletions = [
            (BATCHES, retention.samples_before),
            (MINUTES, retention.minutes_before),
            (HOURS, retention.hours_before),
            (CONNECTIONS, retention.hours_before),
        ];
        let mut deleted = 0u64;
        for (sql, before) in deletions {
            loop {
                let cutoff = ms(before);
                let chunk = self
                    .db
                    .write(move |conn| Ok(conn.execute(sql, rusqlite::params![cutoff, CHUNK])?))
                    .await
                    .context("pruning host history")?;
                deleted += chunk as u64;
                if (chunk as i64) < CHUNK {
                    break;
                }
            }
        }
        Ok(deleted)
    }
}
