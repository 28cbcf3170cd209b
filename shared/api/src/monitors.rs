//! HTTP monitors.

use crate::checks::Check;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use vigil_domain::ids::MonitorId;
use vigil_domain::managed::Managed;
use vigil_domain::monitor::{MonitorDraft, MonitorStatus, StatusCodeInput};

/// A monitor: its specification, every default filled in, and its state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Monitor {
    /// Identity.
    pub id: MonitorId,
    /// Display name.
    pub name: String,
    /// Target URL.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Request headers; credential headers are masked (sending a masked value back keeps the
    /// stored one).
    pub headers: BTreeMap<String, String>,
    /// The fingerprint of each credential header (16 hex digits of a SHA-256 of its value), to
    /// compare with without seeing it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header_fingerprints: BTreeMap<String, String>,
    /// Request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Time allowed for a check, in milliseconds.
    pub timeout_ms: u64,
    /// Seconds between checks.
    pub interval_seconds: u32,
    /// Acceptable status codes: numbers, classes (`2xx`), ranges (`200-299`).
    pub expected_status: Vec<StatusCodeInput>,
    /// Conditions on the response, in the Gatus-compatible language.
    pub assertions: Vec<String>,
    /// Consecutive failed checks before Down.
    pub failure_threshold: u8,
    /// Consecutive passed checks before Up again.
    pub recovery_threshold: u8,
    /// Whether redirects are followed.
    pub follow_redirects: bool,
    /// Whether TLS certificates are verified.
    pub verify_tls: bool,
    /// Labels.
    pub tags: Vec<String>,
    /// The monitoring-as-code file managing it; `null` when none does.
    #[serde(default)]
    pub managed: Option<Managed>,
    /// What it is known to be.
    pub status: MonitorStatus,
    /// Since when.
    #[schema(value_type = String, format = DateTime)]
    pub status_since: Timestamp,
    /// When it is checked next; `null` while paused.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_check_at: Option<Timestamp>,
    /// Bumped by every change of the specification; the ETag, for `If-Match`.
    pub revision: u64,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When its specification last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// The latest check (answered by `GET /v1/monitors/{id}` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<Check>,
}

impl Monitor {
    /// The draft that would create this monitor as it is (what `vigil export` writes and
    /// `vigil plan` compares a file with).
    pub fn to_draft(&self) -> MonitorDraft {
        MonitorDraft {
            name: Some(self.name.clone()),
            url: Some(self.url.clone()),
            method: Some(self.method.clone()),
            headers: Some(self.headers.clone()),
            body: self.body.clone(),
            timeout_ms: Some(self.timeout_ms),
            interval_seconds: Some(self.interval_seconds),
            expected_status: Some(self.expected_status.clone()),
            assertions: Some(self.assertions.clone()),
            failure_threshold: Some(self.failure_threshold),
            recovery_threshold: Some(self.recovery_threshold),
            follow_redirects: Some(self.follow_redirects),
            verify_tls: Some(self.verify_tls),
            tags: Some(self.tags.clone()),
            managed: Some(self.managed.clone()),
        }
    }
}

/// Which monitors to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonitorQuery {
    /// Only monitors carrying this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only monitors in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<MonitorStatus>)]
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Items per page, 1 to 500 (50 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// How long to mute a monitor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteRequest {
    /// The end of the mute; until unmuted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
}

/// A monitor's mute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MuteState {
    /// The monitor.
    pub monitor_id: MonitorId,
    /// Always `true`.
    pub muted: bool,
    /// The end of the mute; `null` for until unmuted.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
    /// When it was set.
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
}

/// Monitors counted by status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    /// Every monitor.
    pub total: u64,
    /// Per status, every status present (zero when none).
    pub by_status: BTreeMap<MonitorStatus, u64>,
}
