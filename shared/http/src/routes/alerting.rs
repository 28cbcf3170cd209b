use crate::extract::{Caller, JsonBody, MonitorPath, RulePath, WindowPath};
use crate::incident_views::{rule_body, window_body};
use crate::problem::ApiError;
use crate::views::PageBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{
    CreateRule, CreateWindow, DeleteRule, DeleteWindow, ListRules, ListWindows, MuteMonitor, UnmuteMonitor, create_rule, create_window,
    delete_rule, delete_window, list_rules, list_windows, mute_monitor, unmute_monitor,
};
use vigil_domain::notify::{AlertRuleDraft, MaintenanceDraft};

pub(crate) async fn create_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<AlertRuleDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let rule = create_rule(&deps, CreateRule { tenant_id: caller.tenant_id, replaces: None, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(rule_body(&rule))))
}

pub(crate) async fn replace_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    RulePath(id): RulePath,
    JsonBody(draft): JsonBody<AlertRuleDraft>,
) -> Result<Json<Value>, ApiError> {
    let rule = create_rule(&deps, CreateRule { tenant_id: caller.tenant_id, replaces: Some(id), draft }, SystemClock::now()).await?;
    Ok(Json(rule_body(&rule)))
}

pub(crate) async fn list_alert_rules(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<PageBody<Value>>, ApiError> {
    let rules = list_rules(&deps, ListRules { tenant_id: caller.tenant_id }, SystemClock::now()).await?;
    Ok(Json(PageBody { items: rules.iter().map(rule_body).collect(), next_cursor: None }))
}

pub(crate) async fn delete_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    RulePath(id): RulePath,
) -> Result<StatusCode, ApiError> {
    delete_rule(&deps, DeleteRule { tenant_id: caller.tenant_id, rule_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn create_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<MaintenanceDraft>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let now = SystemClock::now();
    let window = create_window(&deps, CreateWindow { tenant_id: caller.tenant_id, draft }, now).await?;
    let active = window.schedule.is_active(now);
    Ok((StatusCode::CREATED, Json(window_body(&window, active))))
}

pub(crate) async fn list_maintenance_windows(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<PageBody<Value>>, ApiError> {
    let windows = list_windows(&deps, ListWindows { tenant_id: caller.tenant_id }, SystemClock::now()).await?;
    Ok(Json(PageBody { items: windows.iter().map(|(w, active)| window_body(w, *active)).collect(), next_cursor: None }))
}

pub(crate) async fn delete_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    WindowPath(id): WindowPath,
) -> Result<StatusCode, ApiError> {
    delete_window(&deps, DeleteWindow { tenant_id: caller.tenant_id, window_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MuteBody {
    until: Option<Timestamp>,
}

pub(crate) async fn mute(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    body: Option<JsonBody<MuteBody>>,
) -> Result<Json<Value>, ApiError> {
    let until = body.and_then(|JsonBody(b)| b.until);
    let mute = mute_monitor(&deps, MuteMonitor { tenant_id: caller.tenant_id, monitor_id: id, until }, SystemClock::now()).await?;
    Ok(Json(json!({"monitor_id": id, "muted": true, "until": mute.until, "since": mute.created_at})))
}

pub(crate) async fn unmute(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<StatusCode, ApiError> {
    unmute_monitor(&deps, UnmuteMonitor { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
