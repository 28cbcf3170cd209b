use super::super::SqliteStore;
use super::super::codec::{backend, ms};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use vigil_domain::ports::{ServerSecrets, SignInAttempts, StoreError};

#[async_trait]
impl ServerSecrets for SqliteStore {
    async fn server_secret(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32], StoreError> {
        let name = name.to_owned();
        self.db
            .write(move |conn| {
                conn.execute("INSERT OR IGNORE INTO server_secrets (name, secret) VALUES (?1, ?2)", params![name, candidate.to_vec()])?;
                let stored: Vec<u8> = conn.query_row("SELECT secret FROM server_secrets WHERE name = ?1", [&name], |row| row.get(0))?;
                stored.try_into().map_err(|_| anyhow!("the stored secret `{name}` is not 32 bytes"))
            })
            .await
            .context("reading a server secret")
            .map_err(backend)
    }
}

fn count_since(conn: &rusqlite::Connection, key: &str, since: Timestamp) -> anyhow::Result<(u32, Option<Timestamp>)> {
    let (count, last): (u32, Option<i64>) = conn
        .prepare_cached("SELECT count(*), max(at) FROM sign_in_failures WHERE key = ?1 AND at >= ?2")?
        .query_row(params![key, ms(since)], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or((0, None));
    Ok((count, last.map(super::super::codec::at).transpose()?))
}

#[async_trait]
impl SignInAttempts for SqliteStore {
    async fn record_failure(&self, key: &str, at: Timestamp, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        let key = key.to_owned();
        self.db
            .write(move |conn| {
                conn.execute("DELETE FROM sign_in_failures WHERE key = ?1 AND at < ?2", params![key, ms(since)])?;
                conn.execute("INSERT INTO sign_in_failures (key, at) VALUES (?1, ?2)", params![key, ms(at)])?;
                count_since(conn, &key, since)
            })
            .await
            .context("recording a failed sign-in")
            .map_err(backend)
    }

    async fn failures(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        let key = key.to_owned();
        self.db.read(move |conn| count_since(conn, &key, since)).await.map_err(backend)
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.db
            .write(move |conn| {
                conn.execute("DELETE FROM sign_in_failures WHERE key = ?1", [key])?;
                Ok(())
            })
            .await
            .context("clearing failed sign-ins")
            .map_err(backend)
    }
}
