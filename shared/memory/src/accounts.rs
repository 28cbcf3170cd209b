//! People: users (unique email), memberships, invitations (settled once), single-use tokens
//! (taken once), sessions, refresh families (rotated from the generation read, revoked for
//! good), the audit log, failed sign-ins and server secrets.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::accounts::{
    AnyInvitation, AuditEntry, AuditQuery, BrowserSession, Email, InvitationState, Membership, OneTimeToken, RefreshFamily, TokenHash, User,
};
use vigil_domain::ids::{InvitationId, RefreshFamilyId, TenantId, UserId};
use vigil_domain::page::Page;
use vigil_domain::ports::{
    AuditLog, InvitationStore, Memberships, OneTimeTokens, RefreshTokenStore, ServerSecrets, SessionStore, SignInAttempts, StoreError,
    UserDirectory,
};
use vigil_domain::tenant::Tenant;

#[async_trait]
impl UserDirectory for MemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.users.contains_key(&user.id) || state.users.values().any(|u| u.email == user.email) {
            return Err(StoreError::Conflict);
        }
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(self.state().users.get(&id).cloned())
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self.state().users.values().find(|u| u.email == *email).cloned())
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.users.values().any(|u| u.email == user.email && u.id != user.id) {
            return Err(StoreError::Conflict);
        }
        let stored = state.users.get_mut(&user.id).ok_or(StoreError::NotFound)?;
        if stored.version + 1 != user.version {
            return Err(StoreError::Conflict);
        }
        *stored = user.clone();
        Ok(())
    }

    async fn has_users(&self) -> Result<bool, StoreError> {
        Ok(!self.state().users.is_empty())
    }
}

#[async_trait]
impl Memberships for MemoryStore {
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError> {
        let mut state = self.state();
        let key = (membership.tenant_id, membership.user_id);
        let since = state.memberships.get(&key).map_or(membership.since, |m| m.since);
        state.memberships.insert(key, Membership { since, ..membership.clone() });
        Ok(())
    }

    async fn membership(&self, tenant: TenantId, user: UserId) -> Result<Option<Membership>, StoreError> {
        Ok(self.state().memberships.get(&(tenant, user)).cloned())
    }

    async fn members(&self, tenant: TenantId) -> Result<Vec<Membership>, StoreError> {
        let mut members: Vec<Membership> = self.state().memberships.values().filter(|m| m.tenant_id == tenant).cloned().collect();
        members.sort_by_key(|m| (m.since, m.user_id));
        Ok(members)
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError> {
        let state = self.state();
        let mut found: Vec<(Membership, Tenant)> = state
            .memberships
            .values()
            .filter(|m| m.user_id == user)
            .filter_map(|m| state.tenants.get(&m.tenant_id).map(|t| (m.clone(), t.clone())))
            .collect();
        found.sort_by_key(|(m, _)| (m.since, m.tenant_id));
        Ok(found)
    }

    async fn remove_membership(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError> {
        self.state().memberships.remove(&(tenant, user)).map(|_| ()).ok_or(StoreError::NotFound)
    }
}

fn revive(stored: &vigil_domain::accounts::StoredInvitation) -> Result<AnyInvitation, StoreError> {
    AnyInvitation::from_stored(stored.clone()).ok_or_else(|| StoreError::backend("a stored invitation is inconsistent"))
}

#[async_trait]
impl InvitationStore for MemoryStore {
    async fn insert_invitation(&self, invitation: &AnyInvitation) -> Result<(), StoreError> {
        let stored = invitation.to_stored();
        let mut state = self.state();
        let key = (stored.tenant_id, stored.id);
        if state.invitations.contains_key(&key) || state.invitations.values().any(|i| i.token == stored.token) {
            return Err(StoreError::Conflict);
        }
        state.invitations.insert(key, stored);
        Ok(())
    }

    async fn invitation_by_token(&self, token: &TokenHash) -> Result<Option<AnyInvitation>, StoreError> {
        self.state().invitations.values().find(|i| i.token == *token).map(revive).transpose()
    }

    async fn invitation(&self, tenant: TenantId, id: InvitationId) -> Result<Option<AnyInvitation>, StoreError> {
        self.state().invitations.get(&(tenant, id)).map(revive).transpose()
    }

    async fn invitations(&self, tenant: TenantId) -> Result<Vec<AnyInvitation>, StoreError> {
        let state = self.state();
        let mut found: Vec<_> = state.invitations.values().filter(|i| i.tenant_id == tenant).collect();
        found.sort_by_key(|i| std::cmp::Reverse((i.created_at, i.id)));
        found.into_iter().map(revive).collect()
    }

    async fn settle_invitation(&self, settled: &AnyInvitation) -> Result<(), StoreError> {
        let stored = settled.to_stored();
        let mut state = self.state();
        match state.invitations.get_mut(&(stored.tenant_id, stored.id)) {
            Some(current) if current.state == InvitationState::Pending => {
                *current = stored;
                Ok(())
            }
            _ => Err(StoreError::Conflict),
        }
    }
}

#[async_trait]
impl OneTimeTokens for MemoryStore {
    async fn insert_token(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.one_time_tokens.contains_key(&token.hash.0) {
            return Err(StoreError::Conflict);
        }
        state.one_time_tokens.insert(token.hash.0.clone(), token.clone());
        Ok(())
    }

    async fn take_token(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        Ok(self.state().one_time_tokens.remove(&hash.0))
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn insert_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.sessions.contains_key(&session.hash.0) {
            return Err(StoreError::Conflict);
        }
        state.sessions.insert(session.hash.0.clone(), session.clone());
        Ok(())
    }

    async fn session(&self, hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError> {
        Ok(self.state().sessions.get(&hash.0).cloned())
    }

    async fn update_session(&self, session: &BrowserSession) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.sessions.get_mut(&session.hash.0).ok_or(StoreError::NotFound)?;
        *stored = session.clone();
        Ok(())
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.state().sessions.remove(&hash.0);
        Ok(())
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<&TokenHash>) -> Result<(), StoreError> {
        self.state().sessions.retain(|hash, s| s.user_id != user || keep.is_some_and(|k| k.0 == *hash));
        Ok(())
    }
}

#[async_trait]
impl RefreshTokenStore for MemoryStore {
    async fn insert_family(&self, family: &RefreshFamily) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.refresh_families.contains_key(&family.id) {
            return Err(StoreError::Conflict);
        }
        state.refresh_families.insert(family.id, family.clone());
        Ok(())
    }

    async fn family(&self, id: RefreshFamilyId) -> Result<Option<RefreshFamily>, StoreError> {
        Ok(self.state().refresh_families.get(&id).cloned())
    }

    async fn replace_family(&self, family: &RefreshFamily, expected_generation: u32) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.refresh_families.get_mut(&family.id).ok_or(StoreError::Conflict)?;
        let revives = stored.revoked_at.is_some() && family.revoked_at.is_none();
        if stored.generation != expected_generation || revives {
            return Err(StoreError::Conflict);
        }
        *stored = family.clone();
        Ok(())
    }

