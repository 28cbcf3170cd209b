//! Checks of a monitor, its status changes and its uptime.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::check::CheckOutcome;
use vigil_domain::ids::{CheckId, MonitorId};
use vigil_domain::monitor::{MonitorStatus, TransitionCause};
use vigil_domain::uptime::UptimeSummary;

/// Phase timings of a check, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Timings {
    /// Name resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<f64>,
    /// TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<f64>,
    /// TLS handshake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<f64>,
    /// From the request sent to the first byte of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_byte: Option<f64>,
    /// The whole check.
    pub total: f64,
}

/// One check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Check {
    /// Identity.
    pub id: CheckId,
    /// The monitor checked.
    pub monitor_id: MonitorId,
    /// When the schedule meant it to start.
    #[schema(value_type = String, format = DateTime)]
    pub planned_at: Timestamp,
    /// When it started.
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    /// How it ended: `result` is `up`, `down` (with `failure`) or `error` (the prober failed).
    #[serde(flatten)]
    pub outcome: CheckOutcome,
    /// The response status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Phase timings.
    pub timings_ms: Timings,
    /// Bytes of body received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_bytes: Option<u64>,
    /// Whether the body was longer than the cap.
    pub body_truncated: bool,
    /// When the server's certificate expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub certificate_expires_at: Option<Timestamp>,
    /// The address connected to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip: Option<String>,
}

/// The response kept for a failing check that changed its monitor's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Artefact {
    /// The request line.
    pub request: String,
    /// The response status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Response headers, as name and value pairs.
    pub headers: Vec<(String, String)>,
    /// The start of the body.
    pub body_excerpt: String,
}

/// One check with the response kept for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CheckDetail {
    /// The check.
    #[serde(flatten)]
    pub check: Check,
    /// The response kept, for failures that changed the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact: Option<Artefact>,
}

/// A check run on request, and the status it left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TriggeredCheck {
    /// The check.
    pub check: Check,
    /// The monitor's status after it.
    pub status: MonitorStatus,
    /// Since when.
    #[schema(value_type = String, format = DateTime)]
    pub status_since: Timestamp,
}

/// One change of a monitor's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Transition {
    /// Before.
    pub from: MonitorStatus,
    /// After.
    pub to: MonitorStatus,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Why: a check, a pause or a resume.
    pub cause: TransitionCause,
}

/// Uptime and latency of a monitor over the last 24 hours, 7 days and 30 days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Uptime {
    /// The monitor.
    pub monitor_id: MonitorId,
    /// One summary per window, shortest first.
    pub windows: Vec<UptimeSummary>,
}
