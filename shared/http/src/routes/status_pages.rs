//! The status page editors' API: pages, their components, public incidents and their updates,
//! and badges. Pages are shown without their password's hash.

use crate::extract::{BadgePath, Caller, ComponentPath, IncidentPath, JsonBody, PublicIncidentPath, QueryParams, StatusPagePath};
use crate::problem::ApiError;
use crate::status_page_views as views;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{Badge as BadgeView, Page, PageQuery, PublicIncident as IncidentView, PublishRequest, StatusPage as PageView};
use vigil_app::status_pages::{
    CreateBadge, CreatePage, DeletePage, PostIncident, PostUpdate, PublishIncident, PutComponent, RemoveComponent, UpdatePage,
    create_badge, create_page, delete_badge, delete_page, get_page, list_badges, list_pages, list_public_incidents, post_incident,
    post_update, publish_incident, put_component, remove_component, update_page,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::ids::{BadgeId, ComponentId, IncidentId, PublicIncidentId, StatusPageId};
use vigil_domain::status_page::{BadgeDraft, ComponentDraft, PublicIncidentDraft, PublicUpdateDraft, StatusPageDraft};

/// Create a status page.
#[utoipa::path(post, path = "/status-pages", tag = "status pages", operation_id = "create_status_page",
    request_body = StatusPageDraft,
    responses((status = 201, description = "The page", body = PageView)))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<StatusPageDraft>,
) -> Result<(StatusCode, Json<PageView>), ApiError> {
    let page = create_page(&deps, CreatePage { actor: caller.clone(), draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(views::page(&deps, &page))))
}

/// List the organisation's status pages, oldest first.
#[utoipa::path(get, path = "/status-pages", tag = "status pages", operation_id = "list_status_pages",
    responses((status = 200, description = "The pages", body = Vec<PageView>)))]
pub(crate) async fn list(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<Vec<PageView>>, ApiError> {
    Ok(Json(list_pages(&deps, &caller).await?.iter().map(|p| views::page(&deps, p)).collect()))
}

/// Read a status page with its components.
#[utoipa::path(get, path = "/status-pages/{id}", tag = "status pages", operation_id = "get_status_page",
    params(("id" = StatusPageId, Path, description = "The page")),
    responses((status = 200, description = "The page", body = PageView)))]
pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
) -> Result<Json<PageView>, ApiError> {
    Ok(Json(views::page(&deps, &get_page(&deps, &caller, id).await?)))
}

/// Delete a status page, its incidents, subscribers and snapshot; its slug and domain are free.
#[utoipa::path(delete, path = "/status-pages/{id}", tag = "status pages", operation_id = "delete_status_page",
    params(("id" = StatusPageId, Path, description = "The page")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
) -> Result<StatusCode, ApiError> {
    delete_page(&deps, DeletePage { actor: caller.clone(), page_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a page's settings: what is sent changes, the rest stays (a protected page keeps its
/// password unless a new one is sent).
#[utoipa::path(patch, path = "/status-pages/{id}", tag = "status pages", operation_id = "update_status_page",
    params(("id" = StatusPageId, Path, description = "The page")),
    request_body = StatusPageDraft,
    responses((status = 200, description = "The page", body = PageView)))]
pub(crate) async fn change(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    JsonBody(draft): JsonBody<StatusPageDraft>,
) -> Result<Json<PageView>, ApiError> {
    let page = update_page(&deps, UpdatePage { actor: caller.clone(), page_id: id, draft }, SystemClock::now()).await?;
    Ok(Json(views::page(&deps, &page)))
}

/// Change a component or group of a page.
#[utoipa::path(put, path = "/status-pages/{id}/components/{component_id}", tag = "status pages", operation_id = "update_component",
    params(("id" = StatusPageId, Path, description = "The page"), ("component_id" = ComponentId, Path, description = "The component")),
    request_body = ComponentDraft,
    responses((status = 200, description = "The page with the component changed", body = PageView)))]
pub(crate) async fn change_component(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    ComponentPath(component): ComponentPath,
    JsonBody(draft): JsonBody<ComponentDraft>,
) -> Result<Json<PageView>, ApiError> {
    let cmd = PutComponent { actor: caller.clone(), page_id: id, component_id: Some(component), draft };
    let (page, _) = put_component(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(views::page(&deps, &page)))
}

/// Remove a component (a group with its members) from a page.
#[utoipa::path(delete, path = "/status-pages/{id}/components/{component_id}", tag = "status pages", operation_id = "remove_component",
    params(("id" = StatusPageId, Path, description = "The page"), ("component_id" = ComponentId, Path, description = "The component")),
    responses((status = 200, description = "The page without it", body = PageView)))]
pub(crate) async fn drop_component(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    ComponentPath(component): ComponentPath,
) -> Result<Json<PageView>, ApiError> {
    let cmd = RemoveComponent { actor: caller.clone(), page_id: id, component_id: component };
    Ok(Json(views::page(&deps, &remove_component(&deps, cmd, SystemClock::now()).await?)))
}

