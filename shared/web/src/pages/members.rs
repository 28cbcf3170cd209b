//! Members and invitations: who belongs, as what; inviting, changing roles, removing. A member
//! who may not manage members sees the list without any control, and the use cases refuse
//! their changes anyway.

use super::overview::NoticeQuery;
use super::sign_in::Empty;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::shell::{Shell, role_name};
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{InviteMember, change_role, invite_member, list_invitations, list_members, remove_member, revoke_invitation};
use vigil_domain::access::{Action, Role};
use vigil_domain::accounts::{AnyInvitation, InvitationState};
use vigil_domain::ids::{InvitationId, UserId};

/// A member's row.
struct MemberRow {
    id: String,
    name: String,
    email: String,
    role: Role,
    role_name: String,
    since: String,
    is_me: bool,
}

/// An invitation's row.
struct InvitationRow {
    id: String,
    email: String,
    role_name: String,
    state: String,
    pending: bool,
    expires: String,
}

/// A role to pick.
struct RoleChoice {
    value: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    shell: Shell,
    errors: Refusal,
    manage: bool,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    roles: Vec<RoleChoice>,
    invite_email: String,
    invite_role: String,
    /// The link of an invitation just made (to pass on when mail is not set up), and the mail
    /// error if it could not be sent.
    invited: Option<(String, Option<String>)>,
}

impl MembersPage {
    fn role_selected(&self, member: &MemberRow, value: &str) -> bool {
        member.role.as_str() == value
    }
}

fn state_name(tr: &Tr, state: InvitationState) -> String {
    tr.t(match state {
        InvitationState::Pending => msg("invitation.state.pending"),
        InvitationState::Accepted => msg("invitation.state.accepted"),
        InvitationState::Expired => msg("invitation.state.expired"),
        InvitationState::Revoked => msg("invitation.state.revoked"),
    })
    .to_owned()
}

async fn page(visitor: &Visitor, errors: Refusal, notice: Option<&str>) -> Result<MembersPage, Failure> {
    let shell = Shell::settings(visitor, msg("settings.members"), "members").await?.with_notice(notice);
    let member = visitor.member()?;
    let actor = &member.actor;
    let tr = &visitor.tr;
    let members = list_members(&visitor.deps, actor).await.map_err(|e| Failure::account(visitor, e))?;
    let manage = actor.may(Action::ManageMembers);
    let invitations = if manage {
        list_invitations(&visitor.deps, actor, SystemClock::now()).await.map_err(|e| Failure::account(visitor, e))?
    } else {
        Vec::new()
    };
    let may_make_owners = actor.effective_role() == Role::Owner;
    Ok(MembersPage {
        shell,
        errors,
        manage,
        members: members
            .into_iter()
            .map(|m| MemberRow {
                id: m.user.id.to_string(),
                name: m.user.name.clone(),
                email: m.user.email.to_string(),
                role: m.membership.role,
                role_name: role_name(tr, m.membership.role),
                since: tr.date(m.membership.since),
                is_me: Some(m.user.id) == actor.user(),
            })
            .collect(),
        invitations: invitations
            .iter()
            .rev()
            .map(|invitation: &AnyInvitation| {
                let stored = invitation.to_stored();
                InvitationRow {
                    id: stored.id.to_string(),
                    email: stored.email.to_string(),
                    role_name: role_name(tr, stored.role),
                    state: state_name(tr, stored.state),
                    pending: stored.state == InvitationState::Pending,
                    expires: tr.datetime(stored.expires_at),
                }
            })
            .collect(),
        roles: Role::ALL
            .into_iter()
            .filter(|role| may_make_owners || *role != Role::Owner)
            .map(|role| RoleChoice { value: role.as_str(), name: role_name(tr, role) })
            .collect(),
        invite_email: String::new(),
        invite_role: Role::Viewer.as_str().to_owned(),
        invited: None,
    })
}

/// `GET /settings/members`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let page = page(&visitor, Refusal::default(), query.notice.as_deref()).await?;
    Ok(render(&visitor, &page))
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    email: String,
    role: String,
}

/// `POST /settings/members/invite`: the invitation is mailed, and its link shown this once.
pub(crate) async fn invite(posted: Posted<InviteForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    let Some(role) = Role::parse(&form.role) else {
        let mut page = page(&visitor, Refusal::field_error(&visitor.tr, "role", msg("members.bad_role")), None).await?;
        page.invite_email = form.email;
        return Ok(refused(&visitor, &page));
    };
    let cmd = InviteMember { email: form.email.clone(), role };
    match invite_member(&visitor.deps, &member.actor, cmd, SystemClock::now()).await {
        Ok((_, token, mail_error)) => {
            let link = crate::page::absolute(&visitor.deps, "/invitations/accept", token.expose());
            let mut page = page(&visitor, Refusal::default(), Some("invited")).await?;
            page.invited = Some((link, mail_error));
            Ok(render(&visitor, &page))
        }
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let mut page = page(&visitor, errors, None).await?;
            page.invite_email = form.email;
            page.invite_role = form.role;
            Ok(refused(&visitor, &page))
        }
    }
}

/// The role form.
#[derive(Debug, Deserialize)]
pub(crate) struct RoleForm {
    role: String,
}

/// `POST /settings/members/{id}/role`.
pub(crate) async fn change(Path(id): Path<String>, posted: Posted<RoleForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    let user: UserId = id.parse().map_err(|_| Failure::not_found(&visitor))?;
    let role = Role::parse(&form.role).ok_or_else(|| Failure::bad_form(&visitor, msg("form.malformed")))?;
    match change_role(&visitor.deps, &member.actor, user, role, SystemClock::now()).await {
        Ok(_) => Ok(see_other(&visitor.link("/settings/members?notice=role_changed"))),
        Err(error) => refused_change(&visitor, error).await,
    }
}

async fn refused_change(visitor: &Visitor, error: vigil_app::accounts::AccountError) -> Result<Response, Failure> {
    let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(visitor))?;
    let page = page(visitor, errors, None).await?;
    Ok(refused(visitor, &page))
}

/// `POST /settings/members/{id}/remove`: removed (or, for oneself, leaving).
pub(crate) async fn remove(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let member = visitor.member()?;
    let user: UserId = id.parse().map_err(|_| Failure::not_found(&visitor))?;
    let leaving = member.actor.user() == Some(user);
    match remove_member(&visitor.deps, &member.actor, user, SystemClock::now()).await {
        Ok(()) if leaving => Ok(see_other(&visitor.link("/"))),
        Ok(()) => Ok(see_other(&visitor.link("/settings/members?notice=member_removed"))),
        Err(error) => refused_change(&visitor, error).await,
    }
}

/// `POST /settings/invitations/{id}/revoke`.
pub(crate) async fn revoke(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let member = visitor.member()?;
    let invitation: InvitationId = id.parse().map_err(|_| Failure::not_found(&visitor))?;
    match revoke_invitation(&visitor.deps, &member.actor, invitation, SystemClock::now()).await {
        Ok(_) => Ok(see_other(&visitor.link("/settings/members?notice=invitation_revoked"))),
        Err(error) => refused_change(&visitor, error).await,
    }
}
