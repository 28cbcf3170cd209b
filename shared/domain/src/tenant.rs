//! Organisations (tenants) and their API keys. A key is shown once when created; only its
//! SHA-256 is stored.

use crate::access::{KeyScope, Role};
use crate::accounts::OrganisationSettings;
use crate::ids::{ApiKeyId, TenantId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// An organisation owning monitors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Identity.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Sign-in and retention settings.
    #[serde(default)]
    pub settings: OrganisationSettings,
}

impl Tenant {
    /// A new organisation with default settings.
    pub fn new(id: TenantId, name: String, now: Timestamp) -> Self {
        Self { id, name, created_at: now, settings: OrganisationSettings::default() }
    }
}

/// The SHA-256 of an API key's secret, in lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKeyHash(pub String);

impl fmt::Debug for ApiKeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeyHash({}…)", &self.0[..self.0.len().min(8)])
    }
}

/// An API key's secret, as the client presents it. Never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeySecret(String);

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKeySecret(…)")
    }
}

impl ApiKeySecret {
    /// Prefix of every key Vigil issues, so that leaked keys are easy to find by scanners.
    pub const PREFIX: &'static str = "vk_";

    /// A new secret from 32 random bytes (256 bits).
    pub fn from_random(bytes: [u8; 32]) -> Self {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!("{}{hex}", Self::PREFIX))
    }

    /// A secret supplied by an operator (for example from an environment variable); at least 24
    /// characters of printable ASCII without spaces.
    pub fn from_operator(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() < 24 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("an API key must be at least 24 printable characters without spaces".into());
        }
        Ok(Self(text.to_owned()))
    }

    /// A secret presented by a client, as is.
    pub fn presented(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The secret text (to show once).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored and looked up.
    pub fn hash(&self) -> ApiKeyHash {
        let digest = Sha256::digest(self.0.as_bytes());
        ApiKeyHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The first characters, safe to display to tell keys apart.
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(10).collect()
    }
}

/// A stored API key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Identity.
    pub id: ApiKeyId,
    /// The tenant it acts for.
    pub tenant_id: TenantId,
    /// Label.
    pub name: String,
    /// The first characters of the secret, for display.
    pub prefix: String,
    /// SHA-256 of the secret.
    pub hash: ApiKeyHash,
    /// When it was created.
    pub created_at: Timestamp,
    /// What it may do at most.
    pub scope: KeyScope,
    /// The person who made it: the key never has more rights than they have now, and stops
    /// working when they leave. `None` for a service key.
    pub created_by: Option<UserId>,
    /// For a service key, the role of the admin or owner who made it (its ceiling).
    pub service_ceiling: Role,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was last used (written at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    /// The admin key made at first start: a service key with an owner's rights, for scripts.
    pub fn first_admin(id: ApiKeyId, tenant_id: TenantId, prefix: String, hash: ApiKeyHash, now: Timestamp) -> Self {
        Self {
            id,
            tenant_id,
            name: "admin".into(),
            prefix,
            hash,
            created_at: now,
            scope: KeyScope::Admin,
            created_by: None,
            service_ceiling: Role::Owner,
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
        }
    }

    /// Whether the key works at `now` (not revoked, not expired).
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hash_stably_and_never_print() {
        let key = ApiKeySecret::from_random([7; 32]);
        assert!(key.expose().starts_with("vk_"));
        assert_eq!(key.expose().len(), 3 + 64);
        assert_eq!(key.hash(), ApiKeySecret::presented(key.expose()).hash());
        assert_ne!(key.hash(), ApiKeySecret::from_random([8; 32]).hash());
        assert!(!format!("{key:?}").contains("0707"));
        assert!(ApiKeySecret::from_operator("short").is_err());
        assert!(ApiKeySecret::from_operator("a-long-enough-operator-key-123").is_ok());
    }
}
