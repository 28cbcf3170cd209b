//! Inviting people by mail, and what happens when they follow the link.

use super::mail::{self, AccountMail};
use super::sign_in::SignedIn;
use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Action, Actor, ActorId, Grant, Role};
use vigil_domain::accounts::{AnyInvitation, Email, Invitation, Membership, SecretToken, User, check_password, valid_name};
use vigil_domain::ids::{InvitationId, UserId};
use vigil_domain::ports::StoreError;

/// Invite someone to the actor's organisation.
#[derive(Clone, Debug)]
pub struct InviteMember {
    /// Their address.
    pub email: String,
    /// The role they get on accepting.
    pub role: Role,
}

/// Stores a pending invitation and mails its link; returns it with the link's token (for the
/// API's answer, so an admin can pass the link on when mail is not set up).
#[tracing::instrument(name = "invite_member", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn invite_member(
    deps: &Deps,
    actor: &Actor,
    cmd: InviteMember,
    now: Timestamp,
) -> Result<(AnyInvitation, SecretToken, Option<String>), AccountError> {
    actor.require(Action::ManageMembers)?;
    if cmd.role == Role::Owner && actor.effective_role() != Role::Owner {
        return Err(AccountError::invalid("role", "only an owner invites owners"));
    }
    let email = Email::parse(&cmd.email).map_err(|e| AccountError::invalid("email", e.to_string()))?;
    if let Some(user) = deps.stores.users.user_by_email(&email).await?
        && deps.stores.memberships.membership(actor.tenant_id, user.id).await?.is_some()
    {
        return Err(AccountError::Conflict(format!("{email} is a member already")));
    }
    let token = SecretToken::from_random(deps.random.secret_bytes());
    let invitation = Invitation::new(
        InvitationId::from_uuid(deps.random.new_id(now)),
        actor.tenant_id,
        email.clone(),
        cmd.role,
        token.hash(),
        actor.label.clone(),
        now,
    );
    let invitation = AnyInvitation::Pending(invitation);
    deps.stores.invitations.insert_invitation(&invitation).await?;
    let change = audit_trail::Change {
        action: "invitation.create",
        kind: "invitation",
        id: invitation.id().to_string(),
        name: Some(email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"email": email, "role": cmd.role}),
    };
    audit_trail::record(deps, actor, change, now).await?;
    let tenant = deps.stores.organisations.tenant(actor.tenant_id).await?.ok_or(AccountError::NotFound("organisation"))?;
    let link = mail::link(deps, "/invitations/accept", token.expose());
    let mail_error = mail::send(
        deps,
        email.as_str(),
        AccountMail::Invitation { organisation: &tenant.name, inviter: &actor.label, role: cmd.role.as_str(), link: &link },
        Default::default(),
    )
    .await
    .err()
    .map(|e| e.to_string());
    Ok((invitation, token, mail_error))
}

/// Every invitation of the actor's organisation, as of now (pending ones past their time read
/// as expired).
#[tracing::instrument(name = "list_invitations", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_invitations(deps: &Deps, actor: &Actor, now: Timestamp) -> Result<Vec<AnyInvitation>, AccountError> {
    actor.require(Action::ManageMembers)?;
    Ok(deps.stores.invitations.invitations(actor.tenant_id).await?.into_iter().map(|i| i.as_of(now)).collect())
}

/// Withdraws a pending invitation.
#[tracing::instrument(name = "revoke_invitation", skip_all, fields(tenant = %actor.tenant_id, invitation = %id))]
pub async fn revoke_invitation(deps: &Deps, actor: &Actor, id: InvitationId, now: Timestamp) -> Result<AnyInvitation, AccountError> {
    actor.require(Action::ManageMembers)?;
    let invitation = deps.stores.invitations.invitation(actor.tenant_id, id).await?.ok_or(AccountError::NotFound("invitation"))?;
    let AnyInvitation::Pending(pending) = invitation.as_of(now) else {
        return Err(AccountError::Conflict("only a pending invitation can be revoked".into()));
    };
    let revoked = AnyInvitation::Revoked(pending.revoke(now));
    match deps.stores.invitations.settle_invitation(&revoked).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AccountError::Conflict("the invitation was accepted or revoked meanwhile".into())),
        Err(error) => return Err(error.into()),
    }
    let change = audit_trail::Change {
        action: "invitation.revoke",
        kind: "invitation",
        id: id.to_string(),
        name: Some(revoked.to_stored().email.to_string()),
        before: json!({"state": "pending"}),
        after: json!({"state": "revoked"}),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(revoked)
}

