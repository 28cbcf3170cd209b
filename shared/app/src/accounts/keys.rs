//! API keys: made by a person for themselves (bounded by their role, for as long as they are a
//! member) or by an admin as a service key; shown once; listed; revoked.

use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Action, Actor, ActorId, KeyScope, Role};
use vigil_domain::accounts::valid_name;
use vigil_domain::ids::ApiKeyId;
use vigil_domain::tenant::{ApiKey, ApiKeySecret};

/// Make a key.
#[derive(Clone, Debug)]
pub struct CreateKey {
    /// Its label.
    pub name: String,
    /// What it may do at most.
    pub scope: KeyScope,
    /// When it stops working.
    pub expires_at: Option<Timestamp>,
    /// A service key: tied to no person (admins only).
    pub service: bool,
}

/// Makes a key and returns it with its secret (shown this once).
#[tracing::instrument(name = "create_key", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn create_key(deps: &Deps, actor: &Actor, cmd: CreateKey, now: Timestamp) -> Result<(ApiKey, ApiKeySecret), AccountError> {
    let mut errors = Vec::new();
    let name = valid_name(&cmd.name).map_err(|m| errors.push(field("name", m))).ok();
    if cmd.expires_at.is_some_and(|at| at <= now) {
        errors.push(field("expires_at", "a key cannot expire in the past"));
    }
    let role = actor.effective_role();
    if !role.at_least(cmd.scope.least_role()) {
        errors.push(field(
            "scope",
            format!("a {role} cannot make a {} key (it needs at least {})", cmd.scope.as_str(), cmd.scope.least_role()),
        ));
    }
    let (created_by, ceiling) = if cmd.service {
        actor.require(Action::ManageAllKeys)?;
        (None, role.max(Role::Admin))
    } else {
        actor.require(Action::ManageOwnKeys)?;
        let user = actor.user().ok_or_else(|| AccountError::invalid("service", "a key can make only service keys (set `service`)"))?;
        (Some(user), role)
    };
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AccountError::Invalid(vigil_domain::monitor::SpecErrors(errors)));
    };
    let secret = ApiKeySecret::from_random(deps.random.secret_bytes());
    let key = ApiKey {
        id: ApiKeyId::from_uuid(deps.random.new_id(now)),
        tenant_id: actor.tenant_id,
        name,
        prefix: secret.display_prefix(),
        hash: secret.hash(),
        created_at: now,
        scope: cmd.scope,
        created_by,
        service_ceiling: ceiling,
        expires_at: cmd.expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    deps.stores.tenants.insert_key(&key).await?;
    let change = audit_trail::Change {
        action: "key.create",
        kind: "key",
        id: key.id.to_string(),
        name: Some(key.name.clone()),
        before: serde_json::Value::Null,
        after: json!({"name": key.name, "scope": key.scope, "service": cmd.service, "expires_at": key.expires_at}),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok((key, secret))
}

fn field(name: &str, message: impl Into<String>) -> vigil_domain::monitor::FieldError {
    vigil_domain::monitor::FieldError { field: name.into(), message: message.into() }
}

fn mine(actor: &Actor, key: &ApiKey) -> bool {
    actor.user().is_some_and(|user| key.created_by == Some(user)) || actor.id == ActorId::Key(key.id)
}

/// The keys the actor may see: every key for admins, their own otherwise.
#[tracing::instrument(name = "list_keys", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_keys(deps: &Deps, actor: &Actor) -> Result<Vec<ApiKey>, AccountError> {
    actor.require(Action::ManageOwnKeys)?;
    let all = actor.may(Action::ManageAllKeys);
    Ok(deps.stores.tenants.keys(actor.tenant_id).await?.into_iter().filter(|key| all || mine(actor, key)).collect())
}

/// Revokes a key: the actor's own, or any for admins.
#[tracing::instrument(name = "revoke_key", skip_all, fields(tenant = %actor.tenant_id, key = %id))]
pub async fn revoke_key(deps: &Deps, actor: &Actor, id: ApiKeyId, now: Timestamp) -> Result<ApiKey, AccountError> {
    actor.require(Action::ManageOwnKeys)?;
    let mut key = deps.stores.tenants.key(actor.tenant_id, id).await?.ok_or(AccountError::NotFound("key"))?;
    if !mine(actor, &key) {
        if !actor.may(Action::ManageAllKeys) {
            return Err(AccountError::NotFound("key"));
        }
        actor.require(Action::ManageAllKeys)?;
    }
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    key.revoked_at = Some(now);
    deps.stores.tenants.update_key(&key).await?;
    let change = audit_trail::Change {
        action: "key.revoke",
        kind: "key",
        id: key.id.to_string(),
        name: Some(key.name.clone()),
        before: json!({"revoked": false}),
        after: json!({"revoked": true}),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(key)
}
