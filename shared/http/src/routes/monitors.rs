use crate::extract::{Caller, JsonBody, MonitorPath, QueryParams, page_request, parse_json};
use crate::problem::ApiError;
use crate::views;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigil_api::{Monitor, MonitorQuery, Page, Problem};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::monitors::{
    CreateMonitor, DeleteMonitor, GetMonitor, ListMonitors, PauseMonitor, ResumeMonitor, UpdateMonitor, create_monitor, delete_monitor,
    get_monitor, list_monitors, pause_monitor, resume_monitor, update_monitor,
};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{MonitorDraft, MonitorRecord, MonitorStatus};
use vigil_domain::ports::MonitorQuery as StoreQuery;

fn with_etag(record: &MonitorRecord, status: StatusCode, body: Monitor) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", record.monitor.revision)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/v1/monitors/{}", record.monitor.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Create a monitor.
///
/// It is checked at once, then every `interval_seconds` at its own phase in the interval.
/// Absent fields take their defaults (GET, 10 s timeout, 60 s interval, 2xx expected, two
/// failures before Down, one success before Up again).
#[utoipa::path(post, path = "/monitors", tag = "monitors", operation_id = "create_monitor",
    request_body = MonitorDraft,
    responses((status = 201, description = "The monitor created", body = Monitor,
        headers(("ETag" = String, description = "Its revision, quoted"), ("Location" = String, description = "Its URL")))))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<MonitorDraft>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let record = create_monitor(&deps, CreateMonitor { actor: caller.clone(), draft }, now).await?;
    Ok(with_etag(&record, StatusCode::CREATED, views::monitor(&record, None, now)))
}

/// List monitors, oldest first.
#[utoipa::path(get, path = "/monitors", tag = "monitors", operation_id = "list_monitors",
    params(MonitorQuery),
    responses((status = 200, description = "A page of monitors", body = Page<Monitor>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<MonitorQuery>,
) -> Result<Json<Page<Monitor>>, ApiError> {
    let status = params
        .status
        .as_deref()
        .map(|s| MonitorStatus::parse(s).ok_or_else(|| ApiError::bad_request(format!("unknown status `{s}`"))))
        .transpose()?;
    let page = page_request(params.cursor.as_deref(), params.limit)?;
    let query = StoreQuery { tag: params.tag, status, page };
    let now = SystemClock::now();
    let page = list_monitors(&deps, ListMonitors { actor: caller.clone(), query }, now).await?;
    Ok(Json(Page {
        items: page.items.iter().map(|record| views::monitor(record, None, now)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}

/// Read a monitor: its status, since when, and its latest check.
#[utoipa::path(get, path = "/monitors/{id}", tag = "monitors", operation_id = "get_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 200, description = "The monitor", body = Monitor,
        headers(("ETag" = String, description = "Its revision, quoted")))))]
pub(crate) async fn read(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let view = get_monitor(&deps, GetMonitor { actor: caller.clone(), monitor_id: id }, now).await?;
    Ok(with_etag(&view.record, StatusCode::OK, views::monitor(&view.record, view.last_check.as_ref(), now)))
}

/// `If-Match: "<revision>"`, if sent.
fn expected_revision(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| ApiError::bad_request("If-Match must be the ETag of the monitor, like \"3\""))
}

/// Change some fields of a monitor; absent fields keep their value, `"body": null` removes
/// the body and `"managed": null` detaches it from its file.
#[utoipa::path(patch, path = "/monitors/{id}", tag = "monitors", operation_id = "update_monitor",
    params(("id" = MonitorId, Path, description = "The monitor"),
        ("If-Match" = Option<String>, Header, description = "The ETag read: refuse the change if the monitor changed since")),
    request_body = MonitorDraft,
    responses((status = 200, description = "The monitor changed", body = Monitor,
            headers(("ETag" = String, description = "Its new revision, quoted"))),
        (status = 412, description = "The monitor changed since the ETag given", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    MonitorPath(id): MonitorPath,
    headers: HeaderMap,
    JsonBody(raw): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    // `"body": null` removes the body, which a plain optional field cannot tell from absence.
    let clear_body = raw.get("body").is_some_and(serde_json::Value::is_null);
    let patch: MonitorDraft = parse_json(raw.to_string().as_bytes())?;
    let cmd = UpdateMonitor { actor: caller.clone(), monitor_id: id, patch, clear_body, expected_revision: expected_revision(&headers)? };
    let now = SystemClock::now();
    let record = update_monitor(&deps, cmd, now).await?;
    Ok(with_etag(&record, StatusCode::OK, views::monitor(&record, None, now)))
}

/// Delete a monitor and its history; an ongoing incident of it is resolved.
#[utoipa::path(delete, path = "/monitors/{id}", tag = "monitors", operation_id = "delete_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<StatusCode, ApiError> {
    delete_monitor(&deps, DeleteMonitor { actor: caller.clone(), monitor_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop checking a monitor (its status becomes Paused; an ongoing incident is resolved).
#[utoipa::path(post, path = "/monitors/{id}/pause", tag = "monitors", operation_id = "pause_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 200, description = "The monitor, paused", body = Monitor)))]
pub(crate) async fn pause(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let record = pause_monitor(&deps, PauseMonitor { actor: caller.clone(), monitor_id: id }, now).await?;
    Ok(with_etag(&record, StatusCode::OK, views::monitor(&record, None, now)))
}

/// Check a paused monitor again (its status becomes Pending until the next check).
#[utoipa::path(post, path = "/monitors/{id}/resume", tag = "monitors", operation_id = "resume_monitor",
    params(("id" = MonitorId, Path, description = "The monitor")),
    responses((status = 200, description = "The monitor, resumed", body = Monitor)))]
pub(crate) async fn resume(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let record = resume_monitor(&deps, ResumeMonitor { actor: caller.clone(), monitor_id: id }, now).await?;
    Ok(with_etag(&record, StatusCode::OK, views::monitor(&record, None, now)))
}
