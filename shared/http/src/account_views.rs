//! People, organisations, keys and tokens as the API shows them (the wire types of vigil-api),
//! built from stored values. Secrets appear only in the answer that creates them.

use vigil_api::{
    ApiKey as KeyView, Invitation, Me as MeView, Member as MemberView, Membership, Organisation, TokenGrant, User as UserView,
};
use vigil_app::accounts::{Me, Member, TokenPair};
use vigil_domain::accounts::{AnyInvitation, User};
use vigil_domain::ids::TenantId;
use vigil_domain::tenant::{ApiKey, Tenant};

/// A person's account, as they see it.
pub(crate) fn user(user: &User) -> UserView {
    UserView {
        id: user.id,
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

/// The organisations of `me`, with their role in each.
pub(crate) fn memberships(me: &Me) -> Vec<Membership> {
    me.organisations.iter().map(|(t, role)| Membership { id: t.id, name: t.name.clone(), role: *role }).collect()
}

/// `GET /v1/me`, acting in `current`.
pub(crate) fn me(me: &Me, current: TenantId) -> MeView {
    MeView { user: user(&me.user), organisations: memberships(me), current_organisation: current }
}

/// An access and refresh token pair.
pub(crate) fn token_grant(pair: &TokenPair) -> TokenGrant {
    TokenGrant {
        access_token: pair.access_token.clone(),
        token_type: "Bearer".into(),
        expires_in: pair.expires_in,
        refresh_token: pair.refresh_token.expose().to_owned(),
        organisation_id: pair.tenant_id,
    }
}

/// A member of an organisation.
pub(crate) fn member(member: &Member) -> MemberView {
    MemberView {
        user_id: member.user.id,
        email: member.user.email.to_string(),
        name: member.user.name.clone(),
        role: member.membership.role,
        since: member.membership.since,
        two_factor: member.user.totp.is_some(),
    }
}

/// An invitation, with its link and the mail's failure in the answer that makes it.
pub(crate) fn invitation(invitation: &AnyInvitation, link: Option<String>, mail_error: Option<String>) -> Invitation {
    let flat = invitation.to_stored();
    Invitation {
        id: flat.id,
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

/// An API key, with its secret in the answer that makes it.
pub(crate) fn key(key: &ApiKey, secret: Option<String>) -> KeyView {
    KeyView {
        id: key.id,
        name: key.name.clone(),
        prefix: key.prefix.clone(),
        scope: key.scope,
        service: key.created_by.is_none(),
        created_by: key.created_by,
        created_at: key.created_at,
        expires_at: key.expires_at,
        last_used_at: key.last_used_at,
        revoked_at: key.revoked_at,
        secret,
    }
}

/// An organisation.
pub(crate) fn organisation(tenant: &Tenant) -> Organisation {
    Organisation { id: tenant.id, name: tenant.name.clone(), created_at: tenant.created_at, settings: tenant.settings.clone() }
}