/// Follow an invitation link.
#[derive(Clone, Debug)]
pub struct AcceptInvitation {
    /// The token from the link.
    pub token: SecretToken,
    /// For a new account: a name.
    pub name: Option<String>,
    /// For a new account: a password.
    pub password: Option<String>,
    /// Where the request came from.
    pub origin: vigil_domain::access::Origin,
}

/// Accepts the invitation (once, before it expires): an existing account joins the
/// organisation; a new one is made with the name and password given (the link proved the
/// address). The result signs them in.
#[tracing::instrument(name = "accept_invitation", skip_all)]
pub async fn accept_invitation(deps: &Deps, cmd: AcceptInvitation, now: Timestamp) -> Result<SignedIn, AccountError> {
    let bad = || AccountError::BadToken("the invitation link is not valid".into());
    let invitation = deps.stores.invitations.invitation_by_token(&cmd.token.hash()).await?.ok_or_else(bad)?;
    let pending = match invitation.as_of(now) {
        AnyInvitation::Pending(pending) => pending,
        AnyInvitation::Accepted(_) => return Err(AccountError::BadToken("this invitation was accepted already: sign in".into())),
        AnyInvitation::Expired(_) => return Err(AccountError::BadToken("this invitation expired: ask for a new one".into())),
        AnyInvitation::Revoked(_) => return Err(AccountError::BadToken("this invitation was withdrawn".into())),
    };
    let user = match deps.stores.users.user_by_email(pending.email()).await? {
        Some(user) => user,
        None => new_account(deps, pending.email().clone(), &cmd, now).await?,
    };
    let accepted = match pending.accept(user.id, now) {
        Ok(accepted) => AnyInvitation::Accepted(accepted),
        Err(_) => return Err(AccountError::BadToken("this invitation expired: ask for a new one".into())),
    };
    match deps.stores.invitations.settle_invitation(&accepted).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AccountError::BadToken("this invitation was used already".into())),
        Err(error) => return Err(error.into()),
    }
    let stored = accepted.to_stored();
    let membership = Membership { tenant_id: stored.tenant_id, user_id: user.id, role: stored.role, since: now };
    deps.stores.memberships.put_membership(&membership).await?;
    let actor = Actor {
        tenant_id: stored.tenant_id,
        id: ActorId::User(user.id),
        grant: Grant::Member(stored.role),
        label: user.email.to_string(),
        origin: cmd.origin,
    };
    let change = audit_trail::Change {
        action: "invitation.accept",
        kind: "member",
        id: user.id.to_string(),
        name: Some(user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"role": stored.role, "invited_by": stored.invited_by}),
    };
    audit_trail::record(deps, &actor, change, now).await?;
    Ok(SignedIn { user, tenant_id: stored.tenant_id, role: stored.role })
}

async fn new_account(deps: &Deps, email: Email, cmd: &AcceptInvitation, now: Timestamp) -> Result<User, AccountError> {
    let mut errors = Vec::new();
    let name = match cmd.name.as_deref().map(valid_name) {
        Some(Ok(name)) => Some(name),
        Some(Err(message)) => {
            errors.push(vigil_domain::monitor::FieldError { field: "name".into(), message });
            None
        }
        None => {
            errors.push(vigil_domain::monitor::FieldError { field: "name".into(), message: "a new account needs a name".into() });
            None
        }
    };
    match cmd.password.as_deref() {
        Some(password) => {
            if let Err(rejected) = check_password(password, &email) {
                errors.push(vigil_domain::monitor::FieldError { field: "password".into(), message: rejected.to_string() });
            }
        }
        None => {
            errors.push(vigil_domain::monitor::FieldError { field: "password".into(), message: "a new account needs a password".into() })
        }
    }
    let (Some(name), Some(password), true) = (name, cmd.password.as_deref(), errors.is_empty()) else {
        return Err(AccountError::Invalid(vigil_domain::monitor::SpecErrors(errors)));
    };
    let mut user = User::new(UserId::from_uuid(deps.random.new_id(now)), email, name, now);
    user.email_verified = true;
    user.password = Some(deps.passwords.hash_password(password).await?);
    match deps.stores.users.insert_user(&user).await {
        Ok(()) => Ok(user),
        Err(StoreError::Conflict) => {
            Err(AccountError::Conflict("an account with this address was just made: sign in and follow the link again".into()))
        }
        Err(error) => Err(error.into()),
    }
}
