use crate::extract::{Caller, CheckPath, MonitorPath, QueryParams};
use crate::problem::ApiError;
use crate::views;
use axum::Json;
use axum::extract::State;
use vigil_api::{Check, CheckDetail, Page, PageQuery, TriggeredCheck};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::checks::{GetCheck, ListChecks, TriggerCheck, get_check, list_checks, trigger_check};
use vigil_domain::ids::{CheckId, MonitorId};

/// Check a monitor now, and answer the check and the status it left.
#[utoipa::path(post, path = "/monitors/{id}/check", tag = "checks", operation_id = "check_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 200, description = "The check", body = TriggeredCheck)))]
pub(crate) async fn trigger(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
) -> Result<Json<TriggeredCheck>, ApiError> {
    let run = trigger_check(&deps, TriggerCheck { actor: caller.clone(), monitor_id: id }, SystemClock::now()).await?;
    Ok(Json(TriggeredCheck { check: views::check(&run.result), status: run.health.status, status_since: run.health.since }))
}

/// A monitor's checks, newest first.
#[utoipa::path(get, path = "/monitors/{id}/checks", tag = "checks", operation_id = "list_checks",
    params(("id" = MonitorId, Path, description = "The monitor"), PageQuery),
    responses((status = 200, description = "A page of checks", body = Page<Check>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<Check>>, ApiError> {
    let cmd = ListChecks { actor: caller.clone(), monitor_id: id, page: crate::extract::page(&params)? };
    let page = list_checks(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(Page { items: page.items.iter().map(views::check).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

/// One check, with the response kept when it was a failure that changed the status.
#[utoipa::path(get, path = "/monitors/{id}/checks/{check_id}", tag = "checks", operation_id = "get_check",
    params(("id" = MonitorId, Path, description = "The monitor"), ("check_id" = CheckId, Path, description = "The check")),
    responses((status = 200, description = "The check", body = CheckDetail)))]
pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    CheckPath(check_id): CheckPath,
) -> Result<Json<CheckDetail>, ApiError> {
    let detail = get_check(&deps, GetCheck { actor: caller.clone(), monitor_id: id, check_id }, SystemClock::now()).await?;
    Ok(Json(views::check_detail(&detail.result, detail.artefact.as_ref())))
}
