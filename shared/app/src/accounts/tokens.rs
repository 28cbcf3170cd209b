//! Access and refresh tokens for API clients: a sign-in gives a pair; the refresh token rotates
//! at every use; a replayed refresh token revokes its family; signing out revokes it too.

use super::sign_in::SignedIn;
use super::signing_key::signing_key;
use super::{AuthError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, ActorId, Grant, Origin};
use vigil_domain::accounts::{AccessClaims, PresentedRefresh, RefreshFamily, RefreshOutcome, SecretToken};
use vigil_domain::ids::{RefreshFamilyId, TenantId};
use vigil_domain::ports::StoreError;

/// What a client gets.
#[derive(Clone, Debug)]
pub struct TokenPair {
    /// The JWT to send as `Authorization: Bearer`.
    pub access_token: String,
    /// Seconds it works for.
    pub expires_in: i64,
    /// The token to get the next pair with (once).
    pub refresh_token: SecretToken,
    /// The organisation the pair acts in.
    pub tenant_id: TenantId,
}

async fn pair(deps: &Deps, family: &RefreshFamily, refresh: SecretToken, now: Timestamp) -> Result<TokenPair, AuthError> {
    let claims = AccessClaims::new(family.user_id, family.tenant_id, family.id, now);
    let key = signing_key(deps).await?;
    Ok(TokenPair {
        access_token: claims.sign(&key),
        expires_in: AccessClaims::LIFETIME.as_secs(),
        refresh_token: refresh,
        tenant_id: family.tenant_id,
    })
}

/// Tokens for someone who just signed in.
#[tracing::instrument(name = "issue_tokens", skip_all, fields(user = %signed_in.user.id))]
pub async fn issue_tokens(deps: &Deps, signed_in: SignedIn, origin: Origin, now: Timestamp) -> Result<TokenPair, AuthError> {
    let id = RefreshFamilyId::from_uuid(deps.random.new_id(now));
    let refresh = RefreshFamily::token_text(id, &SecretToken::from_random(deps.random.secret_bytes()));
    let family = RefreshFamily::new(id, signed_in.user.id, signed_in.tenant_id, &refresh, now);
    deps.stores.refresh_tokens.insert_family(&family).await?;
    let actor = Actor {
        tenant_id: signed_in.tenant_id,
        id: ActorId::User(signed_in.user.id),
        grant: Grant::Member(signed_in.role),
        label: signed_in.user.email.to_string(),
        origin,
    };
    let change = audit_trail::Change {
        action: "user.sign_in",
        kind: "user",
        id: signed_in.user.id.to_string(),
        name: Some(signed_in.user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"method": "access token"}),
    };
    audit_trail::record(deps, &actor, change, now).await?;
    pair(deps, &family, refresh, now).await
}

/// Trade a refresh token for a new pair, optionally in another organisation.
#[derive(Clone, Debug)]
pub struct RefreshTokens {
    /// The refresh token as presented.
    pub refresh_token: String,
    /// Switch to this organisation (the user must be a member).
    pub tenant_id: Option<TenantId>,
}

const INVALID: &str = "the refresh token is not valid; sign in again";

/// Rotates the family: the presented token is spent and a new one returned. A spent token
/// presented again revokes the whole family (it was copied), and so does a lost race between
/// two uses of the same token.
#[tracing::instrument(name = "refresh_tokens", skip_all)]
pub async fn refresh_tokens(deps: &Deps, cmd: RefreshTokens, now: Timestamp) -> Result<TokenPair, AuthError> {
    let presented: PresentedRefresh = cmd.refresh_token.parse().map_err(|_| AuthError::rejected(INVALID))?;
    let family = deps.stores.refresh_tokens.family(presented.family).await?.ok_or_else(|| AuthError::rejected(INVALID))?;
    match family.judge(&presented, now) {
        RefreshOutcome::Rotate => {}
        RefreshOutcome::Replayed => {
            revoke(deps, family, now).await?;
            return Err(AuthError::rejected(
                "this refresh token was already used: every token of its sign-in is now revoked; sign in again",
            ));
        }
        RefreshOutcome::Ended | RefreshOutcome::Unknown => return Err(AuthError::rejected(INVALID)),
    }
    let next = RefreshFamily::token_text(family.id, &SecretToken::from_random(deps.random.secret_bytes()));
    let mut rotated = family.rotated(&next);
    if let Some(tenant) = cmd.tenant_id {
        deps.stores.memberships.membership(tenant, family.user_id).await?.ok_or(AuthError::NotAMember)?;
        rotated.tenant_id = tenant;
    } else {
        deps.stores.memberships.membership(family.tenant_id, family.user_id).await?.ok_or(AuthError::NotAMember)?;
    }
    match deps.stores.refresh_tokens.replace_family(&rotated, family.generation).await {
        Ok(()) => pair(deps, &rotated, next, now).await,
        Err(StoreError::Conflict) => {
            revoke(deps, family, now).await?;
            Err(AuthError::rejected("this refresh token was used twice at once: every token of its sign-in is now revoked; sign in again"))
        }
        Err(error) => Err(error.into()),
    }
}

async fn revoke(deps: &Deps, family: RefreshFamily, now: Timestamp) -> Result<(), AuthError> {
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let Some(current) = deps.stores.refresh_tokens.family(family.id).await? else { return Ok(()) };
        if current.revoked_at.is_some() {
            return Ok(());
        }
        let mut revoked = current.clone();
        revoked.revoked_at = Some(now);
        match deps.stores.refresh_tokens.replace_family(&revoked, current.generation).await {
            Err(StoreError::Conflict) => continue,
            other => return Ok(other?),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Sign out an API client: its refresh token (and every token of its family) stops working.
#[tracing::instrument(name = "revoke_tokens", skip_all)]
pub async fn revoke_tokens(deps: &Deps, refresh_token: &str, now: Timestamp) -> Result<(), AuthError> {
    let presented: PresentedRefresh = refresh_token.parse().map_err(|_| AuthError::rejected(INVALID))?;
    let family = deps.stores.refresh_tokens.family(presented.family).await?.ok_or_else(|| AuthError::rejected(INVALID))?;
    match family.judge(&presented, now) {
        RefreshOutcome::Rotate | RefreshOutcome::Replayed => revoke(deps, family, now).await,
        RefreshOutcome::Ended => Ok(()),
        RefreshOutcome::Unknown => Err(AuthError::rejected(INVALID)),
    }
}
