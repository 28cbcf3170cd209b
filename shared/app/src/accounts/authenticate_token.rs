use super::AuthError;
use super::signing_key::signing_key;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Actor, ActorId, Grant, Origin};
use vigil_domain::accounts::AccessClaims;

/// Find who a presented access token acts for.
#[derive(Clone, Debug)]
pub struct AuthenticateToken {
    /// The JWT as presented.
    pub token: String,
    /// Where the request came from.
    pub origin: Origin,
}

/// The actor of an access token: its user, in its organisation, with their current role (read
/// now, so a demotion applies at once rather than when the token expires).
#[tracing::instrument(name = "authenticate_token", skip_all)]
pub async fn authenticate_token(deps: &Deps, cmd: AuthenticateToken, now: Timestamp) -> Result<Actor, AuthError> {
    let key = signing_key(deps).await?;
    let claims = AccessClaims::verify(&cmd.token, &key, now).map_err(|e| AuthError::Rejected(e.to_string()))?;
    let membership = deps.stores.memberships.membership(claims.org, claims.sub).await?.ok_or(AuthError::NotAMember)?;
    let user = deps.stores.users.user(claims.sub).await?.ok_or_else(|| AuthError::rejected("the account no longer exists"))?;
    Ok(Actor {
        tenant_id: claims.org,
        id: ActorId::User(user.id),
        grant: Grant::Member(membership.role),
        label: user.email.to_string(),
        origin: cmd.origin,
    })
}
