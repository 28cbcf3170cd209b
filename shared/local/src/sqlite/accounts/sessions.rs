use super::super::SqliteStore;
use super::super::codec::{backend, blob};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use vigil_domain::accounts::{BrowserSession, RefreshFamily, TokenHash};
use vigil_domain::ids::{RefreshFamilyId, UserId};
use vigil_domain::ports::{RefreshTokenStore, SessionStore, StoreError};

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let session = session.clone();
        self.db
            .write(move |conn| {
                let inserted = conn.execute(
                    "INSERT OR IGNORE INTO sessions (hash, user_id, body) VALUES (?1, ?2, ?3)",
                    params![session.hash.0, blob(session.user_id.as_uuid()), to_json(&session)?],
                )?;
                Ok(if inserted == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("storing a session")
            .map_err(backend)?
    }

    async fn session(&self, hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError> {
        let hash = hash.0.clone();
        self.db
            .read(move |conn| {
                let body: Option<String> =
                    conn.prepare_cached("SELECT body FROM sessions WHERE hash = ?1")?.query_row([hash], |row| row.get(0)).optional()?;
                body.map(|b| from_json(&b, "session")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn update_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let session = session.clone();
        self.db
            .write(move |conn| {
                let changed = conn.execute("UPDATE sessions SET body = ?2 WHERE hash = ?1", params![session.hash.0, to_json(&session)?])?;
                Ok(if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) })
            })
            .await
            .context("updating a session")
            .map_err(backend)?
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        let hash = hash.0.clone();
        self.db
            .write(move |conn| {
                conn.execute("DELETE FROM sessions WHERE hash = ?1", [hash])?;
                Ok(())
            })
            .await
            .context("ending a session")
            .map_err(backend)
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<&TokenHash>) -> Result<(), StoreError> {
        let keep = keep.map(|k| k.0.clone()).unwrap_or_default();
        self.db
            .write(move |conn| {
                conn.execute("DELETE FROM sessions WHERE user_id = ?1 AND hash <> ?2", params![blob(user.as_uuid()), keep])?;
                Ok(())
            })
            .await
            .context("ending a user's sessions")
            .map_err(backend)
    }
}

#[async_trait]
impl RefreshTokenStore for SqliteStore {
    async fn insert_family(&self, family: &RefreshFamily) -> Result<(), StoreError> {
        let family = family.clone();
        self.db
            .write(move |conn| {
                let inserted = conn.execute(
                    "INSERT OR IGNORE INTO refresh_families (id, user_id, generation, body) VALUES (?1, ?2, ?3, ?4)",
                    params![blob(family.id.as_uuid()), blob(family.user_id.as_uuid()), family.generation, to_json(&family)?],
                )?;
                Ok(if inserted == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("storing a refresh-token family")
            .map_err(backend)?
    }

    async fn family(&self, id: RefreshFamilyId) -> Result<Option<RefreshFamily>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM refresh_families WHERE id = ?1")?
                    .query_row([blob(id.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.map(|b| from_json(&b, "refresh-token family")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn replace_family(&self, family: &RefreshFamily, expected_generation: u32) -> Result<(), StoreError> {
        let family = family.clone();
        self.db
            .write(move |conn| {
                let stored: Option<String> = conn
                    .prepare_cached("SELECT body FROM refresh_families WHERE id = ?1 AND generation = ?2")?
                    .query_row(params![blob(family.id.as_uuid()), expected_generation], |row| row.get(0))
                    .optional()?;
                let Some(stored) = stored else { return Ok(Err(StoreError::Conflict)) };
                // A rotation that read the family before a sign-out must not revive it.
                let stored: RefreshFamily = from_json(&stored, "refresh-token family")?;
                if stored.revoked_at.is_some() && family.revoked_at.is_none() {
                    return Ok(Err(StoreError::Conflict));
                }
                conn.execute(
                    "UPDATE refresh_families SET generation = ?2, body = ?3 WHERE id = ?1",
                    params![blob(family.id.as_uuid()), family.generation, to_json(&family)?],
                )?;
                Ok(Ok(()))
            })
            .await
            .context("rotating a refresh token")
            .map_err(backend)?
    }

    async fn revoke_families_of(&self, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        self.db
            .write(move |conn| {
                let mut statement = conn.prepare_cached("SELECT id, body FROM refresh_families WHERE user_id = ?1")?;
                let rows: Vec<(Vec<u8>, String)> =
                    statement.query_map([blob(user.as_uuid())], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
                for (id, body) in rows {
                    let mut family: RefreshFamily = from_json(&body, "refresh-token family")?;
                    if family.revoked_at.is_none() {
                        family.revoked_at = Some(at);
                        conn.execute("UPDATE refresh_families SET body = ?2 WHERE id = ?1", params![id, to_json(&family)?])?;
                    }
                }
                Ok(())
            })
            .await
            .context("revoking refresh tokens")
            .map_err(backend)
    }
}
