use crate::extract::{Caller, JsonBody, MonitorPath, RulePath, WindowPath};
use crate::incident_views::{rule, window};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{AlertRule, MaintenanceWindow, MuteRequest, MuteState, Page};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::notifications::{
    CreateRule, CreateWindow, DeleteRule, DeleteWindow, GetRule, GetWindow, ListRules, ListWindows, MuteMonitor, ReplaceWindow,
    UnmuteMonitor, create_rule, create_window, delete_rule, delete_window, get_rule, get_window, list_rules, list_windows, mute_monitor,
    replace_window, unmute_monitor,
};
use vigil_domain::ids::{AlertRuleId, MaintenanceWindowId, MonitorId};
use vigil_domain::notify::{AlertRuleDraft, MaintenanceDraft};

/// Create an alert rule: which monitors and tasks notify which channels, on which transitions,
/// and how to escalate while nobody acknowledges.
#[utoipa::path(post, path = "/alert-rules", tag = "alerting", operation_id = "create_alert_rule",
    request_body = AlertRuleDraft,
    responses((status = 201, description = "The rule created", body = AlertRule)))]
pub(crate) async fn create_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<AlertRuleDraft>,
) -> Result<(StatusCode, Json<AlertRule>), ApiError> {
    let created = create_rule(&deps, CreateRule { actor: caller.clone(), replaces: None, draft }, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(rule(&created))))
}

/// Replace an alert rule, keeping its id; timers already running keep their schedule.
#[utoipa::path(put, path = "/alert-rules/{id}", tag = "alerting", operation_id = "replace_alert_rule",
    params(("id" = AlertRuleId, Path, description = "The rule")),
    request_body = AlertRuleDraft,
    responses((status = 200, description = "The rule", body = AlertRule)))]
pub(crate) async fn replace_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    RulePath(id): RulePath,
    JsonBody(draft): JsonBody<AlertRuleDraft>,
) -> Result<Json<AlertRule>, ApiError> {
    let replaced = create_rule(&deps, CreateRule { actor: caller.clone(), replaces: Some(id), draft }, SystemClock::now()).await?;
    Ok(Json(rule(&replaced)))
}

/// Every alert rule, oldest first (one page).
#[utoipa::path(get, path = "/alert-rules", tag = "alerting", operation_id = "list_alert_rules",
    responses((status = 200, description = "Every rule", body = Page<AlertRule>)))]
pub(crate) async fn list_alert_rules(State(deps): State<Deps>, Caller(caller): Caller) -> Result<Json<Page<AlertRule>>, ApiError> {
    let rules = list_rules(&deps, ListRules { actor: caller.clone() }, SystemClock::now()).await?;
    Ok(Json(Page { items: rules.iter().map(rule).collect(), next_cursor: None }))
}

/// Read an alert rule.
#[utoipa::path(get, path = "/alert-rules/{id}", tag = "alerting", operation_id = "get_alert_rule",
    params(("id" = AlertRuleId, Path, description = "The rule")),
    responses((status = 200, description = "The rule", body = AlertRule)))]
pub(crate) async fn get_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    RulePath(id): RulePath,
) -> Result<Json<AlertRule>, ApiError> {
    let found = get_rule(&deps, GetRule { actor: caller.clone(), rule_id: id }, SystemClock::now()).await?;
    Ok(Json(rule(&found)))
}

/// Delete an alert rule.
#[utoipa::path(delete, path = "/alert-rules/{id}", tag = "alerting", operation_id = "delete_alert_rule",
    params(("id" = AlertRuleId, Path, description = "The rule")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete_alert_rule(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    RulePath(id): RulePath,
) -> Result<StatusCode, ApiError> {
    delete_rule(&deps, DeleteRule { actor: caller.clone(), rule_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create a maintenance window (one-off, or recurring in a time zone): while it is active,
/// incidents of what it selects notify nobody.
#[utoipa::path(post, path = "/maintenance-windows", tag = "alerting", operation_id = "create_maintenance_window",
    request_body = MaintenanceDraft,
    responses((status = 201, description = "The window created", body = MaintenanceWindow)))]
pub(crate) async fn create_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<MaintenanceDraft>,
) -> Result<(StatusCode, Json<MaintenanceWindow>), ApiError> {
    let now = SystemClock::now();
    let created = create_window(&deps, CreateWindow { actor: caller.clone(), draft }, now).await?;
    let active = created.schedule.is_active(now);
    Ok((StatusCode::CREATED, Json(window(&created, active))))
}

/// Every maintenance window, oldest first (one page), with whether it is active now.
#[utoipa::path(get, path = "/maintenance-windows", tag = "alerting", operation_id = "list_maintenance_windows",
    responses((status = 200, description = "Every window", body = Page<MaintenanceWindow>)))]
