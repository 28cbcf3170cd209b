use super::super::SqliteStore;
use super::super::codec::{backend, blob};
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use vigil_domain::accounts::{Email, User};
use vigil_domain::ids::UserId;
use vigil_domain::ports::{StoreError, UserDirectory};

fn email_taken(conn: &rusqlite::Connection, user: &User) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1 AND id <> ?2)")?
        .query_row(params![user.email.as_str(), blob(user.id.as_uuid())], |row| row.get(0))
}

#[async_trait]
impl UserDirectory for SqliteStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let user = user.clone();
        self.db
            .write(move |conn| {
                if email_taken(conn, &user)? {
                    return Ok(Err(StoreError::Conflict));
                }
                let inserted = conn.execute(
                    "INSERT OR IGNORE INTO users (id, email, version, body) VALUES (?1, ?2, ?3, ?4)",
                    params![blob(user.id.as_uuid()), user.email.as_str(), user.version as i64, to_json(&user)?],
                )?;
                Ok(if inserted == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("storing a user")
            .map_err(backend)?
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM users WHERE id = ?1")?
                    .query_row([blob(id.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.map(|b| from_json(&b, "user")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let email = email.as_str().to_owned();
        self.db
            .read(move |conn| {
                let body: Option<String> =
                    conn.prepare_cached("SELECT body FROM users WHERE email = ?1")?.query_row([email], |row| row.get(0)).optional()?;
                body.map(|b| from_json(&b, "user")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let user = user.clone();
        self.db
            .write(move |conn| {
                if email_taken(conn, &user)? {
                    return Ok(Err(StoreError::Conflict));
                }
                let changed = conn.execute(
                    "UPDATE users SET email = ?2, version = ?3, body = ?4 WHERE id = ?1 AND version = ?5",
                    params![blob(user.id.as_uuid()), user.email.as_str(), user.version as i64, to_json(&user)?, user.version as i64 - 1],
                )?;
                if changed == 1 {
                    return Ok(Ok(()));
                }
                let exists: bool =
                    conn.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)", [blob(user.id.as_uuid())], |row| row.get(0))?;
                Ok(Err(if exists { StoreError::Conflict } else { StoreError::NotFound }))
            })
            .await
            .context("updating a user")
            .map_err(backend)?
    }

    async fn has_users(&self) -> Result<bool, StoreError> {
        self.db.read(|conn| Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |row| row.get(0))?)).await.map_err(backend)
    }
}
