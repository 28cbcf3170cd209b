use crate::extract::{Caller, MonitorPath, PageParams, QueryParams};
use crate::problem::ApiError;
use crate::views::{PageBody, TransitionBody};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::status::{
    ListTransitions, MonitorUptime, TenantSummary, TenantSummaryView, list_transitions, monitor_uptime, tenant_summary,
};

pub(crate) async fn uptime(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
) -> Result<Json<Value>, ApiError> {
    let summaries = monitor_uptime(&deps, MonitorUptime { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(Json(json!({ "monitor_id": id.to_string(), "windows": summaries })))
}

pub(crate) async fn transitions(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<PageBody<TransitionBody>>, ApiError> {
    let cmd = ListTransitions { tenant_id: caller.tenant_id, monitor_id: id, page: params.page()? };
    let page = list_transitions(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.into_iter().map(TransitionBody::new).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

pub(crate) async fn summary(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<TenantSummaryView>, ApiError> {
    Ok(Json(tenant_summary(&deps, TenantSummary { tenant_id: caller.tenant_id }, SystemClock::now()).await?))
}
