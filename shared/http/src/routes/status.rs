use crate::extract::{Caller, MonitorPath, QueryParams};
use crate::problem::ApiError;
use crate::views;
use axum::Json;
use axum::extract::State;
use vigil_api::{Page, PageQuery, Summary, Transition, Uptime};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::status::{ListTransitions, MonitorUptime, TenantSummary, list_transitions, monitor_uptime, tenant_summary};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::MonitorStatus;

/// A monitor's uptime and latency over the last 24 hours, 7 days and 30 days.
#[utoipa::path(get, path = "/monitors/{id}/uptime", tag = "checks", operation_id = "get_uptime",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 200, description = "Uptime by window", body = Uptime)))]
pub(crate) async fn uptime(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
) -> Result<Json<Uptime>, ApiError> {
    let windows = monitor_uptime(&deps, MonitorUptime { actor: caller.clone(), monitor_id: id }, SystemClock::now()).await?;
    Ok(Json(Uptime { monitor_id: id, windows }))
}

/// A monitor's status changes, newest first.
#[utoipa::path(get, path = "/monitors/{id}/transitions", tag = "checks", operation_id = "list_transitions",
    params(("id" = MonitorId, Path, description = "The monitor"), PageQuery),
    responses((status = 200, description = "A page of status changes", body = Page<Transition>)))]
pub(crate) async fn transitions(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Transition>>, ApiError> {
    let cmd = ListTransitions { actor: caller.clone(), monitor_id: id, page: crate::extract::page(&params)? };
    let page = list_transitions(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page { items: page.items.into_iter().map(views::transition).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

/// Monitors counted by status.
#[utoipa::path(get, path = "/summary", tag = "monitors", operation_id = "get_summary",
    responses((status = 200, description = "Counts by status", body = Summary)))]
pub(crate) async fn summary(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<Summary>, ApiError> {
    let view = tenant_summary(&deps, TenantSummary { actor: caller.clone() }, SystemClock::now()).await?;
    let by_status = view.by_status.into_iter().filter_map(|(name, count)| MonitorStatus::parse(name).map(|s| (s, count))).collect();
    Ok(Json(Summary { total: view.total, by_status }))
}
