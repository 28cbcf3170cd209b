//! RFC 9457 problem details: every error the API returns is turned into one here, and nowhere
//! else.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::any::Any;
use vigil_app::accounts::{AccountError, AuthError, OidcError};
use vigil_app::checks::{GetCheckError, ListChecksError, TriggerCheckError};
use vigil_app::heartbeats::RecordPingError;
use vigil_app::hosts::HostError;
use vigil_app::incidents::{
    AcknowledgeIncidentError, CommentOnIncidentError, GetIncidentError, HandleEventError, ListIncidentsError, ResolveIncidentError,
};
use vigil_app::monitors::{
    CreateMonitorError, DeleteMonitorError, GetMonitorError, ListMonitorsError, PauseMonitorError, ResumeMonitorError, UpdateMonitorError,
};
use vigil_app::notifications::{
    CreateChannelError, CreateRuleError, CreateWindowError, DeleteChannelError, DeleteRuleError, DeleteWindowError, GetChannelError,
    GetRuleError, GetWindowError, ListChannelsError, ListFailedDeliveriesError, ListRulesError, ListWindowsError, MuteMonitorError,
    ReplaceChannelError, ReplaceWindowError, TestChannelError,
};
use vigil_app::status::{ListTransitionsError, MonitorUptimeError, TenantSummaryError};
use vigil_app::tasks::{
    ChangeTaskError, CreateTaskError, DeleteTaskError, GetTaskError, ListHistoryError, ListTasksError, UpdateTaskError,
};
use vigil_domain::heartbeat::PingUrlError;
use vigil_domain::monitor::SpecErrors;
use vigil_domain::notify::InvalidInput;
use vigil_domain::ports::{OidcFailure, StoreError};

pub use vigil_api::Problem;

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError(pub Problem);

impl ApiError {
    /// A problem of `status`, kind `slug`.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self(Problem {
            kind: format!("https://vigil.dev/problems/{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        })
    }

    /// 403: the actor may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    /// 403: a cookie-authenticated request that changes something without its CSRF token.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "The request lacks its CSRF token",
            "a request made with the session cookie that changes something must send the session's CSRF token in `X-CSRF-Token`",
        )
    }

    /// 429: wait `seconds` before trying again.
    pub fn too_many_requests(seconds: u64, detail: impl Into<String>) -> Self {
        let mut error = Self::new(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", "Too many attempts", detail);
        error.0.retry_after = Some(seconds);
        error
    }

    /// 400: the request could not be read.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "The request is malformed", detail)
    }

    /// 401: no valid API key.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "Authentication is required", detail)
    }

    /// 404: nothing here (or it belongs to another tenant).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 413: the body is too large.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "The request body is too large",
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    /// 415: not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "The request body must be JSON",
            "send the body with `Content-Type: application/json`",
        )
    }

    /// 400: validation failed, with every field error.
    pub fn invalid(errors: SpecErrors) -> Self {
        let mut error = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-monitor",
            "The monitor is not valid",
            errors.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
        );
        error.0.errors = errors.0;
        error
    }

    /// 400: a task failed validation, with every field error.
    pub fn invalid_task(errors: SpecErrors) -> Self {
        let mut error = Self::invalid(errors);
        error.0.kind = "https://vigil.dev/problems/invalid-task".into();
        error.0.title = "The task is not valid".into();
        error
    }

    fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed to handle the request; it has been logged",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self.0)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.0.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The response for a handler that panicked.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a handler panicked");
    ApiError::internal(&message).into_response()
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::InvalidCursor => Self::bad_request("the cursor is not valid; use the next_cursor of a previous page"),
            StoreError::NotFound => Self::not_found("not found"),
            StoreError::Conflict => {
                Self::new(StatusCode::CONFLICT, "conflict", "Concurrent modification", "the item was changed by another request; retry")
            }
            StoreError::Backend(error) => Self::internal(&error),
        }
    }
}

const MONITOR_NOT_FOUND: &str = "no monitor with this id";

macro_rules! not_found_or_store {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match error {
                    $error::NotFound => Self::not_found(MONITOR_NOT_FOUND),
                    $error::Forbidden(refused) => Self::forbidden(refused.to_string()),
                    $error::Store(error) => error.into(),
                }
            }
        }
    )*};
}

not_found_or_store!(
    DeleteMonitorError,
    GetMonitorError,
    PauseMonitorError,
    ResumeMonitorError,
    TriggerCheckError,
    ListChecksError,
    MonitorUptimeError,
    ListTransitionsError,
);

impl From<GetCheckError> for ApiError {
    fn from(error: GetCheckError) -> Self {
        match error {
            GetCheckError::NotFound => Self::not_found("no check with this id for this monitor"),
            GetCheckError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            GetCheckError::Store(error) => error.into(),
        }
    }
}

