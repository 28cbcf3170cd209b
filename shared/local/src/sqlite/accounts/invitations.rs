use super::super::SqliteStore;
use super::super::codec::{backend, blob, ms};
use super::{from_json, to_json};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use vigil_domain::accounts::{AnyInvitation, InvitationState, StoredInvitation, TokenHash};
use vigil_domain::ids::{InvitationId, TenantId};
use vigil_domain::ports::{InvitationStore, StoreError};

fn decode(body: &str) -> anyhow::Result<AnyInvitation> {
    let stored: StoredInvitation = from_json(body, "invitation")?;
    AnyInvitation::from_stored(stored).ok_or_else(|| anyhow!("a stored invitation is inconsistent"))
}

fn state_name(state: InvitationState) -> &'static str {
    match state {
        InvitationState::Pending => "pending",
        InvitationState::Accepted => "accepted",
        InvitationState::Expired => "expired",
        InvitationState::Revoked => "revoked",
    }
}

#[async_trait]
impl InvitationStore for SqliteStore {
    async fn insert_invitation(&self, invitation: &AnyInvitation) -> Result<(), StoreError> {
        let stored = invitation.to_stored();
        self.db
            .write(move |conn| {
                let inserted = conn.execute(
                    "INSERT OR IGNORE INTO invitations (tenant_id, id, token, state, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        blob(stored.tenant_id.as_uuid()),
                        blob(stored.id.as_uuid()),
                        stored.token.0,
                        state_name(stored.state),
                        ms(stored.created_at),
                        to_json(&stored)?
                    ],
                )?;
                Ok(if inserted == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("storing an invitation")
            .map_err(backend)?
    }

    async fn invitation_by_token(&self, token: &TokenHash) -> Result<Option<AnyInvitation>, StoreError> {
        let token = token.0.clone();
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM invitations WHERE token = ?1")?
                    .query_row([token], |row| row.get(0))
                    .optional()?;
                body.map(|b| decode(&b)).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn invitation(&self, tenant: TenantId, id: InvitationId) -> Result<Option<AnyInvitation>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM invitations WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |row| row.get(0))
                    .optional()?;
                body.map(|b| decode(&b)).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn invitations(&self, tenant: TenantId) -> Result<Vec<AnyInvitation>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached("SELECT body FROM invitations WHERE tenant_id = ?1 ORDER BY created_at DESC, id DESC")?;
                let bodies = statement.query_map([blob(tenant.as_uuid())], |row| row.get::<_, String>(0))?;
                bodies.map(|b| decode(&b?)).collect()
            })
            .await
            .map_err(backend)
    }

    async fn settle_invitation(&self, settled: &AnyInvitation) -> Result<(), StoreError> {
        let stored = settled.to_stored();
        self.db
            .write(move |conn| {
                let changed = conn.execute(
                    "UPDATE invitations SET state = ?3, body = ?4 WHERE tenant_id = ?1 AND id = ?2 AND state = 'pending'",
                    params![blob(stored.tenant_id.as_uuid()), blob(stored.id.as_uuid()), state_name(stored.state), to_json(&stored)?],
                )?;
                Ok(if changed == 0 { Err(StoreError::Conflict) } else { Ok(()) })
            })
            .await
            .context("settling an invitation")
            .map_err(backend)?
    }
}
