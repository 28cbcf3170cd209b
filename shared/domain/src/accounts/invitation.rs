//! An invitation goes Pending → Accepted | Expired | Revoked, and nothing else: the states are
//! types, so accepting a revoked invitation does not compile. [`AnyInvitation`] holds any state
//! and lives only at the storage boundary.

use super::{Email, TokenHash};
use crate::access::Role;
use crate::ids::{InvitationId, TenantId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Waiting for the invitee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending;

/// Taken up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// When.
    pub at: Timestamp,
    /// The user who joined through it.
    pub by: UserId,
}

/// Not taken up in time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    /// When it lapsed.
    pub at: Timestamp,
}

/// Withdrawn by an admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// When.
    pub at: Timestamp,
}

/// What an invitation is, whatever its state (boxed: states move it around by value).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Facts {
    id: InvitationId,
    tenant_id: TenantId,
    email: Email,
    role: Role,
    token: TokenHash,
    invited_by: String,
    created_at: Timestamp,
    expires_at: Timestamp,
}

/// An invitation in state `S`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation<S> {
    facts: Box<Facts>,
    state: S,
}

impl<S> Invitation<S> {
    /// Identity.
    pub fn id(&self) -> InvitationId {
        self.facts.id
    }
    /// The organisation joined.
    pub fn tenant_id(&self) -> TenantId {
        self.facts.tenant_id
    }
    /// Who was invited.
    pub fn email(&self) -> &Email {
        &self.facts.email
    }
    /// The role given on acceptance.
    pub fn role(&self) -> Role {
        self.facts.role
    }
    /// The hash of the link's token.
    pub fn token(&self) -> &TokenHash {
        &self.facts.token
    }
    /// Who invited, as the audit log names them.
    pub fn invited_by(&self) -> &str {
        &self.facts.invited_by
    }
    /// When it was made.
    pub fn created_at(&self) -> Timestamp {
        self.facts.created_at
    }
    /// When the link stops working.
    pub fn expires_at(&self) -> Timestamp {
        self.facts.expires_at
    }
    /// The state's facts.
    pub fn state(&self) -> &S {
        &self.state
    }

    fn into_state<T>(self, state: T) -> Invitation<T> {
        Invitation { facts: self.facts, state }
    }
}

impl Invitation<Pending> {
    /// How long an invitation link works.
    pub const LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(72);

    /// A new invitation of `email` to `tenant_id` as `role`.
    pub fn new(
        id: InvitationId,
        tenant_id: TenantId,
        email: Email,
        role: Role,
        token: TokenHash,
        invited_by: String,
        now: Timestamp,
    ) -> Self {
        let expires_at = now.saturating_add(Self::LIFETIME).unwrap_or(now);
        Self { facts: Box::new(Facts { id, tenant_id, email, role, token, invited_by, created_at: now, expires_at }), state: Pending }
    }

    /// Accepted by `user` at `now`, unless it lapsed first.
    pub fn accept(self, user: UserId, now: Timestamp) -> Result<Invitation<Accepted>, Invitation<Expired>> {
        if now >= self.facts.expires_at {
            let at = self.facts.expires_at;
            return Err(self.into_state(Expired { at }));
        }
        Ok(self.into_state(Accepted { at: now, by: user }))
    }

    /// Lapsed, if its time is past.
    pub fn lapse(self, now: Timestamp) -> Result<Invitation<Expired>, Self> {
        if now >= self.facts.expires_at {
            let at = self.facts.expires_at;
            Ok(self.into_state(Expired { at }))
        } else {
            Err(self)
        }
    }

    /// Withdrawn at `now`.
    pub fn revoke(self, now: Timestamp) -> Invitation<Revoked> {
        self.into_state(Revoked { at: now })
    }
}

/// The name of a state, as the API and storage write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Waiting.
    Pending,
    /// Taken up.
    Accepted,
    /// Lapsed.
    Expired,
    /// Withdrawn.
    Revoked,
}

/// An invitation in any state: what storage reads and writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyInvitation {
    /// Waiting.
    Pending(Invitation<Pending>),
    /// Taken up.
    Accepted(Invitation<Accepted>),
    /// Lapsed.
    Expired(Invitation<Expired>),
    /// Withdrawn.
    Revoked(Invitation<Revoked>),
}

/// The flat form of an invitation, for storage codecs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredInvitation {
    /// Identity.
    pub id: InvitationId,
    /// The organisation.
    pub tenant_id: TenantId,
    /// Who was invited.
    pub email: Email,
    /// The role given.
    pub role: Role,
    /// Hash of the link's token.
    pub token: TokenHash,
    /// Who invited.
    pub invited_by: String,
    /// When made.
    pub created_at: Timestamp,
    /// When the link stops working.
    pub expires_at: Timestamp,
    /// Its state.
    pub state: InvitationState,
    /// When it left Pending.
    pub settled_at: Option<Timestamp>,
    /// Who accepted it.
    pub accepted_by: Option<UserId>,
}

