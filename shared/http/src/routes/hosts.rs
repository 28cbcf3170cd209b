//! Hosts, their enrolment tokens, metrics and connection events.

use crate::extract::{Caller, EnrolmentPath, HostPath, JsonBody, QueryParams, page};
use crate::host_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use vigil_api::{ConnectionEvent, Enrolment, Host, LatestSample, MetricValue, NewEnrolment, Page, PageQuery, Series, SeriesQuery};
use vigil_app::hosts::{
    CreateEnrolment, SeriesQuery as Query, SeriesResolution, create_enrolment, get_host, host_metric_series, latest_sample,
    list_connections, list_enrolments, list_hosts, revoke_host, withdraw_enrolment,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::agent::metric::MetricKey;
use vigil_domain::agent::rollup::Resolution;
use vigil_domain::ids::{AgentId, EnrolmentId};

/// List hosts, oldest first, with their status and the rules firing on them.
#[utoipa::path(get, path = "/hosts", tag = "hosts", operation_id = "list_hosts",
    responses((status = 200, description = "Every host", body = Page<Host>)))]
pub(crate) async fn list(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Page<Host>>, ApiError> {
    let hosts = list_hosts(&deps, &actor).await?;
    Ok(Json(Page { items: hosts.iter().map(host_views::host).collect(), next_cursor: None }))
}

/// Read a host.
#[utoipa::path(get, path = "/hosts/{id}", tag = "hosts", operation_id = "get_host",
    params(("id" = AgentId, Path, description = "The host's agent")),
    responses((status = 200, description = "The host", body = Host)))]
pub(crate) async fn read(State(deps): State<Deps>, Caller(actor): Caller, HostPath(id): HostPath) -> Result<Json<Host>, ApiError> {
    Ok(Json(host_views::host(&get_host(&deps, &actor, id).await?)))
}

/// Revoke a host's credential (admins): its agent is disconnected and can no longer connect;
/// the incidents of its rules resolve. Its history stays.
#[utoipa::path(post, path = "/hosts/{id}/revoke", tag = "hosts", operation_id = "revoke_host",
    params(("id" = AgentId, Path, description = "The host's agent")),
    responses((status = 200, description = "The host, revoked", body = Host)))]
pub(crate) async fn revoke(
    State(deps): State<Deps>,
    links: Option<axum::Extension<crate::AgentLinks>>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
) -> Result<Json<Host>, ApiError> {
    let link = crate::AgentLinks::or_none(links);
    Ok(Json(host_views::host(&revoke_host(&deps, link.as_ref(), &actor, id, SystemClock::now()).await?)))
}

/// A host's latest sample: every metric it holds, and the sample whole.
#[utoipa::path(get, path = "/hosts/{id}/metrics", tag = "hosts", operation_id = "get_host_metrics",
    params(("id" = AgentId, Path, description = "The host's agent")),
    responses((status = 200, description = "The latest sample", body = LatestSample)))]
pub(crate) async fn metrics(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
) -> Result<Json<LatestSample>, ApiError> {
    let sample = latest_sample(&deps, &actor, id).await?;
    Ok(Json(LatestSample {
        at: sample.as_ref().map(|s| s.at),
        values: sample
            .as_ref()
            .map(|s| s.values().into_iter().map(|(k, v)| MetricValue { metric: k.to_string(), value: v }).collect())
            .unwrap_or_default(),
        sample: sample.as_ref().and_then(|s| serde_json::to_value(s).ok()),
    }))
}

fn time(name: &str, value: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    value
        .map(|v| v.parse().map_err(|_| ApiError::bad_request(format!("`{name}` must be an RFC 3339 time like 2026-03-01T10:00:00Z"))))
        .transpose()
}

/// One metric of a host over a time range: raw samples, or minute or hour rollups (count,
/// mean, min, max, last per bucket).
#[utoipa::path(get, path = "/hosts/{id}/metrics/series", tag = "hosts", operation_id = "get_host_series",
    params(("id" = AgentId, Path, description = "The host's agent"), SeriesQuery),
    responses((status = 200, description = "The series", body = Series)))]
