//! The current organisation, the organisations one belongs to, members and invitations.

use crate::account_views::{InvitationBody, MemberBody, MembershipBodyList, OrganisationBody};
use crate::extract::{Caller, JsonBody};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use vigil_app::accounts::{
    InviteMember, OrganisationDraft, change_role, create_organisation, get_me, get_organisation, invite_member, list_invitations,
    list_members, remove_member, revoke_invitation, update_organisation,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::Role;
use vigil_domain::ids::{InvitationId, UserId};

/// `GET /v1/organisation`.
pub(crate) async fn read(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<OrganisationBody>, ApiError> {
    Ok(Json(OrganisationBody::new(&get_organisation(&deps, &actor).await?)))
}

/// `PATCH /v1/organisation`: name and settings (owners).
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(draft): JsonBody<OrganisationDraft>,
) -> Result<Json<OrganisationBody>, ApiError> {
    Ok(Json(OrganisationBody::new(&update_organisation(&deps, &actor, draft, SystemClock::now()).await?)))
}

/// `POST /v1/organisation/leave`: the caller leaves the organisation (not its last owner).
pub(crate) async fn leave(State(deps): State<Deps>, Caller(actor): Caller) -> Result<StatusCode, ApiError> {
    let user = actor.user().ok_or_else(|| ApiError::bad_request("an API key is not a member; revoke it instead"))?;
    remove_member(&deps, &actor, user, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/organisations`: the caller's organisations.
pub(crate) async fn mine(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<MembershipBodyList>, ApiError> {
    Ok(Json(MembershipBodyList::new(&get_me(&deps, &actor).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOrganisation {
    name: String,
}

/// `POST /v1/organisations`: a new organisation owned by the caller.
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<NewOrganisation>,
) -> Result<(StatusCode, Json<OrganisationBody>), ApiError> {
    let tenant = create_organisation(&deps, &actor, &body.name, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(OrganisationBody::new(&tenant))))
}

/// `GET /v1/members`.
pub(crate) async fn members(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<crate::views::ItemsBody<MemberBody>>, ApiError> {
    let members = list_members(&deps, &actor).await?;
    Ok(Json(crate::views::ItemsBody { items: members.iter().map(MemberBody::new).collect() }))
}

fn user_path(id: &str) -> Result<UserId, ApiError> {
    id.parse().map_err(|_| ApiError::not_found(format!("no member with id `{id}`")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleBody {
    role: Role,
}

/// `PATCH /v1/members/{id}`: a new role.
pub(crate) async fn change(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RoleBody>,
) -> Result<StatusCode, ApiError> {
    change_role(&deps, &actor, user_path(&id)?, body.role, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /v1/members/{id}`.
pub(crate) async fn remove(State(deps): State<Deps>, Caller(actor): Caller, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    remove_member(&deps, &actor, user_path(&id)?, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InviteBody {
    email: String,
    role: Role,
}

/// `POST /v1/invitations`: mails the link, and returns it too (to pass on by hand when mail
/// is not set up).
pub(crate) async fn invite(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<InviteBody>,
) -> Result<(StatusCode, Json<InvitationBody>), ApiError> {
    let (invitation, token, mail_error) =
        invite_member(&deps, &actor, InviteMember { email: body.email, role: body.role }, SystemClock::now()).await?;
    let mut link = deps.settings.public_url.clone();
    link.set_path("/invitations/accept");
    link.set_query(Some(&format!("token={}", token.expose())));
    Ok((StatusCode::CREATED, Json(InvitationBody::new(&invitation, Some(link.to_string()), mail_error))))
}

/// `GET /v1/invitations`.
pub(crate) async fn invitations(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<crate::views::ItemsBody<InvitationBody>>, ApiError> {
    let all = list_invitations(&deps, &actor, SystemClock::now()).await?;
    Ok(Json(crate::views::ItemsBody { items: all.iter().map(|i| InvitationBody::new(i, None, None)).collect() }))
}

/// `DELETE /v1/invitations/{id}`: withdraws a pending invitation.
pub(crate) async fn revoke(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<InvitationBody>, ApiError> {
    let id: InvitationId = id.parse().map_err(|_| ApiError::not_found(format!("no invitation with id `{id}`")))?;
    let revoked = revoke_invitation(&deps, &actor, id, SystemClock::now()).await?;
    Ok(Json(InvitationBody::new(&revoked, None, None)))
}
