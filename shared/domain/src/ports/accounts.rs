//! The ports of people and organisations: users, memberships, invitations, single-use tokens,
//! browser sessions, refresh-token families, the audit log, sign-in throttling and server
//! secrets. Each is narrow; one store implements them all.

use super::StoreError;
use crate::accounts::{
    AnyInvitation, AuditEntry, AuditQuery, BrowserSession, Email, Membership, OneTimeToken, PasswordHash, RefreshFamily, TokenHash, User,
};
use crate::ids::{InvitationId, RefreshFamilyId, TenantId, UserId};
use crate::page::Page;
use crate::tenant::Tenant;
use async_trait::async_trait;
use jiff::Timestamp;

/// People.
#[async_trait]
pub trait UserDirectory: Send + Sync {
    /// Stores a new user; `Conflict` if the email is taken.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError>;
    /// The user with this id.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// The user with this email.
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// Replaces a user whose stored version is `user.version - 1`; `Conflict` if it changed
    /// meanwhile or the new email is taken.
    async fn update_user(&self, user: &User) -> Result<(), StoreError>;
    /// Whether anyone has an account yet (first-run set-up).
    async fn has_users(&self) -> Result<bool, StoreError>;
}

/// Who belongs to which organisation.
#[async_trait]
pub trait Memberships: Send + Sync {
    /// Adds or changes a membership.
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError>;
    /// `user`'s membership of `tenant`.
    async fn membership(&self, tenant: TenantId, user: UserId) -> Result<Option<Membership>, StoreError>;
    /// Every member of `tenant`, oldest first.
    async fn members(&self, tenant: TenantId) -> Result<Vec<Membership>, StoreError>;
    /// Every organisation `user` belongs to, with its membership, oldest first.
    async fn memberships_of(&self, user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError>;
    /// Ends a membership; `NotFound` if there was none.
    async fn remove_membership(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError>;
}

/// Invitations and their lifecycle.
#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Stores a new pending invitation.
    async fn insert_invitation(&self, invitation: &AnyInvitation) -> Result<(), StoreError>;
    /// The invitation whose link's token has this hash.
    async fn invitation_by_token(&self, token: &TokenHash) -> Result<Option<AnyInvitation>, StoreError>;
    /// An invitation of `tenant`.
    async fn invitation(&self, tenant: TenantId, id: InvitationId) -> Result<Option<AnyInvitation>, StoreError>;
    /// Every invitation of `tenant`, newest first.
    async fn invitations(&self, tenant: TenantId) -> Result<Vec<AnyInvitation>, StoreError>;
    /// Records that a pending invitation was settled (accepted, expired, revoked); `Conflict`
    /// if it is no longer pending (it can be used once).
    async fn settle_invitation(&self, settled: &AnyInvitation) -> Result<(), StoreError>;
}

/// Single-use tokens: reset and email-change links, second-factor tickets, OpenID sign-ins.
#[async_trait]
pub trait OneTimeTokens: Send + Sync {
    /// Stores a token.
    async fn insert_token(&self, token: &OneTimeToken) -> Result<(), StoreError>;
    /// Takes the token with this hash: returns it and deletes it in one step, so two requests
    /// racing with the same token cannot both use it. Expired tokens are returned too (the use
    /// case tells the person it expired).
    async fn take_token(&self, hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    async fn insert_session(&self, session: &BrowserSession) -> Result<(), StoreError>;
    /// The session whose cookie has this hash.
    async fn session(&self, hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError>;
    /// Replaces a session (last seen, organisation switched).
    async fn update_session(&self, session: &BrowserSession) -> Result<(), StoreError>;
    /// Ends a session.
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError>;
    /// Ends every session of `user` (password changed or reset, user removed), but `keep`.
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&TokenHash>) -> Result<(), StoreError>;
}

/// Refresh-token families.
#[async_trait]
pub trait RefreshTokenStore: Send + Sync {
    /// Stores a new family.
    async fn insert_family(&self, family: &RefreshFamily) -> Result<(), StoreError>;
    /// The family with this id.
    async fn family(&self, id: RefreshFamilyId) -> Result<Option<RefreshFamily>, StoreError>;
    /// Replaces a family whose stored generation is `expected_generation` and current token is
    /// still current; `Conflict` if another request rotated it first.
    async fn replace_family(&self, family: &RefreshFamily, expected_generation: u32) -> Result<(), StoreError>;
    /// Revokes every family of `user` at `at` (all organisations).
    async fn revoke_families_of(&self, user: UserId, at: Timestamp) -> Result<(), StoreError>;
}

/// Organisations and their API keys, beyond what [`super::TenantDirectory`] holds.
#[async_trait]
pub trait Organisations: Send + Sync {
    /// Stores a new organisation (no key).
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// The organisation with this id.
    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    /// Replaces an organisation's name and settings.
    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// Every organisation, oldest first (first-run set-up attaches its owner to the first).
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError>;
}

/// The audit log: append-only.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an entry (idempotent on its id).
    async fn append(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// Entries of `tenant` that pass `query`, newest first.
    async fn entries(&self, tenant: TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError>;
    /// Deletes `tenant`'s entries older than `before`; how many went.
    async fn purge_audit(&self, tenant: TenantId, before: Timestamp) -> Result<u64, StoreError>;
}

/// Counts of failed sign-ins, per account and per address.
#[async_trait]
pub trait SignInAttempts: Send + Sync {
    /// Records a failure of `key` at `at`; the failures of `key` since `since` and the latest.
    async fn record_failure(&self, key: &str, at: Timestamp, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError>;
    /// The failures of `key` since `since` and the latest.
    async fn failures(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError>;
    /// Forgets `key`'s failures (after a success).
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError>;
}

/// Secrets the server makes once and keeps (the access-token signing key), shared by every
/// process on the same store.
#[async_trait]
pub trait ServerSecrets: Send + Sync {
    /// The secret named `name`: the stored one, or `candidate` stored now if there is none
    /// (whoever stores first wins; every caller gets the winner's).
    async fn server_secret(&self, name: &str, candidate: [u8; 32]) -> Result<[u8; 32], StoreError>;
}

/// Password hashing (argon2id), slow on purpose and so kept off the async threads.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// The hash of `password`, with a fresh salt.
    async fn hash_password(&self, password: &str) -> Result<PasswordHash, StoreError>;
    /// Whether `password` matches `hash`.
    async fn verify_password(&self, password: &str, hash: &PasswordHash) -> bool;
}
