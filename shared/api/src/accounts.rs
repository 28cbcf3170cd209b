//! A person's own account: their profile, the organisations they belong to, their password,
//! email and two-factor authentication.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::access::Role;
use vigil_domain::accounts::Locale;
use vigil_domain::ids::{TenantId, UserId};

/// A person's account, as they see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Their email address.
    pub email: String,
    /// Whether they proved it is theirs.
    pub email_verified: bool,
    /// Their name.
    pub name: String,
    /// The language of their mail and pages.
    pub locale: Locale,
    /// Their IANA time zone.
    pub time_zone: String,
    /// Whether two-factor authentication is on.
    pub two_factor: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: usize,
    /// When the account was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// An organisation one belongs to, and one's role there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    /// The organisation.
    pub id: TenantId,
    /// Its name.
    pub name: String,
    /// One's role there.
    pub role: Role,
}

/// The signed-in person (`GET /v1/me`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// Their account.
    pub user: User,
    /// Every organisation they belong to.
    pub organisations: Vec<Membership>,
    /// The organisation this request acts in.
    pub current_organisation: TenantId,
}

/// A new password (`POST /v1/me/password`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// The new one.
    pub new: String,
}

/// A new email address, to be confirmed by a link mailed to it (`POST /v1/me/email`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChangeRequest {
    /// The new address.
    pub new_email: String,
    /// The password, to prove it is them.
    pub password: String,
}

/// The token of a link (`POST /v1/me/email/confirm`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenConfirmation {
    /// The `token` of the link.
    pub token: String,
}

/// A secret to put in an authenticator app (`POST /v1/me/totp`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TotpOffer {
    /// The secret, in base 32.
    pub secret: String,
    /// The same as an `otpauth://` URI, for a QR code.
    pub uri: String,
}

/// A code of the authenticator app (`POST /v1/me/totp/confirm`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// Six digits.
    pub code: String,
}

/// Recovery codes, each usable once in place of a code; shown only in this answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodes {
    /// The codes.
    pub recovery_codes: Vec<String>,
}

/// The password, to prove it is them (`POST /v1/me/totp/disable`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    /// The password.
    pub password: String,
}
