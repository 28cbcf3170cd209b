//! Refresh tokens rotate: each use returns a new one and spends the old. A spent token used
//! again means it was copied, so the whole family (the sign-in it came from) is revoked.

use super::{SecretToken, TokenHash};
use crate::ids::{RefreshFamilyId, TenantId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// One sign-in of an API client and the chain of refresh tokens it has been given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshFamily {
    /// Identity (the first part of every token of the family).
    pub id: RefreshFamilyId,
    /// Who signed in.
    pub user_id: UserId,
    /// The organisation the tokens act in.
    pub tenant_id: TenantId,
    /// The hash of the one token that works now.
    pub current: TokenHash,
    /// Hashes of spent tokens, newest last (bounded), to recognise a replay.
    pub spent: Vec<TokenHash>,
    /// How many times it rotated.
    pub generation: u32,
    /// When the sign-in happened.
    pub created_at: Timestamp,
    /// When the family stops working whatever happens.
    pub expires_at: Timestamp,
    /// When it was revoked (sign-out, reuse, removal of the user).
    pub revoked_at: Option<Timestamp>,
}

/// A refresh token as presented: `vr_<family>.<secret>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedRefresh {
    /// The family it claims to belong to.
    pub family: RefreshFamilyId,
    /// The hash of the whole token.
    pub hash: TokenHash,
}

impl FromStr for PresentedRefresh {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        let text = text.trim();
        let rest = text.strip_prefix(RefreshFamily::PREFIX).ok_or(())?;
        let (family, secret) = rest.split_once('.').ok_or(())?;
        if secret.is_empty() {
            return Err(());
        }
        let family = RefreshFamilyId::from_uuid(uuid::Uuid::try_parse(family).map_err(|_| ())?);
        Ok(Self { family, hash: SecretToken::presented(text).hash() })
    }
}

/// What presenting a refresh token to its family leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The current token: rotate to a new one.
    Rotate,
    /// A spent token: revoke the family.
    Replayed,
    /// The family was revoked or lapsed.
    Ended,
    /// Not a token of this family.
    Unknown,
}

impl RefreshFamily {
    /// Prefix of refresh tokens, so scanners find leaked ones.
    pub const PREFIX: &'static str = "vr_";
    /// How long a sign-in lasts through refreshes.
    pub const LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 30);
    /// Spent hashes kept to recognise replays.
    const SPENT_KEPT: usize = 32;

    /// The token text of `family` with `secret`.
    pub fn token_text(family: RefreshFamilyId, secret: &SecretToken) -> SecretToken {
        SecretToken::presented(&format!("{}{}.{}", Self::PREFIX, family.as_uuid().simple(), secret.expose()))
    }

    /// A new family whose first token is `token`.
    pub fn new(id: RefreshFamilyId, user_id: UserId, tenant_id: TenantId, token: &SecretToken, now: Timestamp) -> Self {
        Self {
            id,
            user_id,
            tenant_id,
            current: token.hash(),
            spent: Vec::new(),
            generation: 0,
            created_at: now,
            expires_at: now.saturating_add(Self::LIFETIME).unwrap_or(now),
            revoked_at: None,
        }
    }

    /// What `presented` means for this family at `now`.
    pub fn judge(&self, presented: &PresentedRefresh, now: Timestamp) -> RefreshOutcome {
        if presented.family != self.id {
            return RefreshOutcome::Unknown;
        }
        if self.spent.contains(&presented.hash) {
            return RefreshOutcome::Replayed;
        }
        if self.revoked_at.is_some() || now >= self.expires_at {
            return RefreshOutcome::Ended;
        }
        if presented.hash == self.current { RefreshOutcome::Rotate } else { RefreshOutcome::Unknown }
    }

    /// The family after rotating to `next` (the current token becomes spent).
    pub fn rotated(&self, next: &SecretToken) -> Self {
        let mut family = self.clone();
        family.spent.push(std::mem::replace(&mut family.current, next.hash()));
        if family.spent.len() > Self::SPENT_KEPT {
            family.spent.remove(0);
        }
        family.generation += 1;
        family
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn rotation_spends_the_old_token_and_a_replay_is_recognised() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let id = RefreshFamilyId::from_uuid(Uuid::from_u128(7));
        let first = RefreshFamily::token_text(id, &SecretToken::from_random([1; 32]));
        let family = RefreshFamily::new(id, UserId::from_uuid(Uuid::nil()), TenantId::from_uuid(Uuid::nil()), &first, t0);
        let presented: PresentedRefresh = first.expose().parse().unwrap();
        assert_eq!(family.judge(&presented, t0), RefreshOutcome::Rotate);
        let second = RefreshFamily::token_text(id, &SecretToken::from_random([2; 32]));
        let family = family.rotated(&second);
        assert_eq!(family.judge(&presented, t0), RefreshOutcome::Replayed);
        assert_eq!(family.judge(&second.expose().parse().unwrap(), t0), RefreshOutcome::Rotate);
        assert_eq!(family.judge(&second.expose().parse().unwrap(), t0 + RefreshFamily::LIFETIME), RefreshOutcome::Ended);
        let forged = RefreshFamily::token_text(id, &SecretToken::from_random([3; 32]));
        assert_eq!(family.judge(&forged.expose().parse().unwrap(), t0), RefreshOutcome::Unknown);
        for bad in ["", "vr_", "vr_nothex.abc", "vk_0000.abc", &format!("vr_{}.", id.as_uuid().simple())] {
            assert!(bad.parse::<PresentedRefresh>().is_err(), "{bad:?}");
        }
    }
}