impl AnyInvitation {
    /// The state's name.
    pub fn state(&self) -> InvitationState {
        match self {
            AnyInvitation::Pending(_) => InvitationState::Pending,
            AnyInvitation::Accepted(_) => InvitationState::Accepted,
            AnyInvitation::Expired(_) => InvitationState::Expired,
            AnyInvitation::Revoked(_) => InvitationState::Revoked,
        }
    }

    /// The state as of `now`: a pending invitation past its time reads as expired.
    pub fn as_of(self, now: Timestamp) -> Self {
        match self {
            AnyInvitation::Pending(pending) => match pending.lapse(now) {
                Ok(expired) => AnyInvitation::Expired(expired),
                Err(pending) => AnyInvitation::Pending(pending),
            },
            other => other,
        }
    }

    /// The flat form.
    pub fn to_stored(&self) -> StoredInvitation {
        fn flat<S>(
            i: &Invitation<S>,
            state: InvitationState,
            settled_at: Option<Timestamp>,
            accepted_by: Option<UserId>,
        ) -> StoredInvitation {
            let f = &i.facts;
            StoredInvitation {
                id: f.id,
                tenant_id: f.tenant_id,
                email: f.email.clone(),
                role: f.role,
                token: f.token.clone(),
                invited_by: f.invited_by.clone(),
                created_at: f.created_at,
                expires_at: f.expires_at,
                state,
                settled_at,
                accepted_by,
            }
        }
        match self {
            AnyInvitation::Pending(i) => flat(i, InvitationState::Pending, None, None),
            AnyInvitation::Accepted(i) => flat(i, InvitationState::Accepted, Some(i.state.at), Some(i.state.by)),
            AnyInvitation::Expired(i) => flat(i, InvitationState::Expired, Some(i.state.at), None),
            AnyInvitation::Revoked(i) => flat(i, InvitationState::Revoked, Some(i.state.at), None),
        }
    }

    /// Back from the flat form; `None` if it is inconsistent (an accepted one without its user).
    pub fn from_stored(s: StoredInvitation) -> Option<Self> {
        let base = Invitation {
            facts: Box::new(Facts {
                id: s.id,
                tenant_id: s.tenant_id,
                email: s.email,
                role: s.role,
                token: s.token,
                invited_by: s.invited_by,
                created_at: s.created_at,
                expires_at: s.expires_at,
            }),
            state: Pending,
        };
        Some(match s.state {
            InvitationState::Pending => AnyInvitation::Pending(base),
            InvitationState::Accepted => AnyInvitation::Accepted(base.into_state(Accepted { at: s.settled_at?, by: s.accepted_by? })),
            InvitationState::Expired => AnyInvitation::Expired(base.into_state(Expired { at: s.settled_at? })),
            InvitationState::Revoked => AnyInvitation::Revoked(base.into_state(Revoked { at: s.settled_at? })),
        })
    }

    /// Identity.
    pub fn id(&self) -> InvitationId {
        self.to_stored().id
    }

    /// The organisation.
    pub fn tenant_id(&self) -> TenantId {
        self.to_stored().tenant_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn invitation(now: Timestamp) -> Invitation<Pending> {
        Invitation::new(
            InvitationId::from_uuid(Uuid::from_u128(1)),
            TenantId::from_uuid(Uuid::from_u128(2)),
            Email::parse("bo@example.com").unwrap(),
            Role::Editor,
            TokenHash("ab".into()),
            "ann@example.com".into(),
            now,
        )
    }

    #[test]
    fn the_lifecycle_pending_to_accepted_expired_or_revoked() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let user = UserId::from_uuid(Uuid::from_u128(3));
        let accepted = invitation(t0).accept(user, t0 + jiff::SignedDuration::from_hours(71)).unwrap();
        assert_eq!(accepted.state().by, user);
        let late = invitation(t0).accept(user, t0 + jiff::SignedDuration::from_hours(72)).unwrap_err();
        assert_eq!(late.state().at, t0 + Invitation::LIFETIME);
        assert!(invitation(t0).lapse(t0).is_err());
        let revoked = invitation(t0).revoke(t0);
        assert_eq!(revoked.state().at, t0);
        for any in [
            AnyInvitation::Pending(invitation(t0)),
            AnyInvitation::Accepted(accepted),
            AnyInvitation::Expired(late),
            AnyInvitation::Revoked(revoked),
        ] {
            assert_eq!(AnyInvitation::from_stored(any.to_stored()), Some(any.clone()), "{:?}", any.state());
        }
        assert_eq!(AnyInvitation::Pending(invitation(t0)).as_of(t0 + Invitation::LIFETIME).state(), InvitationState::Expired);
    }
}
