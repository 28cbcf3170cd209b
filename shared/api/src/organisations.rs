//! Organisations, their members and invitations.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::access::Role;
use vigil_domain::accounts::{InvitationState, OrganisationSettings};
use vigil_domain::ids::{InvitationId, TenantId, UserId};

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    /// Identity.
    pub id: TenantId,
    /// Its name.
    pub name: String,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// How people get in, and how long its audit log is kept.
    pub settings: OrganisationSettings,
}

/// A change of the organisation (`PATCH /v1/organisation`, owners); absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChange {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The settings, whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<OrganisationSettings>,
}

/// A new organisation, owned by its maker (`POST /v1/organisations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    /// Its name.
    pub name: String,
}

/// A member of the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    /// Their account.
    pub user_id: UserId,
    /// Their email address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Member since.
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
    /// Whether two-factor authentication is on.
    pub two_factor: bool,
}

/// A new role (`PATCH /v1/members/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The role.
    pub role: Role,
}

/// Invites someone (`POST /v1/invitations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// Their email address.
    pub email: String,
    /// The role they get.
    pub role: Role,
}

/// An invitation; its link only in the answer that makes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    /// Identity.
    pub id: InvitationId,
    /// Who is invited.
    pub email: String,
    /// The role they get.
    pub role: Role,
    /// Pending, accepted, expired or revoked.
    pub state: InvitationState,
    /// Who invited.
    pub invited_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When the link stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// When it was accepted, revoked or lapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub settled_at: Option<Timestamp>,
    /// The link to accept it (in the answer that makes it only), to pass on by hand when mail
    /// is not set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Why the mail could not be sent, if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_error: Option<String>,
}

/// Accepts an invitation (`POST /v1/invitations/accept`): a name and password make the account
/// when there is none for the address yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The `token` of the link.
    pub token: String,
    /// A name, for a new account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A password, for a new account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}
