use crate::extract::{Caller, IncidentPath, JsonBody, QueryParams, page_request};
use crate::incident_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use vigil_api::{ActRequest, CommentRequest, Incident, IncidentDetail, IncidentQuery, Page, Problem};
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::incidents::{
    AcknowledgeIncident, CommentOnIncident, GetIncident, ListIncidents, ResolveIncident, acknowledge_incident, comment_on_incident,
    get_incident, list_incidents, resolve_incident,
};
use vigil_domain::access::Actor;
use vigil_domain::ids::{IncidentId, MonitorId, TaskId};
use vigil_domain::incident::{IncidentStatus, IncidentSubject, TimelineEntry};
use vigil_domain::ports::IncidentQuery as StoreQuery;

fn time(name: &str, value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    value
        .map(|v| v.parse().map_err(|_| ApiError::bad_request(format!("`{name}` must be an RFC 3339 time like 2026-03-01T10:00:00Z"))))
        .transpose()
}

/// List incidents, newest first.
#[utoipa::path(get, path = "/incidents", tag = "incidents", operation_id = "list_incidents",
    params(IncidentQuery),
    responses((status = 200, description = "A page of incidents", body = Page<Incident>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<IncidentQuery>,
) -> Result<Json<Page<Incident>>, ApiError> {
    let status = params
        .status
        .as_deref()
        .map(|s| {
            IncidentStatus::parse(s).ok_or_else(|| ApiError::bad_request(format!("unknown status `{s}`: open, acknowledged or resolved")))
        })
        .transpose()?;
    let subject = match (params.monitor_id.as_deref(), params.task_id.as_deref()) {
        (Some(_), Some(_)) => return Err(ApiError::bad_request("give monitor_id or task_id, not both")),
        (Some(id), None) => {
            Some(IncidentSubject::Monitor(id.parse::<MonitorId>().map_err(|_| ApiError::bad_request("`monitor_id` must be a monitor id"))?))
        }
        (None, Some(id)) => {
            Some(IncidentSubject::Task(id.parse::<TaskId>().map_err(|_| ApiError::bad_request("`task_id` must be a task id"))?))
        }
        (None, None) => None,
    };
    let query = StoreQuery {
        status,
        subject,
        opened_from: time("from", params.from.as_deref())?,
        opened_before: time("to", params.to.as_deref())?,
        page: page_request(params.cursor.as_deref(), params.limit)?,
    };
    let page = list_incidents(&deps, ListIncidents { actor: caller.clone(), query }, SystemClock::now()).await?;
    Ok(Json(Page { items: page.items.iter().map(incident_views::incident).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

/// Read an incident with its timeline and the messages sent about it.
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", operation_id = "get_incident",
    params(("id" = IncidentId, Path, description = "The incident")),
    responses((status = 200, description = "The incident", body = IncidentDetail)))]
pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
) -> Result<Json<IncidentDetail>, ApiError> {
    let detail = get_incident(&deps, GetIncident { actor: caller.clone(), incident_id: id }, SystemClock::now()).await?;
    Ok(Json(incident_views::incident_detail(&detail)))
}

/// Who acts: the `by` the client gave, or the caller as the audit log names them.
fn actor(given: Option<String>, caller: &Actor) -> Result<String, ApiError> {
    match given.map(|b| b.trim().to_owned()) {
        Some(by) if by.is_empty() || by.chars().count() > 200 => Err(ApiError::bad_request("`by` must be 1 to 200 characters")),
        Some(by) => Ok(by),
        None => Ok(caller.label.clone()),
    }
}

/// Acknowledge an incident: someone is on it, so escalation stops. The body is optional.
#[utoipa::path(post, path = "/incidents/{id}/acknowledge", tag = "incidents", operation_id = "acknowledge_incident",
    params(("id" = IncidentId, Path, description = "The incident")),
    request_body(content = Option<ActRequest>, description = "Who (the API key when absent); `note` belongs to resolve"),
    responses((status = 200, description = "The incident", body = Incident), (status = 409, description = "Refused in the current state", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn acknowledge(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    body: Option<JsonBody<ActRequest>>,
) -> Result<Json<Incident>, ApiError> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    if body.note.is_some() {
        return Err(ApiError::bad_request("`note` belongs to resolve; add a comment instead"));
    }
    let cmd = AcknowledgeIncident { actor: caller.clone(), incident_id: id, by: actor(body.by, &caller)? };
    let incident = acknowledge_incident(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(incident_views::incident(&incident)))
}

/// Resolve an incident by hand; refused (409) while its subject is still down, since nothing
/// would alert about the rest of the outage. The body is optional.
#[utoipa::path(post, path = "/incidents/{id}/resolve", tag = "incidents", operation_id = "resolve_incident",
    params(("id" = IncidentId, Path, description = "The incident")),
    request_body(content = Option<ActRequest>, description = "Who (the API key when absent) and why"),
    responses((status = 200, description = "The incident", body = Incident), (status = 409, description = "Refused in the current state", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn resolve(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    body: Option<JsonBody<ActRequest>>,
) -> Result<Json<Incident>, ApiError> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    let cmd = ResolveIncident { actor: caller.clone(), incident_id: id, by: actor(body.by, &caller)?, note: body.note };
    let incident = resolve_incident(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(incident_views::incident(&incident)))
}

/// Comment on an incident; the comment joins its timeline.
#[utoipa::path(post, path = "/incidents/{id}/comments", tag = "incidents", operation_id = "comment_on_incident",
    params(("id" = IncidentId, Path, description = "The incident")),
    request_body = CommentRequest,
    responses((status = 201, description = "The timeline entry", body = TimelineEntry)))]
pub(crate) async fn comment(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    JsonBody(body): JsonBody<CommentRequest>,
) -> Result<(axum::http::StatusCode, Json<TimelineEntry>), ApiError> {
    let cmd = CommentOnIncident { actor: caller.clone(), incident_id: id, by: actor(body.by, &caller)?, text: body.text };
    let entry = comment_on_incident(&deps, cmd, SystemClock::now()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(entry)))
}
