//! Request extractors whose failures are problem responses with a useful message.

pub(crate) use crate::auth::Caller;

use crate::problem::ApiError;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use vigil_app::Deps;
use vigil_domain::ids::{CheckId, MonitorId, TaskId};
use vigil_domain::page::{Cursor, PageRequest};

/// A JSON body, deserialized with the path of the first error in the message.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Deps> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, deps: &Deps) -> Result<Self, ApiError> {
        let is_json =
            request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).is_some_and(
                |mime| {
                    let mime = mime.trim().to_ascii_lowercase();
                    mime == "application/json" || mime.ends_with("+json")
                },
            );
        if !is_json {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(request, deps).await.map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(_) => ApiError::payload_too_large(crate::MAX_REQUEST_BYTES),
            other => ApiError::bad_request(other.body_text()),
        })?;
        // serde reads a JSON array into a struct positionally, which would turn
        // `["x", "http://h"]` into a monitor; every body of this API is an object.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::bad_request("the body must be a JSON object"));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// An empty body is no body: `POST /v1/incidents/{id}/acknowledge` needs none.
impl<T: DeserializeOwned> axum::extract::OptionalFromRequest<Deps> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, deps: &Deps) -> Result<Option<Self>, ApiError> {
        let declared_empty = request.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v.as_bytes() == b"0");
        let has_type = request.headers().contains_key(header::CONTENT_TYPE);
        if declared_empty || !has_type {
            let bytes = Bytes::from_request(request, deps).await.map_err(|r| ApiError::bad_request(r.body_text()))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            return Err(ApiError::unsupported_media_type());
        }
        <JsonBody<T> as FromRequest<Deps>>::from_request(request, deps).await.map(Some)
    }
}

/// Parses JSON, naming the path and position of the first error.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let location = format!("line {} column {}", inner.line(), inner.column());
        if matches!(inner.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof) {
            return ApiError::bad_request(format!("the body is not valid JSON ({inner})"));
        }
        let field = vigil_api::shape::field_error(&path, &strip_position(&inner));
        let mut error = ApiError::bad_request(format!("field `{}` {} ({location})", field.field, field.message));
        error.0.errors = vec![field];
        error
    })?;
    deserializer.end().map_err(|e| ApiError::bad_request(format!("the body has trailing characters after the JSON value ({e})")))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the message gives the position separately.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

/// Query parameters, with a problem for bad ones.
pub(crate) struct QueryParams<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Deps> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, deps)
            .await
            .map(|Query(value)| QueryParams(value))
            .map_err(|rejection| ApiError::bad_request(format!("bad query parameters: {}", rejection.body_text())))
    }
}

/// The page a [`vigil_api::PageQuery`] asks for.
pub(crate) fn page(params: &vigil_api::PageQuery) -> Result<PageRequest, ApiError> {
    page_request(params.cursor.as_deref(), params.limit)
}

/// A page request from `cursor` and `limit` parameters.
pub(crate) fn page_request(cursor: Option<&str>, limit: Option<u32>) -> Result<PageRequest, ApiError> {
    PageRequest::new(cursor.map(|c| Cursor(c.to_owned())), limit).map_err(ApiError::bad_request)
}

/// The `{id}` of a monitor route. An id that is not a UUID names no monitor, so it is a 404.
pub(crate) struct MonitorPath(pub MonitorId);

impl FromRequestParts<Deps> for MonitorPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, deps)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let id = params.iter().find(|(name, _)| name == "id").map(|(_, v)| v.as_str()).unwrap_or_default();
        id.parse().map(MonitorPath).map_err(|_| ApiError::not_found(format!("no monitor with id `{id}`")))
    }
}

/// A UUID path parameter named `name`; anything else names nothing, so it is a 404 saying
/// `what` was not found.
async fn uuid_param<T: std::str::FromStr>(parts: &mut Parts, deps: &Deps, name: &str, what: &str) -> Result<T, ApiError> {
    let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, deps)
        .await
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let id = params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    id.parse().map_err(|_| ApiError::not_found(format!("no {what} with id `{id}`")))
}

