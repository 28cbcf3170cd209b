use super::super::DynamoStore;
use super::super::toolkit::attributes::{ItemExt, n, s};
use super::super::toolkit::batch::{delete_request, put_request};
use super::super::toolkit::errors::decode;
use super::super::toolkit::transactions::{Outcome, transact_put, transact_put_new};
use super::{expires, item, marker, put_if, user_pk};
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::accounts::{BrowserSession, RefreshFamily, SessionPolicy, TokenHash};
use vigil_domain::ids::{RefreshFamilyId, UserId};
use vigil_domain::ports::{RefreshTokenStore, SessionStore, StoreError};

fn session_pk(hash: &TokenHash) -> String {
    format!("SESSION#{}", hash.0)
}

fn family_pk(id: RefreshFamilyId) -> String {
    format!("RFAM#{id}")
}

/// A session item expires (TTL) when its absolute timeout would end it anyway.
fn session_item(session: &BrowserSession) -> Result<super::Item, StoreError> {
    let end = session.created_at.saturating_add(SessionPolicy::default().absolute).unwrap_or(session.created_at);
    item(session_pk(&session.hash), "SESSION", session, vec![expires(end)])
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn insert_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let end = session.created_at.saturating_add(SessionPolicy::default().absolute).unwrap_or(session.created_at);
        let pointer = marker(user_pk(session.user_id), format!("SESSION#{}", session.hash.0), vec![expires(end)]);
        let items = vec![transact_put_new(&self.table, session_item(session)?)?, transact_put(&self.table, pointer, None)?];
        match self.transact_settled("storing a session", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn session(&self, hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError> {
        self.get_doc(session_pk(hash), "SESSION".into(), "reading a session").await
    }

    async fn update_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let items = vec![put_if(&self.table, session_item(session)?, "attribute_exists(pk)", &[], vec![])?];
        match self.transact_settled("updating a session", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        if let Some(session) = self.session(hash).await? {
            self.delete_raw(user_pk(session.user_id), format!("SESSION#{}", hash.0), "ending a session").await?;
        }
        self.delete_raw(session_pk(hash), "SESSION".into(), "ending a session").await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<&TokenHash>) -> Result<(), StoreError> {
        let pointers = self.prefix_all(&user_pk(user), "SESSION#", "listing a user's sessions").await?;
        let mut deletes = Vec::new();
        for pointer in pointers {
            let sk = pointer.string("sk").map_err(decode)?.to_owned();
            let hash = sk.trim_start_matches("SESSION#");
            if keep.is_some_and(|k| k.0 == hash) {
                continue;
            }
            deletes.push(delete_request(s(session_pk(&TokenHash(hash.to_owned()))), s("SESSION")).map_err(decode)?);
            deletes.push(delete_request(s(user_pk(user)), s(sk)).map_err(decode)?);
        }
        self.write_batch(deletes, "ending a user's sessions").await
    }
}

/// Whether a family was revoked, as an attribute that conditions can test.
const REVOKED_AT: &str = "revoked_at";

fn family_item(family: &RefreshFamily) -> Result<super::Item, StoreError> {
    let mut extra = vec![("generation", n(family.generation)), expires(family.expires_at)];
    extra.extend(family.revoked_at.map(|at| (REVOKED_AT, n(at.as_millisecond()))));
    item(family_pk(family.id), "RFAM", family, extra)
}

#[async_trait]
impl RefreshTokenStore for DynamoStore {
    async fn insert_family(&self, family: &RefreshFamily) -> Result<(), StoreError> {
        let pointer = marker(user_pk(family.user_id), format!("RFAM#{}", family.id), vec![expires(family.expires_at)]);
        let items = vec![transact_put_new(&self.table, family_item(family)?)?, transact_put(&self.table, pointer, None)?];
        match self.transact_settled("storing a refresh-token family", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn family(&self, id: RefreshFamilyId) -> Result<Option<RefreshFamily>, StoreError> {
        self.get_doc(family_pk(id), "RFAM".into(), "reading a refresh-token family").await
    }

    async fn replace_family(&self, family: &RefreshFamily, expected_generation: u32) -> Result<(), StoreError> {
        // A rotation that read the family before a sign-out must not revive it (DynamoDB
        // refuses a name the condition does not use, hence two sets).
        let (condition, names): (&str, &[(&str, &str)]) = if family.revoked_at.is_some() {
            ("#generation = :expected", &[("#generation", "generation")])
        } else {
            ("#generation = :expected AND attribute_not_exists(#revoked)", &[("#generation", "generation"), ("#revoked", REVOKED_AT)])
        };
        let items = vec![put_if(&self.table, family_item(family)?, condition, names, vec![(":expected", n(expected_generation))])?];
        match self.transact_settled("rotating a refresh token", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn revoke_families_of(&self, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        let pointers = self.prefix_all(&user_pk(user), "RFAM#", "listing a user's refresh tokens").await?;
        let mut writes = Vec::new();
        for pointer in pointers {
            let id: RefreshFamilyId =
                pointer.string("sk").map_err(decode)?.trim_start_matches("RFAM#").parse().map_err(StoreError::backend)?;
            if let Some(mut family) = self.family(id).await?
                && family.revoked_at.is_none()
            {
                family.revoked_at = Some(at);
                writes.push(put_request(family_item(&family)?).map_err(decode)?);
            }
        }
        self.write_batch(writes, "revoking refresh tokens").await
    }
}
