//! What the API returns about people, organisations, keys and the audit log. Secrets appear
//! only in the answer that creates them.

use jiff::Timestamp;
use serde::Serialize;
use vigil_app::accounts::{Me, Member, TokenPair};
use vigil_domain::access::{KeyScope, Role};
use vigil_domain::accounts::{AnyInvitation, InvitationState, Locale, OrganisationSettings, User};
use vigil_domain::tenant::{ApiKey, Tenant};

/// A person's account, as they see it.
#[derive(Debug, Serialize)]
pub(crate) struct UserBody {
    id: String,
    email: String,
    email_verified: bool,
    name: String,
    locale: Locale,
    time_zone: String,
    two_factor: bool,
    recovery_codes_left: usize,
    created_at: Timestamp,
}

impl UserBody {
    pub(crate) fn new(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.to_string(),
            email_verified: user.email_verified,
            name: user.name.clone(),
            locale: user.locale,
            time_zone: user.time_zone.clone(),
            two_factor: user.totp.is_some(),
            recovery_codes_left: user.recovery_codes.remaining(),
            created_at: user.created_at,
        }
    }
}

/// An organisation and one's role in it.
#[derive(Debug, Serialize)]
pub(crate) struct MembershipBody {
    id: String,
    name: String,
    role: Role,
}

/// `GET /v1/organisations`.
#[derive(Debug, Serialize)]
pub(crate) struct MembershipBodyList {
    items: Vec<MembershipBody>,
}

impl MembershipBodyList {
    pub(crate) fn new(me: &Me) -> Self {
        Self {
            items: me
                .organisations
                .iter()
                .map(|(t, role)| MembershipBody { id: t.id.to_string(), name: t.name.clone(), role: *role })
                .collect(),
        }
    }
}

/// `GET /v1/me`.
#[derive(Debug, Serialize)]
pub(crate) struct MeBody {
    user: UserBody,
    organisations: Vec<MembershipBody>,
    current_organisation: String,
}

impl MeBody {
    pub(crate) fn new(me: &Me, current: &str) -> Self {
        Self {
            user: UserBody::new(&me.user),
            organisations: me
                .organisations
                .iter()
                .map(|(t, role)| MembershipBody { id: t.id.to_string(), name: t.name.clone(), role: *role })
                .collect(),
            current_organisation: current.to_owned(),
        }
    }
}

/// An access and refresh token pair (RFC 6749's token response, plus the organisation).
#[derive(Debug, Serialize)]
pub(crate) struct TokenBody {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    refresh_token: String,
    organisation_id: String,
}

impl TokenBody {
    pub(crate) fn new(pair: &TokenPair) -> Self {
        Self {
            access_token: pair.access_token.clone(),
            token_type: "Bearer",
            expires_in: pair.expires_in,
            refresh_token: pair.refresh_token.expose().to_owned(),
            organisation_id: pair.tenant_id.to_string(),
        }
    }
}

/// A member of an organisation.
#[derive(Debug, Serialize)]
pub(crate) struct MemberBody {
    user_id: String,
    email: String,
    name: String,
    role: Role,
    since: Timestamp,
    two_factor: bool,
}

impl MemberBody {
    pub(crate) fn new(member: &Member) -> Self {
        Self {
            user_id: member.user.id.to_string(),
            email: member.user.email.to_string(),
            name: member.user.name.clone(),
            role: member.membership.role,
            since: member.membership.since,
            two_factor: member.user.totp.is_some(),
        }
    }
}

/// An invitation; its link only in the answer that makes it.
#[derive(Debug, Serialize)]
pub(crate) struct InvitationBody {
    id: String,
    email: String,
    role: Role,
    state: InvitationState,
    invited_by: String,
    created_at: Timestamp,
    expires_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    settled_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mail_error: Option<String>,
}

impl InvitationBody {
    pub(crate) fn new(invitation: &AnyInvitation, link: Option<String>, mail_error: Option<String>) -> Self {
        let flat = invitation.to_stored();
        Self {
            id: flat.id.to_string(),
            email: flat.email.to_string(),
            role: flat.role,
            state: flat.state,
            invited_by: flat.invited_by,
            created_at: flat.created_at,
            expires_at: flat.expires_at,
            settled_at: flat.settled_at,
            link,
            mail_error,
        }
    }
}

/// An API key; its secret only in the answer that makes it.
#[derive(Debug, Serialize)]
pub(crate) struct KeyBody {
    id: String,
    name: String,
    prefix: String,
    scope: KeyScope,
    service: bool,
    created_by: Option<String>,
    created_at: Timestamp,
    expires_at: Option<Timestamp>,
    last_used_at: Option<Timestamp>,
    revoked_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl KeyBody {
    pub(crate) fn new(key: &ApiKey, secret: Option<String>) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.clone(),
            prefix: key.prefix.clone(),
            scope: key.scope,
            service: key.created_by.is_none(),
            created_by: key.created_by.map(|u| u.to_string()),
            created_at: key.created_at,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
            secret,
        }
    }
}

/// An organisation.
#[derive(Debug, Serialize)]
pub(crate) struct OrganisationBody {
    id: String,
    name: String,
    created_at: Timestamp,
    settings: OrganisationSettings,
}

impl OrganisationBody {
    pub(crate) fn new(tenant: &Tenant) -> Self {
        Self { id: tenant.id.to_string(), name: tenant.name.clone(), created_at: tenant.created_at, settings: tenant.settings.clone() }
    }
}
