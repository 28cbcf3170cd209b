//! API keys.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::access::KeyScope;
use vigil_domain::ids::{ApiKeyId, UserId};

/// An API key; its secret only in the answer that makes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiKey {
    /// Identity.
    pub id: ApiKeyId,
    /// Its label.
    pub name: String,
    /// The first characters of the secret, to recognise it by.
    pub prefix: String,
    /// What it may do at most.
    pub scope: KeyScope,
    /// A service key, tied to no person.
    pub service: bool,
    /// The person who made it (its rights never exceed theirs); `null` for a service key.
    pub created_by: Option<UserId>,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    /// When it was last used (to the minute).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    /// The secret to send as `Authorization: Bearer`: in the answer that makes the key only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A new key (`POST /v1/keys`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// Its label.
    pub name: String,
    /// What it may do at most.
    pub scope: KeyScope,
    /// When it stops working; never by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    /// A service key, tied to no person (admins).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub service: bool,
}
