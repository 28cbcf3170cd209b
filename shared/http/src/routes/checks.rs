use crate::extract::{Caller, CheckPath, MonitorPath, PageParams, QueryParams};
use crate::problem::ApiError;
use crate::views::{CheckBody, CheckDetailBody, PageBody};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Serialize;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::checks::{GetCheck, ListChecks, TriggerCheck, get_check, list_checks, trigger_check};

#[derive(Serialize)]
pub(crate) struct TriggeredBody {
    check: CheckBody,
    status: &'static str,
    status_since: Timestamp,
}

pub(crate) async fn trigger(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
) -> Result<Json<TriggeredBody>, ApiError> {
    let run = trigger_check(&deps, TriggerCheck { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(Json(TriggeredBody { check: CheckBody::new(&run.result), status: run.health.status.as_str(), status_since: run.health.since }))
}

pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<CheckBody>>, ApiError> {
    let cmd = ListChecks { tenant_id: caller.tenant_id, monitor_id: id, page: params.page()? };
    let page = list_checks(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.iter().map(CheckBody::new).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    CheckPath(check_id): CheckPath,
) -> Result<Json<CheckDetailBody>, ApiError> {
    let detail = get_check(&deps, GetCheck { tenant_id: caller.tenant_id, monitor_id: id, check_id }, SystemClock::now()).await?;
    Ok(Json(CheckDetailBody::new(&detail.result, detail.artefact.as_ref())))
}
