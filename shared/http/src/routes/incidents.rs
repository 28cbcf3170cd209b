use crate::extract::{Caller, IncidentPath, JsonBody, QueryParams, page_request};
use crate::incident_views::{IncidentBody, IncidentDetailBody};
use crate::problem::ApiError;
use crate::views::PageBody;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Deserialize;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::incidents::{
    AcknowledgeIncident, CommentOnIncident, GetIncident, ListIncidents, ResolveIncident, acknowledge_incident, comment_on_incident,
    get_incident, list_incidents, resolve_incident,
};
use vigil_domain::access::Actor;
use vigil_domain::ids::{MonitorId, TaskId};
use vigil_domain::incident::{IncidentStatus, IncidentSubject, TimelineEntry};
use vigil_domain::ports::IncidentQuery;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    status: Option<String>,
    monitor_id: Option<String>,
    task_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

fn time(name: &str, value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    value
        .map(|v| v.parse().map_err(|_| ApiError::bad_request(format!("`{name}` must be an RFC 3339 time like 2026-03-01T10:00:00Z"))))
        .transpose()
}

pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<PageBody<IncidentBody>>, ApiError> {
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
    let query = IncidentQuery {
        status,
        subject,
        opened_from: time("from", params.from.as_deref())?,
        opened_before: time("to", params.to.as_deref())?,
        page: page_request(params.cursor.as_deref(), params.limit)?,
    };
    let page = list_incidents(&deps, ListIncidents { tenant_id: caller.tenant_id, query }, SystemClock::now()).await?;
    Ok(Json(PageBody { items: page.items.iter().map(IncidentBody::new).collect(), next_cursor: page.next_cursor.map(|c| c.0) }))
}

pub(crate) async fn read(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
) -> Result<Json<IncidentDetailBody>, ApiError> {
    let detail = get_incident(&deps, GetIncident { tenant_id: caller.tenant_id, incident_id: id }, SystemClock::now()).await?;
    Ok(Json(IncidentDetailBody::new(&detail)))
}

/// Who acts: the `by` the client gave, or the caller as the audit log names them.
fn actor(given: Option<String>, caller: &Actor) -> Result<String, ApiError> {
    match given.map(|b| b.trim().to_owned()) {
        Some(by) if by.is_empty() || by.chars().count() > 200 => Err(ApiError::bad_request("`by` must be 1 to 200 characters")),
        Some(by) => Ok(by),
        None => Ok(caller.label.clone()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActBody {
    by: Option<String>,
    note: Option<String>,
}

pub(crate) async fn acknowledge(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    body: Option<JsonBody<ActBody>>,
) -> Result<Json<IncidentBody>, ApiError> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    if body.note.is_some() {
        return Err(ApiError::bad_request("`note` belongs to resolve; add a comment instead"));
    }
    let cmd = AcknowledgeIncident { tenant_id: caller.tenant_id, incident_id: id, by: actor(body.by, &caller)? };
    let incident = acknowledge_incident(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(IncidentBody::new(&incident)))
}

pub(crate) async fn resolve(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    body: Option<JsonBody<ActBody>>,
) -> Result<Json<IncidentBody>, ApiError> {
    let body = body.map(|JsonBody(b)| b).unwrap_or_default();
    let cmd = ResolveIncident { tenant_id: caller.tenant_id, incident_id: id, by: actor(body.by, &caller)?, note: body.note };
    let incident = resolve_incident(&deps, cmd, SystemClock::now()).await?;
    Ok(Json(IncidentBody::new(&incident)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentBody {
    text: String,
    by: Option<String>,
}

pub(crate) async fn comment(
    State(deps): State<Deps>,
    Caller(caller): Caller,
    IncidentPath(id): IncidentPath,
    JsonBody(body): JsonBody<CommentBody>,
) -> Result<(axum::http::StatusCode, Json<TimelineEntry>), ApiError> {
    let cmd = CommentOnIncident { tenant_id: caller.tenant_id, incident_id: id, by: actor(body.by, &caller)?, text: body.text };
    let entry = comment_on_incident(&deps, cmd, SystemClock::now()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(entry)))
}