impl From<CreateMonitorError> for ApiError {
    fn from(error: CreateMonitorError) -> Self {
        match error {
            CreateMonitorError::Invalid(errors) => Self::invalid(errors),
            CreateMonitorError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CreateMonitorError::Store(error) => error.into(),
        }
    }
}

impl From<UpdateMonitorError> for ApiError {
    fn from(error: UpdateMonitorError) -> Self {
        match error {
            UpdateMonitorError::NotFound => Self::not_found(MONITOR_NOT_FOUND),
            UpdateMonitorError::Invalid(errors) => Self::invalid(errors),
            UpdateMonitorError::RevisionMismatch { expected, current } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "revision-mismatch",
                "The monitor has changed",
                format!("If-Match asked for revision {expected} but the monitor is at revision {current}; read it again"),
            ),
            UpdateMonitorError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            UpdateMonitorError::Store(error) => error.into(),
        }
    }
}

impl From<ListMonitorsError> for ApiError {
    fn from(error: ListMonitorsError) -> Self {
        match error {
            ListMonitorsError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            ListMonitorsError::Store(error) => error.into(),
        }
    }
}

impl From<TenantSummaryError> for ApiError {
    fn from(error: TenantSummaryError) -> Self {
        match error {
            TenantSummaryError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            TenantSummaryError::Store(error) => error.into(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Rejected(detail) => Self::unauthorized(detail),
            AuthError::TooManyAttempts { retry_after_seconds } => Self::too_many_requests(retry_after_seconds, error.to_string()),
            AuthError::SecondFactorRequired => {
                Self::new(StatusCode::UNAUTHORIZED, "second-factor-required", "A two-factor code is needed", error.to_string())
            }
            AuthError::PasswordSignInDisabled => {
                Self::new(StatusCode::FORBIDDEN, "password-sign-in-disabled", "Password sign-in is off", error.to_string())
            }
            AuthError::NotAMember => Self::new(StatusCode::FORBIDDEN, "not-a-member", "Not a member", error.to_string()),
            AuthError::Store(error) => error.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            AccountError::NotFound(what) => Self::not_found(format!("no such {what} here")),
            AccountError::Invalid(errors) => Self::invalid_fields(errors),
            AccountError::Conflict(detail) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict with the current state", detail),
            AccountError::LastOwner(last) => Self::new(StatusCode::CONFLICT, "last-owner", "The last owner stays", last.to_string()),
            AccountError::BadToken(detail) => Self::new(StatusCode::BAD_REQUEST, "bad-token", "The link or code is not valid", detail),
            AccountError::Mail(detail) => Self::new(StatusCode::BAD_GATEWAY, "mail-failed", "The mail could not be sent", detail),
            AccountError::Store(error) => error.into(),
        }
    }
}

impl From<HostError> for ApiError {
    fn from(error: HostError) -> Self {
        match error {
            HostError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            HostError::NotFound(what) => Self::not_found(format!("no such {what} here")),
            HostError::Invalid(errors) => Self::invalid_fields(errors),
            HostError::Conflict(detail) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict with the current state", detail),
            HostError::NotConnected(detail) => {
                Self::new(StatusCode::CONFLICT, "not-connected", "The host's agent is not connected", detail)
            }
            HostError::Store(error) => error.into(),
        }
    }
}

impl From<OidcError> for ApiError {
    fn from(error: OidcError) -> Self {
        let detail = error.to_string();
        match error {
            OidcError::NotConfigured => Self::new(StatusCode::NOT_FOUND, "oidc-not-configured", "No identity provider", detail),
            OidcError::Invalid(errors) => Self::invalid_fields(errors),
            OidcError::BadState(_) => Self::new(StatusCode::BAD_REQUEST, "oidc-state", "The sign-in cannot be finished", detail),
            OidcError::Provider(OidcFailure::Refused { .. }) => {
                Self::new(StatusCode::UNAUTHORIZED, "oidc-provider-refused", "The identity provider refused", detail)
            }
            OidcError::Provider(OidcFailure::InvalidToken(_)) => {
                Self::new(StatusCode::UNAUTHORIZED, "oidc-invalid-token", "The identity provider's answer is not valid", detail)
            }
            OidcError::Provider(OidcFailure::Unreachable(_)) => {
                Self::new(StatusCode::BAD_GATEWAY, "oidc-provider-unreachable", "The identity provider could not be reached", detail)
            }
            OidcError::NoVerifiedEmail(_) => Self::new(StatusCode::FORBIDDEN, "oidc-email-unverified", "No verified email", detail),
            OidcError::Refused(_) => Self::new(StatusCode::FORBIDDEN, "oidc-refused", "Not let in", detail),
            OidcError::Store(error) => error.into(),
        }
    }
}

impl ApiError {
    /// 400: the input broke rules, field by field (the detail lists them all).
    pub fn invalid_fields(errors: SpecErrors) -> Self {
        let detail = errors.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        let mut problem = Self::new(StatusCode::BAD_REQUEST, "invalid-input", "The input is not valid", detail);
        problem.0.errors = errors.0;
        problem
    }

