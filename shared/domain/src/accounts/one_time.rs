use super::{Email, TokenHash};
use crate::ids::{TenantId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What a single-use token lets its holder do once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "purpose", rename_all = "snake_case")]
pub enum TokenPurpose {
    /// Set a new password for `user` (a reset link).
    PasswordReset {
        /// Whose password.
        user: UserId,
    },
    /// Make `new_email` the address of `user` (a link sent to the new address).
    EmailChange {
        /// Whose address.
        user: UserId,
        /// The address being proven.
        new_email: Email,
    },
    /// The password was right; a second factor finishes the sign-in.
    SecondFactor {
        /// Who is signing in.
        user: UserId,
        /// The organisation asked for, if any.
        tenant: Option<TenantId>,
    },
    /// An OpenID Connect sign-in under way: what the callback needs to finish it.
    OidcSignIn {
        /// The PKCE code verifier.
        verifier: String,
        /// The nonce the ID token must carry.
        nonce: String,
        /// Where to send the person afterwards (a path on this server).
        return_to: String,
    },
}

impl TokenPurpose {
    /// How long a token of this purpose works.
    pub fn lifetime(&self) -> SignedDuration {
        match self {
            TokenPurpose::PasswordReset { .. } => SignedDuration::from_hours(1),
            TokenPurpose::EmailChange { .. } => SignedDuration::from_hours(24),
            TokenPurpose::SecondFactor { .. } => SignedDuration::from_mins(5),
            TokenPurpose::OidcSignIn { .. } => SignedDuration::from_mins(10),
        }
    }

    /// The purpose's name, for storage and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            TokenPurpose::PasswordReset { .. } => "password_reset",
            TokenPurpose::EmailChange { .. } => "email_change",
            TokenPurpose::SecondFactor { .. } => "second_factor",
            TokenPurpose::OidcSignIn { .. } => "oidc_sign_in",
        }
    }
}

/// A single-use token as stored: taken (and so deleted) by its first use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeToken {
    /// The hash of the secret handed out.
    pub hash: TokenHash,
    /// What it is for.
    pub purpose: TokenPurpose,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

impl OneTimeToken {
    /// A token for `purpose`, made at `now`, working for the purpose's lifetime.
    pub fn new(hash: TokenHash, purpose: TokenPurpose, now: Timestamp) -> Self {
        let expires_at = now.saturating_add(purpose.lifetime()).unwrap_or(now);
        Self { hash, purpose, created_at: now, expires_at }
    }

    /// Whether it still works at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}
