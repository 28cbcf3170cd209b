//! Remote actions and their history.

use crate::extract::{ActionPath, Caller, HostPath, JsonBody, QueryParams, page};
use crate::host_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{HostAction, NewAction, Page, PageQuery, Problem};
use vigil_app::hosts::{RequestAction, get_action, list_actions, request_action};
use vigil_app::{Deps, SystemClock};
use vigil_domain::ids::{ActionRequestId, AgentId};

/// Ask a host to run an action its agent's own config names (admins). The request is signed
/// for that agent, valid two minutes, recorded in the action history and the audit log, and
/// sent over the agent's connection; the agent's result or refusal is recorded as it comes.
#[utoipa::path(post, path = "/hosts/{id}/actions", tag = "hosts", operation_id = "request_host_action",
    params(("id" = AgentId, Path, description = "The host's agent")),
    request_body = NewAction,
    responses((status = 201, description = "Sent; pending until the agent answers", body = HostAction),
        (status = 409, description = "The host is revoked, or its agent is not connected (the request is recorded as undelivered)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn request(
    State(deps): State<Deps>,
    links: Option<axum::Extension<crate::AgentLinks>>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
    JsonBody(body): JsonBody<NewAction>,
) -> Result<(StatusCode, Json<HostAction>), ApiError> {
    let link = crate::AgentLinks::or_none(links);
    let record = request_action(&deps, link.as_ref(), &actor, RequestAction { agent: id, action: body.action }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(host_views::action(&record))))
}

/// A host's action history, newest first.
#[utoipa::path(get, path = "/hosts/{id}/actions", tag = "hosts", operation_id = "list_host_actions",
    params(("id" = AgentId, Path, description = "The host's agent"), PageQuery),
    responses((status = 200, description = "A page of action requests", body = Page<HostAction>)))]
pub(crate) async fn of_host(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<HostAction>>, ApiError> {
    let listed = list_actions(&deps, &actor, Some(id), page(&params)?).await?;
    Ok(Json(Page { items: listed.items.iter().map(host_views::action).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}

/// Every host's action history, newest first.
#[utoipa::path(get, path = "/actions", tag = "hosts", operation_id = "list_actions",
    params(PageQuery),
    responses((status = 200, description = "A page of action requests", body = Page<HostAction>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<HostAction>>, ApiError> {
    let listed = list_actions(&deps, &actor, None, page(&params)?).await?;
    Ok(Json(Page { items: listed.items.iter().map(host_views::action).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}

/// Read an action request and its outcome.
#[utoipa::path(get, path = "/actions/{id}", tag = "hosts", operation_id = "get_action",
    params(("id" = ActionRequestId, Path, description = "The request")),
    responses((status = 200, description = "The request", body = HostAction)))]
pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    ActionPath(id): ActionPath,
) -> Result<Json<HostAction>, ApiError> {
    Ok(Json(host_views::action(&get_action(&deps, &actor, id).await?)))
}