    async fn revoke_families_of(&self, user: UserId, at: Timestamp) -> Result<(), StoreError> {
        for family in self.state().refresh_families.values_mut().filter(|f| f.user_id == user && f.revoked_at.is_none()) {
            family.revoked_at = Some(at);
        }
        Ok(())
    }
}

#[async_trait]
impl AuditLog for MemoryStore {
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.state().audit.entry((entry.tenant_id, entry.at.as_millisecond(), entry.id)).or_insert_with(|| entry.clone());
        Ok(())
    }

    async fn entries(&self, tenant: TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        let state = self.state();
        let matching = state
            .audit
            .range((tenant, i64::MIN, vigil_domain::ids::AuditEntryId::from_uuid(uuid::Uuid::nil()))..)
            .take_while(|((t, _, _), _)| *t == tenant)
            .filter(|(_, entry)| query.matches(entry))
            .map(|((_, at, id), entry)| ((*at, id.as_uuid()), entry.clone()));
        page(matching, &query.page, Order::Newest)
    }

    async fn purge_audit(&self, tenant: TenantId, before: Timestamp) -> Result<u64, StoreError> {
        let mut state = self.state();
        let cutoff = before.as_millisecond();
        let old = state.audit.len();
        state.audit.retain(|(t, at, _), _| *t != tenant || *at >= cutoff);
        Ok((old - state.audit.len()) as u64)
    }
}

fn failures_since(times: Option<&Vec<i64>>, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
    let since = since.as_millisecond();
    let recent: Vec<i64> = times.map(|t| t.iter().copied().filter(|at| *at >= since).collect()).unwrap_or_default();
    let last = recent.iter().max().map(|ms| Timestamp::from_millisecond(*ms)).transpose().map_err(StoreError::backend)?;
    Ok((recent.len() as u32, last))
}

#[async_trait]
impl SignInAttempts for MemoryStore {
    async fn record_failure(&self, key: &str, at: Timestamp, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        let mut state = self.state();
        let times = state.sign_in_failures.entry(key.to_owned()).or_default();
        times.retain(|t| *t >= since.as_millisecond());
        times.push(at.as_millisecond());
        failures_since(state.sign_in_failures.get(key), since)
    }

    async fn failures(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        failures_since(self.state().sign_in_failures.get(key), since)
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        self.state().sign_in_failures.remove(key);
        Ok(())
    }
}

#[async_trait]
impl ServerSecrets for MemoryStore {
    async fn server_secret(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32], StoreError> {
        Ok(*self.state().server_secrets.entry(name.to_owned()).or_insert(candidate))
    }
}