    /// 400: an input broke validation rules, with every field error.
    pub fn invalid_input(what: &str, errors: InvalidInput) -> Self {
        let mut error =
            Self::new(StatusCode::BAD_REQUEST, "invalid-input", "The input is not valid", format!("the {what} is not valid: {errors}"));
        error.0.errors = errors.0;
        error
    }

    /// 409: the request conflicts with the item's state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict with the current state", detail)
    }
}

macro_rules! store_only {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from($error::Store(error): $error) -> Self {
                error.into()
            }
        }
    )*};
}

store_only!(HandleEventError);

macro_rules! forbidden_or_store {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match error {
                    $error::Forbidden(refused) => Self::forbidden(refused.to_string()),
                    $error::Store(error) => error.into(),
                }
            }
        }
    )*};
}

forbidden_or_store!(ListIncidentsError, ListChannelsError, ListRulesError, ListWindowsError, ListFailedDeliveriesError);

macro_rules! not_found_as {
    ($($error:ident => $message:literal),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match error {
                    $error::NotFound => Self::not_found($message),
                    $error::Forbidden(refused) => Self::forbidden(refused.to_string()),
                    $error::Store(error) => error.into(),
                }
            }
        }
    )*};
}

not_found_as!(
    GetIncidentError => "no incident with this id",
    GetChannelError => "no channel with this id",
    DeleteChannelError => "no channel with this id",
    TestChannelError => "no channel with this id",
    DeleteRuleError => "no alert rule with this id",
    GetRuleError => "no alert rule with this id",
    DeleteWindowError => "no maintenance window with this id",
    GetWindowError => "no maintenance window with this id",
    MuteMonitorError => "no monitor with this id",
);

impl From<vigil_app::status_pages::StatusPageError> for ApiError {
    fn from(error: vigil_app::status_pages::StatusPageError) -> Self {
        use vigil_app::status_pages::StatusPageError;
        match error {
            StatusPageError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            StatusPageError::NotFound(what) => Self::not_found(format!("no {what} with this id")),
            StatusPageError::Invalid(errors) => Self::invalid_input("status page", errors),
            closed @ StatusPageError::Closed(_) => Self::conflict(closed.to_string()),
            refused @ StatusPageError::Confirmation(_) => Self::bad_request(refused.to_string()),
            StatusPageError::Store(StoreError::InvalidCursor) => {
                Self::bad_request("the cursor is not valid: pass one this listing returned")
            }
            StatusPageError::Store(error) => error.into(),
        }
    }
}

impl From<ResolveIncidentError> for ApiError {
    fn from(error: ResolveIncidentError) -> Self {
        match error {
            ResolveIncidentError::NotFound => Self::not_found("no incident with this id"),
            ResolveIncidentError::StillDown(kind) => Self::conflict(format!(
                "the {kind} is still down, so resolving would leave the rest of this outage unalerted: the incident resolves itself when the {kind} recovers; acknowledge it to stop escalations, or pause the {kind}"
            )),
            ResolveIncidentError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            ResolveIncidentError::Store(error) => error.into(),
        }
    }
}

impl From<AcknowledgeIncidentError> for ApiError {
    fn from(error: AcknowledgeIncidentError) -> Self {
        match error {
            AcknowledgeIncidentError::NotFound => Self::not_found("no incident with this id"),
            AcknowledgeIncidentError::Resolved => Self::conflict("the incident is resolved; there is nothing to acknowledge"),
            AcknowledgeIncidentError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            AcknowledgeIncidentError::Store(error) => error.into(),
        }
    }
}

impl From<CommentOnIncidentError> for ApiError {
    fn from(error: CommentOnIncidentError) -> Self {
        match error {
            CommentOnIncidentError::NotFound => Self::not_found("no incident with this id"),
            invalid @ CommentOnIncidentError::Invalid => Self::bad_request(invalid.to_string()),
            CommentOnIncidentError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CommentOnIncidentError::Store(error) => error.into(),
        }
    }
}