macro_rules! id_path {
    ($(#[$doc:meta])* $name:ident, $id:ty, $what:literal) => {
        id_path!($(#[$doc])* $name, $id, $what, "id");
    };
    ($(#[$doc:meta])* $name:ident, $id:ty, $what:literal, $param:literal) => {
        $(#[$doc])*
        pub(crate) struct $name(pub $id);

        impl FromRequestParts<Deps> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
                uuid_param(parts, deps, $param, $what).await.map($name)
            }
        }
    };
}

id_path!(
    /// The `{id}` of an incident route.
    IncidentPath, vigil_domain::ids::IncidentId, "incident"
);
id_path!(
    /// The `{id}` of a channel route.
    ChannelPath, vigil_domain::ids::ChannelId, "channel"
);
id_path!(
    /// The `{id}` of an alert rule route.
    RulePath, vigil_domain::ids::AlertRuleId, "alert rule"
);
id_path!(
    /// The `{id}` of a maintenance window route.
    WindowPath, vigil_domain::ids::MaintenanceWindowId, "maintenance window"
);
id_path!(
    /// The `{id}` of an API key route.
    KeyPath, vigil_domain::ids::ApiKeyId, "key"
);
id_path!(
    /// The `{id}` of a member route: their user id.
    MemberPath, vigil_domain::ids::UserId, "member"
);
id_path!(
    /// The `{id}` of a status page route.
    StatusPagePath, vigil_domain::ids::StatusPageId, "status page"
);
id_path!(
    /// The `{id}` of a public incident route.
    PublicIncidentPath, vigil_domain::ids::PublicIncidentId, "public incident"
);
id_path!(
    /// The `{component_id}` of a status page's component route.
    ComponentPath, vigil_domain::ids::ComponentId, "component", "component_id"
);
id_path!(
    /// The `{subscriber_id}` of a status page's subscriber route.
    SubscriberPath, vigil_domain::ids::SubscriberId, "subscriber", "subscriber_id"
);
id_path!(
    /// The `{id}` of a badge route.
    BadgePath, vigil_domain::ids::BadgeId, "badge"
);
id_path!(
    /// The `{id}` of an invitation route.
    InvitationPath, vigil_domain::ids::InvitationId, "invitation"
);

id_path!(
    /// The `{id}` of a host route.
    HostPath, vigil_domain::ids::AgentId, "host"
);
id_path!(
    /// The `{id}` of an enrolment route.
    EnrolmentPath, vigil_domain::ids::EnrolmentId, "enrolment"
);
id_path!(
    /// The `{id}` of a host rule route.
    HostRulePath, vigil_domain::ids::HostRuleId, "host rule"
);
id_path!(
    /// The `{id}` of an action request route.
    ActionPath, vigil_domain::ids::ActionRequestId, "action request"
);

/// The `{check_id}` of a check route.
pub(crate) struct CheckPath(pub CheckId);

impl FromRequestParts<Deps> for CheckPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, deps)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let id = params.iter().find(|(name, _)| name == "check_id").map(|(_, v)| v.as_str()).unwrap_or_default();
        id.parse().map(CheckPath).map_err(|_| ApiError::not_found(format!("no check with id `{id}`")))
    }
}

/// The `{id}` of a task route. An id that is not a UUID names no task, so it is a 404.
pub(crate) struct TaskPath(pub TaskId);

impl FromRequestParts<Deps> for TaskPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, deps: &Deps) -> Result<Self, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, deps)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let id = params.iter().find(|(name, _)| name == "id").map(|(_, v)| v.as_str()).unwrap_or_default();
        id.parse().map(TaskPath).map_err(|_| ApiError::not_found(format!("no task with id `{id}`")))
    }
}