pub(crate) async fn list_maintenance_windows(
    State(deps): State<Deps>,
    Caller(caller): Caller,
) -> Result<Json<Page<MaintenanceWindow>>, ApiError> {
    let windows = list_windows(&deps, ListWindows { actor: caller.clone() }, SystemClock::now()).await?;
    Ok(Json(Page { items: windows.iter().map(|(w, active)| window(w, *active)).collect(), next_cursor: None }))
}

/// Read a maintenance window.
#[utoipa::path(get, path = "/maintenance-windows/{id}", tag = "alerting", operation_id = "get_maintenance_window",
    params(("id" = MaintenanceWindowId, Path, description = "The window")),
    responses((status = 200, description = "The window", body = MaintenanceWindow)))]
pub(crate) async fn get_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    WindowPath(id): WindowPath,
) -> Result<Json<MaintenanceWindow>, ApiError> {
    let (found, active) = get_window(&deps, GetWindow { actor: caller.clone(), window_id: id }, SystemClock::now()).await?;
    Ok(Json(window(&found, active)))
}

/// Replace a maintenance window, keeping its id.
#[utoipa::path(put, path = "/maintenance-windows/{id}", tag = "alerting", operation_id = "replace_maintenance_window",
    params(("id" = MaintenanceWindowId, Path, description = "The window")),
    request_body = MaintenanceDraft,
    responses((status = 200, description = "The window", body = MaintenanceWindow)))]
pub(crate) async fn replace_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    WindowPath(id): WindowPath,
    JsonBody(draft): JsonBody<MaintenanceDraft>,
) -> Result<Json<MaintenanceWindow>, ApiError> {
    let now = SystemClock::now();
    let replaced = replace_window(&deps, ReplaceWindow { actor: caller.clone(), window_id: id, draft }, now).await?;
    let active = replaced.schedule.is_active(now);
    Ok(Json(window(&replaced, active)))
}

/// Delete a maintenance window.
#[utoipa::path(delete, path = "/maintenance-windows/{id}", tag = "alerting", operation_id = "delete_maintenance_window",
    params(("id" = MaintenanceWindowId, Path, description = "The window")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete_maintenance_window(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    WindowPath(id): WindowPath,
) -> Result<StatusCode, ApiError> {
    delete_window(&deps, DeleteWindow { actor: caller.clone(), window_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mute a monitor: its incidents still open, but notify nobody, until `until` or until unmuted.
/// The body is optional.
#[utoipa::path(put, path = "/monitors/{id}/mute", tag = "alerting", operation_id = "mute_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    request_body(content = Option<MuteRequest>, description = "Until when; forever when absent"),
    responses((status = 200, description = "The mute", body = MuteState)))]
pub(crate) async fn mute(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    body: Option<JsonBody<MuteRequest>>,
) -> Result<Json<MuteState>, ApiError> {
    let until = body.and_then(|JsonBody(b)| b.until);
    let mute = mute_monitor(&deps, MuteMonitor { actor: caller.clone(), monitor_id: id, until }, SystemClock::now()).await?;
    Ok(Json(MuteState { monitor_id: id, muted: true, until: mute.until, since: mute.created_at }))
}

/// Unmute a monitor.
#[utoipa::path(delete, path = "/monitors/{id}/mute", tag = "alerting", operation_id = "unmute_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 204, description = "Unmuted")))]
pub(crate) async fn unmute(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<StatusCode, ApiError> {
    unmute_monitor(&deps, UnmuteMonitor { actor: caller.clone(), monitor_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
