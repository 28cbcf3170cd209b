//! A person's own account: what they see of it and what they change themselves.

use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, Role};
use vigil_domain::accounts::{User, UserDraft};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::Tenant;

/// A person's account and organisations.
#[derive(Clone, Debug)]
pub struct Me {
    /// The account.
    pub user: User,
    /// Every organisation they belong to, with their role there.
    pub organisations: Vec<(Tenant, Role)>,
}

/// The signed-in person behind `actor` (keys and the system have no account).
pub(crate) async fn person(deps: &Deps, actor: &Actor) -> Result<User, AccountError> {
    let id = actor.user().ok_or_else(|| AccountError::invalid("actor", "only a signed-in person has an account: an API key has none"))?;
    deps.stores.users.user(id).await?.ok_or(AccountError::NotFound("user"))
}

/// The actor's own account.
#[tracing::instrument(name = "get_me", skip_all)]
pub async fn get_me(deps: &Deps, actor: &Actor) -> Result<Me, AccountError> {
    let user = person(deps, actor).await?;
    let organisations = deps.stores.memberships.memberships_of(user.id).await?.into_iter().map(|(m, t)| (t, m.role)).collect();
    Ok(Me { user, organisations })
}

/// Changes name, language and time zone.
#[tracing::instrument(name = "update_profile", skip_all)]
pub async fn update_profile(deps: &Deps, actor: &Actor, draft: UserDraft, now: Timestamp) -> Result<User, AccountError> {
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let before = person(deps, actor).await?;
        let mut user = before.clone();
        draft.apply_to(&mut user)?;
        user.version += 1;
        match deps.stores.users.update_user(&user).await {
            Ok(()) => {
                let change = audit_trail::Change {
                    action: "user.update",
                    kind: "user",
                    id: user.id.to_string(),
                    name: Some(user.email.to_string()),
                    before: json!({"name": before.name, "locale": before.locale, "time_zone": before.time_zone}),
                    after: json!({"name": user.name, "locale": user.locale, "time_zone": user.time_zone}),
                };
                audit_trail::record(deps, actor, change, now).await?;
                return Ok(user);
            }
            Err(StoreError::Conflict) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Stores `user` (version already bumped) and records `action` on it.
pub(crate) async fn save(
    deps: &Deps,
    actor: &Actor,
    user: &User,
    action: &str,
    after: serde_json::Value,
    now: Timestamp,
) -> Result<(), AccountError> {
    match deps.stores.users.update_user(user).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AccountError::Conflict("the account changed meanwhile; try again".into())),
        Err(error) => return Err(error.into()),
    }
    let change = audit_trail::Change {
        action,
        kind: "user",
        id: user.id.to_string(),
        name: Some(user.email.to_string()),
        before: serde_json::Value::Null,
        after,
    };
    Ok(audit_trail::record(deps, actor, change, now).await?)
}
