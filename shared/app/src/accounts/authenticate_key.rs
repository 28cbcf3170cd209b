use super::AuthError;
use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::access::{Actor, ActorId, Grant, Origin};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::ApiKeySecret;

/// Find who a presented API key acts for, and with what rights now.
#[derive(Clone, Debug)]
pub struct AuthenticateKey {
    /// The key as presented.
    pub secret: ApiKeySecret,
    /// Where the request came from.
    pub origin: Origin,
}

/// How stale `last_used_at` may be before it is written again.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// The actor of a key: its organisation, its scope, and the ceiling of its creator's current
/// role (a key stops working when its creator leaves, and loses rights when they are demoted).
#[tracing::instrument(name = "authenticate_key", skip_all)]
pub async fn authenticate_key(deps: &Deps, cmd: AuthenticateKey, now: Timestamp) -> Result<Actor, AuthError> {
    let mut key = deps.stores.tenants.find_key(&cmd.secret.hash()).await?.ok_or_else(|| AuthError::rejected("the API key is not valid"))?;
    if key.revoked_at.is_some() {
        return Err(AuthError::rejected("the API key was revoked"));
    }
    if let Some(expired) = key.expires_at.filter(|at| *at <= now) {
        return Err(AuthError::Rejected(format!("the API key expired at {expired}")));
    }
    let ceiling = match key.created_by {
        Some(user) => {
            let membership = deps.stores.memberships.membership(key.tenant_id, user).await?;
            membership
                .map(|m| m.role)
                .ok_or_else(|| AuthError::rejected("the API key's creator is no longer a member of its organisation"))?
        }
        None => key.service_ceiling,
    };
    if key.last_used_at.is_none_or(|at| now.duration_since(at) >= TOUCH_EVERY) {
        key.last_used_at = Some(now);
        match deps.stores.tenants.update_key(&key).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => tracing::warn!(%error, "could not record an API key's last use"),
        }
    }
    Ok(Actor {
        tenant_id: key.tenant_id,
        id: ActorId::Key(key.id),
        grant: Grant::Key { scope: key.scope, ceiling },
        label: format!("key “{}” ({})", key.name, key.prefix),
        origin: cmd.origin,
    })
}
