use super::sign_in::SignedIn;
use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, ActorId, Grant, Origin, Role};
use vigil_domain::accounts::{Email, Membership, User, check_password};
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::Tenant;

/// Create the first person on a fresh installation: the owner.
#[derive(Clone, Debug)]
pub struct SetUpOwner {
    /// Their email.
    pub email: String,
    /// Their password.
    pub password: String,
    /// Their name.
    pub name: String,
    /// The organisation's name, if none exists yet (otherwise the one made at first start is
    /// theirs, and this renames it when given).
    pub organisation: Option<String>,
    /// Where the request came from.
    pub origin: Origin,
}

/// Makes the owner, once: refused as soon as anyone has an account. The organisation made at
/// first start (with the admin key printed then) becomes theirs.
#[tracing::instrument(name = "set_up_owner", skip_all)]
pub async fn set_up_owner(deps: &Deps, cmd: SetUpOwner, now: Timestamp) -> Result<SignedIn, AccountError> {
    if deps.stores.users.has_users().await? {
        return Err(AccountError::Conflict("this installation is set up already: sign in, or ask its owner for an invitation".into()));
    }
    let mut errors = Vec::new();
    let email = Email::parse(&cmd.email).map_err(|e| errors.push(field("email", e.to_string()))).ok();
    let name = vigil_domain::accounts::valid_name(&cmd.name).map_err(|e| errors.push(field("name", e))).ok();
    if let Some(email) = &email
        && let Err(rejected) = check_password(&cmd.password, email)
    {
        errors.push(field("password", rejected.to_string()));
    }
    let organisation_name = cmd
        .organisation
        .as_deref()
        .map(vigil_domain::accounts::valid_name)
        .transpose()
        .map_err(|e| errors.push(field("organisation", e)))
        .ok()
        .flatten();
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(AccountError::Invalid(vigil_domain::monitor::SpecErrors(errors)));
    };
    let mut tenant = match deps.stores.organisations.tenants().await?.into_iter().next() {
        Some(tenant) => tenant,
        None => {
            let tenant = Tenant::new(
                TenantId::from_uuid(deps.random.new_id(now)),
                organisation_name.clone().unwrap_or_else(|| "My organisation".into()),
                now,
            );
            deps.stores.organisations.insert_tenant(&tenant).await?;
            tenant
        }
    };
    if let Some(renamed) = organisation_name.filter(|n| *n != tenant.name) {
        tenant.name = renamed;
        deps.stores.organisations.update_tenant(&tenant).await?;
    }
    let mut user = User::new(UserId::from_uuid(deps.random.new_id(now)), email, name, now);
    user.password = Some(deps.passwords.hash_password(&cmd.password).await?);
    match deps.stores.users.insert_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AccountError::Conflict("this installation is set up already".into())),
        Err(error) => return Err(error.into()),
    }
    deps.stores.memberships.put_membership(&Membership { tenant_id: tenant.id, user_id: user.id, role: Role::Owner, since: now }).await?;
    let actor = Actor {
        tenant_id: tenant.id,
        id: ActorId::User(user.id),
        grant: Grant::Member(Role::Owner),
        label: user.email.to_string(),
        origin: cmd.origin,
    };
    let change = audit_trail::Change {
        action: "organisation.set_up",
        kind: "member",
        id: user.id.to_string(),
        name: Some(user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"role": "owner", "organisation": tenant.name}),
    };
    audit_trail::record(deps, &actor, change, now).await?;
    Ok(SignedIn { user, tenant_id: tenant.id, role: Role::Owner })
}

/// Whether the installation still waits for its first owner: nobody has an account yet.
#[tracing::instrument(name = "needs_set_up", skip_all)]
pub async fn needs_set_up(deps: &Deps) -> Result<bool, AccountError> {
    Ok(!deps.stores.users.has_users().await?)
}

fn field(name: &str, message: impl Into<String>) -> vigil_domain::monitor::FieldError {
    vigil_domain::monitor::FieldError { field: name.into(), message: message.into() }
}
