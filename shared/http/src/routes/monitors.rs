use crate::extract::{Caller, JsonBody, MonitorPath, QueryParams, page_request, parse_json};
use crate::problem::ApiError;
use crate::views::{MonitorBody, PageBody};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::monitors::{
    CreateMonitor, DeleteMonitor, GetMonitor, ListMonitors, PauseMonitor, ResumeMonitor, UpdateMonitor, create_monitor, delete_monitor,
    get_monitor, list_monitors, pause_monitor, resume_monitor, update_monitor,
};
use vigil_domain::monitor::{MonitorDraft, MonitorRecord, MonitorStatus};
use vigil_domain::ports::MonitorQuery;

fn with_etag(record: &MonitorRecord, status: StatusCode, body: MonitorBody) -> Response {
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

pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    JsonBody(draft): JsonBody<MonitorDraft>,
) -> Result<Response, ApiError> {
    let record = create_monitor(&deps, CreateMonitor { tenant_id: caller.tenant_id, draft }, SystemClock::now()).await?;
    Ok(with_etag(&record, StatusCode::CREATED, MonitorBody::new(&record, None)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    tag: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<PageBody<MonitorBody>>, ApiError> {
    let status = params
        .status
        .as_deref()
        .map(|s| MonitorStatus::parse(s).ok_or_else(|| ApiError::bad_request(format!("unknown status `{s}`"))))
        .transpose()?;
    let page = page_request(params.cursor.as_deref(), params.limit)?;
    let query = MonitorQuery { tag: params.tag, status, page };
    let page = list_monitors(&deps, ListMonitors { tenant_id: caller.tenant_id, query }, SystemClock::now()).await?;
    Ok(Json(PageBody {
        items: page.items.iter().map(|record| MonitorBody::new(record, None)).collect(),
        next_cursor: page.next_cursor.map(|c| c.0),
    }))
}

pub(crate) async fn read(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let view = get_monitor(&deps, GetMonitor { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(with_etag(&view.record, StatusCode::OK, MonitorBody::new(&view.record, view.last_check.as_ref())))
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
    let cmd =
        UpdateMonitor { tenant_id: caller.tenant_id, monitor_id: id, patch, clear_body, expected_revision: expected_revision(&headers)? };
    let record = update_monitor(&deps, cmd, SystemClock::now()).await?;
    Ok(with_etag(&record, StatusCode::OK, MonitorBody::new(&record, None)))
}

pub(crate) async fn delete(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<StatusCode, ApiError> {
    delete_monitor(&deps, DeleteMonitor { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn pause(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let record = pause_monitor(&deps, PauseMonitor { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(with_etag(&record, StatusCode::OK, MonitorBody::new(&record, None)))
}

pub(crate) async fn resume(State(deps): State<Deps>, Caller(caller): Caller, MonitorPath(id): MonitorPath) -> Result<Response, ApiError> {
    let record = resume_monitor(&deps, ResumeMonitor { tenant_id: caller.tenant_id, monitor_id: id }, SystemClock::now()).await?;
    Ok(with_etag(&record, StatusCode::OK, MonitorBody::new(&record, None)))
}
