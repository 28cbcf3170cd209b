//! Who belongs to an organisation: listing, changing roles, removing, leaving.

use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Action, Actor, Role};
use vigil_domain::accounts::{Membership, User, check_owner_change};
use vigil_domain::ids::UserId;

/// A member as others see them.
#[derive(Clone, Debug)]
pub struct Member {
    /// Their membership.
    pub membership: Membership,
    /// Their account.
    pub user: User,
}

/// Every member of the actor's organisation.
#[tracing::instrument(name = "list_members", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_members(deps: &Deps, actor: &Actor) -> Result<Vec<Member>, AccountError> {
    actor.require(Action::Read)?;
    let mut members = Vec::new();
    for membership in deps.stores.memberships.members(actor.tenant_id).await? {
        if let Some(user) = deps.stores.users.user(membership.user_id).await? {
            members.push(Member { membership, user });
        }
    }
    Ok(members)
}

async fn owners(deps: &Deps, actor: &Actor) -> Result<usize, AccountError> {
    Ok(deps.stores.memberships.members(actor.tenant_id).await?.iter().filter(|m| m.role == Role::Owner).count())
}

/// Only an owner makes or unmakes owners.
fn check_owner_rights(actor: &Actor, current: Role, next: Option<Role>) -> Result<(), AccountError> {
    let touches_owner = current == Role::Owner || next == Some(Role::Owner);
    if touches_owner && actor.effective_role() != Role::Owner {
        return Err(AccountError::Forbidden(vigil_domain::access::Forbidden {
            who: actor.label.clone(),
            action: Action::ManageOrganisation,
        }));
    }
    Ok(())
}

/// Changes a member's role. Keys they made follow the new role at their next use.
#[tracing::instrument(name = "change_role", skip_all, fields(tenant = %actor.tenant_id, user = %user))]
pub async fn change_role(deps: &Deps, actor: &Actor, user: UserId, role: Role, now: Timestamp) -> Result<Membership, AccountError> {
    actor.require(Action::ManageMembers)?;
    let before = deps.stores.memberships.membership(actor.tenant_id, user).await?.ok_or(AccountError::NotFound("member"))?;
    check_owner_rights(actor, before.role, Some(role))?;
    check_owner_change(before.role, Some(role), owners(deps, actor).await?)?;
    let after = Membership { role, ..before.clone() };
    deps.stores.memberships.put_membership(&after).await?;
    let change = audit_trail::Change {
        action: "member.role_change",
        kind: "member",
        id: user.to_string(),
        name: None,
        before: json!({"role": before.role}),
        after: json!({"role": role}),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(after)
}

/// Removes a member; their keys stop working and their sessions in this organisation end at
/// their next request.
#[tracing::instrument(name = "remove_member", skip_all, fields(tenant = %actor.tenant_id, user = %user))]
pub async fn remove_member(deps: &Deps, actor: &Actor, user: UserId, now: Timestamp) -> Result<(), AccountError> {
    if actor.user() != Some(user) {
        actor.require(Action::ManageMembers)?;
    }
    let before = deps.stores.memberships.membership(actor.tenant_id, user).await?.ok_or(AccountError::NotFound("member"))?;
    if actor.user() != Some(user) {
        check_owner_rights(actor, before.role, None)?;
    }
    check_owner_change(before.role, None, owners(deps, actor).await?)?;
    deps.stores.memberships.remove_membership(actor.tenant_id, user).await?;
    let action = if actor.user() == Some(user) { "member.leave" } else { "member.remove" };
    let change = audit_trail::Change {
        action,
        kind: "member",
        id: user.to_string(),
        name: None,
        before: json!({"role": before.role}),
        after: serde_json::Value::Null,
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(())
}