impl From<CreateChannelError> for ApiError {
    fn from(error: CreateChannelError) -> Self {
        match error {
            CreateChannelError::Invalid(errors) => Self::invalid_input("channel", errors),
            CreateChannelError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CreateChannelError::Store(error) => error.into(),
        }
    }
}

impl From<ReplaceChannelError> for ApiError {
    fn from(error: ReplaceChannelError) -> Self {
        match error {
            ReplaceChannelError::NotFound => Self::not_found("no channel with this id"),
            ReplaceChannelError::Invalid(errors) => Self::invalid_input("channel", errors),
            ReplaceChannelError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            ReplaceChannelError::Store(error) => error.into(),
        }
    }
}

impl From<ReplaceWindowError> for ApiError {
    fn from(error: ReplaceWindowError) -> Self {
        match error {
            ReplaceWindowError::NotFound => Self::not_found("no maintenance window with this id"),
            ReplaceWindowError::Invalid(errors) => Self::invalid_input("maintenance window", errors),
            ReplaceWindowError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            ReplaceWindowError::Store(error) => error.into(),
        }
    }
}

impl From<CreateRuleError> for ApiError {
    fn from(error: CreateRuleError) -> Self {
        match error {
            CreateRuleError::NotFound => Self::not_found("no alert rule with this id"),
            CreateRuleError::Invalid(errors) => Self::invalid_input("alert rule", errors),
            CreateRuleError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CreateRuleError::Store(error) => error.into(),
        }
    }
}

impl From<CreateWindowError> for ApiError {
    fn from(error: CreateWindowError) -> Self {
        match error {
            CreateWindowError::Invalid(errors) => Self::invalid_input("maintenance window", errors),
            CreateWindowError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CreateWindowError::Store(error) => error.into(),
        }
    }
}

const TASK_NOT_FOUND: &str = "no task with this id";

macro_rules! task_not_found_or_store {
    ($($error:ident),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                match error {
                    $error::NotFound => Self::not_found(TASK_NOT_FOUND),
                    $error::Forbidden(refused) => Self::forbidden(refused.to_string()),
                    $error::Store(error) => error.into(),
                }
            }
        }
    )*};
}

task_not_found_or_store!(GetTaskError, DeleteTaskError, ChangeTaskError, ListHistoryError);

impl From<ListTasksError> for ApiError {
    fn from(error: ListTasksError) -> Self {
        match error {
            ListTasksError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            ListTasksError::Store(error) => error.into(),
        }
    }
}

impl From<CreateTaskError> for ApiError {
    fn from(error: CreateTaskError) -> Self {
        match error {
            CreateTaskError::Invalid(errors) => Self::invalid_task(errors),
            CreateTaskError::SlugTaken(slug) => {
                Self::new(StatusCode::CONFLICT, "slug-taken", "The slug is taken", format!("another task already has the slug `{slug}`"))
            }
            CreateTaskError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            CreateTaskError::Store(error) => error.into(),
        }
    }
}

impl From<UpdateTaskError> for ApiError {
    fn from(error: UpdateTaskError) -> Self {
        match error {
            UpdateTaskError::NotFound => Self::not_found(TASK_NOT_FOUND),
            UpdateTaskError::Invalid(errors) => Self::invalid_task(errors),
            UpdateTaskError::Forbidden(refused) => Self::forbidden(refused.to_string()),
            UpdateTaskError::Store(error) => error.into(),
        }
    }
}

/// Why a ping was refused, answered in plain text as Healthchecks answers: scripts and
/// wrappers written for it read the same statuses and words.
#[derive(Debug)]
pub enum PingError {
    /// Not a ping URL, or a bad `rid`: 400.
    Url(PingUrlError),
    /// No such task: 404 `not found`.
    NotFound,
    /// Not GET, HEAD or POST: 405.
    Method,
    /// A server fault: 500, logged.
    Internal(String),
}

impl From<PingUrlError> for PingError {
    fn from(error: PingUrlError) -> Self {
        PingError::Url(error)
    }
}

impl From<RecordPingError> for PingError {
    fn from(error: RecordPingError) -> Self {
        match error {
            RecordPingError::NotFound => PingError::NotFound,
            RecordPingError::Store(error) => PingError::Internal(error.to_string()),
        }
    }
}

impl IntoResponse for PingError {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            PingError::Url(error) => (StatusCode::BAD_REQUEST, error.to_string()),
            PingError::NotFound => (StatusCode::NOT_FOUND, "not found".to_owned()),
            PingError::Method => (StatusCode::METHOD_NOT_ALLOWED, "method not allowed: use GET, HEAD or POST".to_owned()),
            PingError::Internal(error) => {
                tracing::error!(%error, "recording a ping failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error".to_owned())
            }
        };
        let mut response = (status, text).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
        }
        response
    }
}
