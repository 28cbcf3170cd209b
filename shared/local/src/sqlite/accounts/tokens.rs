use super::super::SqliteStore;
use super::super::codec::{backend, ms};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use vigil_domain::accounts::{OneTimeToken, TokenHash};
use vigil_domain::ports::{OneTimeTokens, StoreError};

#[async_trait]
impl OneTimeTokens for SqliteStore {
    async fn insert_token(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        let token = token.clone();
        self.db
            .write(move |conn| {
                // Tokens past their time are of no use to anyone: each insert sweeps a few.
                conn.execute(
                    "DELETE FROM one_time_tokens WHERE hash IN (SELECT hash FROM one_time_tokens WHERE expires_at < ?1 LIMIT 16)",
                    [ms(token.created_at) - 86_400_000],
                )?;
                let inserted = conn.execute(
                    "INSERT OR IGNORE INTO one_time_tokens (hash, expires_at, body) VALUES (?1, ?2, ?3)",
                    params![token.hash.0, ms(token.expires_at), to_json(&token)?],
                )?;
                Ok(if inserted == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("storing a single-use token")
            .map_err(backend)?
    }

    async fn take_token(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        let hash = hash.0.clone();
        self.db
            .write(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("DELETE FROM one_time_tokens WHERE hash = ?1 RETURNING body")?
                    .query_row([hash], |row| row.get(0))
                    .optional()?;
                body.map(|b| from_json(&b, "single-use token")).transpose()
            })
            .await
            .context("taking a single-use token")
            .map_err(backend)
    }
}