pub(crate) async fn series(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
    QueryParams(params): QueryParams<SeriesQuery>,
) -> Result<Json<Series>, ApiError> {
    let metric = MetricKey::parse(params.metric.trim()).map_err(|e| ApiError::bad_request(format!("`metric`: {e}")))?;
    let to = time("to", params.to.as_deref())?.unwrap_or_else(SystemClock::now);
    let from = time("from", params.from.as_deref())?.unwrap_or(to - SignedDuration::from_hours(1));
    let resolution = match params.resolution.as_deref() {
        None => None,
        Some("raw") => Some(SeriesResolution::Raw),
        Some("minute") => Some(SeriesResolution::Rolled(Resolution::Minute)),
        Some("hour") => Some(SeriesResolution::Rolled(Resolution::Hour)),
        Some(other) => return Err(ApiError::bad_request(format!("`resolution` is raw, minute or hour, not `{other}`"))),
    };
    let series = host_metric_series(&deps, &actor, Query { agent: id, metric: metric.clone(), from, to, resolution }).await?;
    Ok(Json(host_views::series(&metric, &series)))
}

/// A host's connection events, newest first.
#[utoipa::path(get, path = "/hosts/{id}/connections", tag = "hosts", operation_id = "list_host_connections",
    params(("id" = AgentId, Path, description = "The host's agent"), PageQuery),
    responses((status = 200, description = "A page of connection events", body = Page<ConnectionEvent>)))]
pub(crate) async fn connections(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    HostPath(id): HostPath,
    QueryParams(params): QueryParams<PageQuery>,
) -> Result<Json<Page<ConnectionEvent>>, ApiError> {
    let listed = list_connections(&deps, &actor, id, page(&params)?).await?;
    Ok(Json(Page { items: listed.items.iter().map(host_views::connection).collect(), next_cursor: listed.next_cursor.map(|c| c.0) }))
}

/// Make a one-time enrolment token for a new host (admins); the token is in this answer only.
#[utoipa::path(post, path = "/enrolments", tag = "hosts", operation_id = "create_enrolment",
    request_body = NewEnrolment,
    responses((status = 201, description = "The enrolment, with its token", body = Enrolment)))]
pub(crate) async fn enrol(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<NewEnrolment>,
) -> Result<(StatusCode, Json<Enrolment>), ApiError> {
    let cmd = CreateEnrolment {
        name: body.name,
        tags: body.tags,
        silent_after_seconds: body.silent_after_seconds,
        lifetime_seconds: body.lifetime_seconds,
    };
    let (enrolment, token) = create_enrolment(&deps, &actor, cmd, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(host_views::enrolment(&enrolment, Some(token.expose())))))
}

/// List the enrolments waiting for their agent (admins).
#[utoipa::path(get, path = "/enrolments", tag = "hosts", operation_id = "list_enrolments",
    responses((status = 200, description = "Every pending enrolment", body = Page<Enrolment>)))]
pub(crate) async fn enrolments(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Page<Enrolment>>, ApiError> {
    let pending = list_enrolments(&deps, &actor).await?;
    Ok(Json(Page { items: pending.iter().map(|e| host_views::enrolment(e, None)).collect(), next_cursor: None }))
}

/// Withdraw an enrolment: its token enrols nothing any more (admins).
#[utoipa::path(delete, path = "/enrolments/{id}", tag = "hosts", operation_id = "withdraw_enrolment",
    params(("id" = EnrolmentId, Path, description = "The enrolment")),
    responses((status = 204, description = "Withdrawn")))]
pub(crate) async fn withdraw(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    EnrolmentPath(id): EnrolmentPath,
) -> Result<StatusCode, ApiError> {
    withdraw_enrolment(&deps, &actor, id, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
