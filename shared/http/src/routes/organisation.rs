//! The current organisation, the organisations one belongs to, members and invitations.

use crate::account_views;
use crate::extract::{Caller, InvitationPath, JsonBody, MemberPath};
use crate::openapi::NotAPerson;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{
    Invitation, InvitationId, InvitationRequest, Listing, Member, Membership, NewOrganisation, Organisation, OrganisationChange, Problem,
    RoleChange, UserId,
};
use vigil_app::accounts::{
    InviteMember, OrganisationDraft, change_role, create_organisation, get_me, get_organisation, invite_member, list_invitations,
    list_members, remove_member, revoke_invitation, update_organisation,
};
use vigil_app::{Deps, SystemClock};

/// The organisation the request acts in.
#[utoipa::path(get, path = "/organisation", tag = "organisations", operation_id = "get_organisation",
    responses((status = 200, description = "The organisation", body = Organisation)))]
pub(crate) async fn read(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Organisation>, ApiError> {
    Ok(Json(account_views::organisation(&get_organisation(&deps, &actor).await?)))
}

/// Rename the organisation or change its settings (owners); absent fields stay.
#[utoipa::path(patch, path = "/organisation", tag = "organisations", operation_id = "update_organisation",
    request_body = OrganisationChange,
    responses((status = 200, description = "The organisation changed", body = Organisation)))]
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(change): JsonBody<OrganisationChange>,
) -> Result<Json<Organisation>, ApiError> {
    let draft = OrganisationDraft { name: change.name, settings: change.settings };
    Ok(Json(account_views::organisation(&update_organisation(&deps, &actor, draft, SystemClock::now()).await?)))
}

/// Leave the organisation (its last owner cannot).
#[utoipa::path(post, path = "/organisation/leave", tag = "organisations", operation_id = "leave_organisation",
    responses((status = 204, description = "No longer a member"),
        (status = 400, description = "An API key is not a member: revoke it instead (`bad-request`)", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The last owner stays (`last-owner`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn leave(State(deps): State<Deps>, Caller(actor): Caller) -> Result<StatusCode, ApiError> {
    let user = actor.user().ok_or_else(|| ApiError::bad_request("an API key is not a member; revoke it instead"))?;
    remove_member(&deps, &actor, user, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisations the signed-in person belongs to, with their role in each.
#[utoipa::path(get, path = "/organisations", tag = "organisations", operation_id = "list_organisations",
    responses((status = 200, description = "Their organisations", body = Listing<Membership>), (status = 400, response = NotAPerson)))]
pub(crate) async fn mine(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Listing<Membership>>, ApiError> {
    Ok(Json(Listing { items: account_views::memberships(&get_me(&deps, &actor).await?) }))
}

/// Make a new organisation, owned by the signed-in person.
#[utoipa::path(post, path = "/organisations", tag = "organisations", operation_id = "create_organisation",
    request_body = NewOrganisation,
    responses((status = 201, description = "The organisation made", body = Organisation)))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<NewOrganisation>,
) -> Result<(StatusCode, Json<Organisation>), ApiError> {
    let tenant = create_organisation(&deps, &actor, &body.name, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(account_views::organisation(&tenant))))
}

/// The members of the organisation.
#[utoipa::path(get, path = "/members", tag = "organisations", operation_id = "list_members",
    responses((status = 200, description = "Every member", body = Listing<Member>)))]
pub(crate) async fn members(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Listing<Member>>, ApiError> {
    let members = list_members(&deps, &actor).await?;
    Ok(Json(Listing { items: members.iter().map(account_views::member).collect() }))
}

/// Give a member another role (admins; owners make and unmake owners).
#[utoipa::path(patch, path = "/members/{id}", tag = "organisations", operation_id = "change_role",
    params(("id" = UserId, Path, description = "The member's account")),
    request_body = RoleChange,
    responses((status = 204, description = "Changed"),
        (status = 409, description = "The last owner stays (`last-owner`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn change(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    MemberPath(id): MemberPath,
    JsonBody(body): JsonBody<RoleChange>,
) -> Result<StatusCode, ApiError> {
    change_role(&deps, &actor, id, body.role, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member (admins); their keys stop working.
#[utoipa::path(delete, path = "/members/{id}", tag = "organisations", operation_id = "remove_member",
    params(("id" = UserId, Path, description = "The member's account")),
    responses((status = 204, description = "Removed"),
        (status = 409, description = "The last owner stays (`last-owner`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn remove(State(deps): State<Deps>, Caller(actor): Caller, MemberPath(id): MemberPath) -> Result<StatusCode, ApiError> {
    remove_member(&deps, &actor, id, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invite someone by email (admins): the link, valid 72 hours and usable once, is mailed and
/// is in this answer too (to pass on by hand when mail is not set up).
#[utoipa::path(post, path = "/invitations", tag = "organisations", operation_id = "invite_member",
    request_body = InvitationRequest,
    responses((status = 201, description = "The invitation, with its link", body = Invitation),
        (status = 409, description = "The address is a member already (`conflict`)", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn invite(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<InvitationRequest>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let (invitation, token, mail_error) =
        invite_member(&deps, &actor, InviteMember { email: body.email, role: body.role }, SystemClock::now()).await?;
    let mut link = deps.settings.public_url.clone();
    link.set_path("/invitations/accept");
    link.set_query(Some(&format!("token={}", token.expose())));
    Ok((StatusCode::CREATED, Json(account_views::invitation(&invitation, Some(link.to_string()), mail_error))))
}

/// The organisation's invitations, in every state.
#[utoipa::path(get, path = "/invitations", tag = "organisations", operation_id = "list_invitations",
    responses((status = 200, description = "Every invitation", body = Listing<Invitation>)))]
pub(crate) async fn invitations(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Listing<Invitation>>, ApiError> {
    let all = list_invitations(&deps, &actor, SystemClock::now()).await?;
    Ok(Json(Listing { items: all.iter().map(|i| account_views::invitation(i, None, None)).collect() }))
}

/// Withdraw a pending invitation (admins).
#[utoipa::path(delete, path = "/invitations/{id}", tag = "organisations", operation_id = "revoke_invitation",
    params(("id" = InvitationId, Path, description = "The invitation")),
    responses((status = 200, description = "The invitation, revoked", body = Invitation),
        (status = 409, description = "It is not pending any more (`conflict`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn revoke(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    InvitationPath(id): InvitationPath,
) -> Result<Json<Invitation>, ApiError> {
    let revoked = revoke_invitation(&deps, &actor, id, SystemClock::now()).await?;
    Ok(Json(account_views::invitation(&revoked, None, None)))
}
