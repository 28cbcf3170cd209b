//! Incidents: one outage of one monitor or task, from opening to resolution, with its timeline
//! and the messages sent about it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_domain::ids::{ChannelId, DeliveryId, IncidentId};
use vigil_domain::incident::{IncidentCause, IncidentStatus, ResolvedBy, TimelineEntry};
use vigil_domain::notify::{DeliveryAttempt, DeliveryStatus, NotificationKind};

/// What an incident is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IncidentSubjectRef {
    /// `monitor` or `task`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its name when the incident opened.
    pub name: String,
    /// The monitor's URL (`null` for tasks).
    pub url: Option<String>,
}

/// Who took an incident, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Acknowledgement {
    /// A person, or `api-key:<id>`.
    pub by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// How and when an incident ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Resolution {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// How: recovery, the subject paused or deleted, or a person.
    pub by: ResolvedBy,
}

/// An incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Incident {
    /// Identity.
    pub id: IncidentId,
    /// `open`, `acknowledged` or `resolved`.
    pub status: IncidentStatus,
    /// The monitor or task.
    pub subject: IncidentSubjectRef,
    /// The subject's tags when it opened.
    pub tags: Vec<String>,
    /// Why it opened.
    pub cause: IncidentCause,
    /// The failing check, whose kept response is the evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact: Option<String>,
    /// When the subject went down.
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: Timestamp,
    /// Who took it.
    pub acknowledged: Option<Acknowledgement>,
    /// How it ended.
    pub resolved: Option<Resolution>,
    /// How long it lasted, once resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtime_seconds: Option<i64>,
    /// Why nobody was notified (a maintenance window or a mute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silenced: Option<String>,
}

/// A message about an incident to one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// Identity (the `webhook-id` receivers see).
    pub id: DeliveryId,
    /// The incident.
    pub incident_id: IncidentId,
    /// The channel.
    pub channel_id: ChannelId,
    /// Which moment of the incident.
    pub notification: NotificationKind,
    /// `pending`, `delivered` or `failed`.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<Timestamp>,
    /// The receiver's last status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status_code: Option<u16>,
    /// The last error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When it was enqueued.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Every attempt (in an incident's detail only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<Vec<DeliveryAttempt>>,
}

/// An incident with its timeline and deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IncidentDetail {
    /// The incident.
    #[serde(flatten)]
    pub incident: Incident,
    /// Everything that happened to it, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The messages sent about it.
    pub deliveries: Vec<Delivery>,
}

/// Which incidents to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// Only incidents in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<IncidentStatus>)]
    pub status: Option<String>,
    /// Only incidents of this monitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(format = Uuid)]
    pub monitor_id: Option<String>,
    /// Only incidents of this task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(format = Uuid)]
    pub task_id: Option<String>,
    /// Only incidents opened at or after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Only incidents opened before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Items per page, 1 to 500 (50 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// Who acknowledges or resolves, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    /// Who, 1 to 200 characters; the API key when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why (resolve only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A comment on an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// What to say.
    pub text: String,
    /// Who, 1 to 200 characters; the API key when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}
