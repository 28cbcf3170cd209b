//! What an incident is about, and why it opened.

use crate::check::{CheckOutcome, FailureClass};
use crate::ids::{CheckId, HostWatchId, MonitorId, TaskId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The monitor, heartbeat task or host rule an incident is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum IncidentSubject {
    /// An HTTP monitor.
    Monitor(MonitorId),
    /// A heartbeat task.
    Task(TaskId),
    /// One rule watching one host (a host that went silent, a metric past its threshold).
    Host(HostWatchId),
}

impl IncidentSubject {
    /// `monitor`, `task` or `host`, as stored.
    pub const fn kind(&self) -> &'static str {
        match self {
            IncidentSubject::Monitor(_) => "monitor",
            IncidentSubject::Task(_) => "task",
            IncidentSubject::Host(_) => "host",
        }
    }

    /// The subject's UUID.
    pub const fn uuid(&self) -> Uuid {
        match self {
            IncidentSubject::Monitor(id) => id.as_uuid(),
            IncidentSubject::Task(id) => id.as_uuid(),
            IncidentSubject::Host(id) => id.as_uuid(),
        }
    }

    /// The subject of a stored `kind` and UUID.
    pub fn from_parts(kind: &str, uuid: Uuid) -> Option<Self> {
        match kind {
            "monitor" => Some(IncidentSubject::Monitor(MonitorId::from_uuid(uuid))),
            "task" => Some(IncidentSubject::Task(TaskId::from_uuid(uuid))),
            "host" => Some(IncidentSubject::Host(HostWatchId::from_uuid(uuid))),
            _ => None,
        }
    }
}

impl fmt::Display for IncidentSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.uuid().as_hyphenated())
    }
}

/// Why an incident opened: the failing check's facts (monitors) or the reason a task is down.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct IncidentCause {
    /// What failed, for a person.
    pub summary: String,
    /// The class of the failing check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_class: Option<FailureClass>,
    /// The status code the failing check received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// The assertion that did not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<String>,
    /// The error, when the check failed below HTTP (DNS, connect, TLS, timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The failing check, whose kept response is the incident's artefact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_id: Option<CheckId>,
    /// When the failing check started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>, format = DateTime))]
    pub checked_at: Option<Timestamp>,
}

impl IncidentCause {
    /// The cause of a monitor going down because of check `check_id`, started at `checked_at`,
    /// ending in `outcome`.
    pub fn of_check(check_id: CheckId, checked_at: Option<Timestamp>, outcome: &CheckOutcome, status_code: Option<u16>) -> Self {
        match outcome.failure() {
            Some(failure) => {
                let below_http =
                    !matches!(failure.class, FailureClass::BadStatus | FailureClass::AssertionFailed | FailureClass::BodyTooLarge);
                Self {
                    summary: failure.message.clone(),
                    failure_class: Some(failure.class),
                    status_code,
                    assertion: failure.assertion.as_ref().map(|a| a.expression.clone()),
                    error: below_http.then(|| failure.message.clone()),
                    check_id: Some(check_id),
                    checked_at,
                }
            }
            None => Self { summary: "the check failed".into(), status_code, check_id: Some(check_id), checked_at, ..Self::default() },
        }
    }

    /// A cause given as a sentence (a task's reason, a manual change).
    pub fn described(summary: impl Into<String>) -> Self {
        Self { summary: summary.into(), ..Self::default() }
    }
}