/// Post an internal incident on a status page in one action, touching the components its
/// monitor or task feeds and never naming them; a second publication answers the same post.
#[utoipa::path(post, path = "/incidents/{id}/publish", tag = "status pages", operation_id = "publish_incident",
    params(("id" = IncidentId, Path, description = "The internal incident")),
    request_body = PublishRequest,
    responses((status = 201, description = "The public incident", body = IncidentView),
              (status = 200, description = "Published on this page already: that post", body = IncidentView)))]
pub(crate) async fn publish(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(incident): IncidentPath,
    JsonBody(request): JsonBody<PublishRequest>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let page_id: StatusPageId =
        request.page_id.parse().map_err(|_| ApiError::not_found(format!("no status page with id `{}`", request.page_id)))?;
    let cmd = PublishIncident {
        actor: caller.clone(),
        incident_id: incident,
        page_id,
        name: request.name,
        body: request.body,
        notify: request.notify.unwrap_or(true),
        follow: request.follow.unwrap_or(true),
    };
    let (public, new) = publish_incident(&deps, cmd, SystemClock::now()).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(views::incident(&public, None))))
}

/// Add a component or group to a page.
#[utoipa::path(post, path = "/status-pages/{id}/components", tag = "status pages", operation_id = "add_component",
    params(("id" = StatusPageId, Path, description = "The page")),
    request_body = ComponentDraft,
    responses((status = 201, description = "The page with the component; `component_id` names it", body = PageView)))]
pub(crate) async fn add_component(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    JsonBody(draft): JsonBody<ComponentDraft>,
) -> Result<(StatusCode, Json<PageView>), ApiError> {
    let cmd = PutComponent { actor: caller.clone(), page_id: id, component_id: None, draft };
    let (stored, component) = put_component(&deps, cmd, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(PageView { component_id: Some(component), ..views::page(&deps, &stored) })))
}

/// Post a public incident on a page, with its first update.
#[utoipa::path(post, path = "/status-pages/{id}/incidents", tag = "status pages", operation_id = "post_public_incident",
    params(("id" = StatusPageId, Path, description = "The page")),
    request_body = PublicIncidentDraft,
    responses((status = 201, description = "The incident, and how many subscribers are told", body = IncidentView)))]
pub(crate) async fn post(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    JsonBody(draft): JsonBody<PublicIncidentDraft>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let (posted, told) = post_incident(&deps, PostIncident { actor: caller.clone(), page_id: id, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(views::incident(&posted, Some(told)))))
}

/// A page's public incidents, newest first.
#[utoipa::path(get, path = "/status-pages/{id}/incidents", tag = "status pages", operation_id = "list_public_incidents",
    params(("id" = StatusPageId, Path, description = "The page"), PageQuery),
    responses((status = 200, description = "A page of incidents", body = Page<IncidentView>)))]
pub(crate) async fn incidents(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    StatusPagePath(id): StatusPagePath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<IncidentView>>, ApiError> {
    let listed = list_public_incidents(&deps, &caller, id, &crate::extract::page(&params)?).await?;
    Ok(Json(Page { items: listed.items.iter().map(|i| views::incident(i, None)).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}

/// Post an update of a public incident: investigating, identified, monitoring or resolved.
#[utoipa::path(post, path = "/public-incidents/{id}/updates", tag = "status pages", operation_id = "post_public_update",
    params(("id" = PublicIncidentId, Path, description = "The incident")),
    request_body = PublicUpdateDraft,
    responses((status = 201, description = "The incident, and how many subscribers are told", body = IncidentView),
              (status = 409, description = "The incident is resolved")))]
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    PublicIncidentPath(id): PublicIncidentPath,
    JsonBody(draft): JsonBody<PublicUpdateDraft>,
) -> Result<(StatusCode, Json<IncidentView>), ApiError> {
    let (posted, told) = post_update(&deps, PostUpdate { actor: caller.clone(), incident_id: id, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(views::incident(&posted, Some(told)))))
}

/// Make a badge of a monitor, task or component, addressed by a new unguessable token.
#[utoipa::path(post, path = "/badges", tag = "status pages", operation_id = "create_badge",
    request_body = BadgeDraft,
    responses((status = 201, description = "The badge with its URLs", body = BadgeView)))]
pub(crate) async fn create_badge_route(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<BadgeDraft>,
) -> Result<(StatusCode, Json<BadgeView>), ApiError> {
    let made = create_badge(&deps, CreateBadge { actor: caller.clone(), draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(views::badge(&deps, &made))))
}

/// The organisation's badges, oldest first.
#[utoipa::path(get, path = "/badges", tag = "status pages", operation_id = "list_badges",
    responses((status = 200, description = "The badges", body = Vec<BadgeView>)))]
pub(crate) async fn badges(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<Vec<BadgeView>>, ApiError> {
    Ok(Json(list_badges(&deps, &caller).await?.iter().map(|b| views::badge(&deps, b)).collect()))
}

/// Delete a badge: its token stops working.
#[utoipa::path(delete, path = "/badges/{id}", tag = "status pages", operation_id = "delete_badge",
    params(("id" = BadgeId, Path, description = "The badge")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn remove_badge(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    BadgePath(id): BadgePath,
) -> Result<StatusCode, ApiError> {
    delete_badge(&deps, &caller, id, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
