//! Heartbeat tasks, their runs and pings.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::heartbeat::{TaskDraft, TaskStatus};
use vigil_domain::ids::TaskId;
use vigil_domain::managed::Managed;

/// The ping URLs of a task (Healthchecks-compatible).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PingUrls {
    /// A run succeeded.
    pub success: String,
    /// A run started.
    pub start: String,
    /// A run failed.
    pub fail: String,
    /// A log line, changing nothing.
    pub log: String,
    /// A run ended with this exit status (0 is success), with `{exit-status}` to fill in.
    pub exit_status: String,
}

/// A heartbeat task and its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    /// Identity.
    pub id: TaskId,
    /// Display name.
    pub name: String,
    /// Slug for `/ping/<ping-key>/<slug>` URLs.
    pub slug: Option<String>,
    /// Seconds between runs, for a period schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<u32>,
    /// The cron expression, for a cron schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// The time zone of the cron expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// How late a ping may be before the task is Down, in seconds.
    pub grace_seconds: u32,
    /// Longest a started run may take, in seconds (`null`: the grace time).
    pub max_run_seconds: Option<u32>,
    /// Shortest a run may take to count as a success, in seconds.
    pub min_run_seconds: Option<u32>,
    /// Whether one run only is expected.
    pub one_shot: bool,
    /// The monitoring-as-code file managing it; `null` when none does.
    #[serde(default)]
    pub managed: Option<Managed>,
    /// What it is known to be now.
    pub status: TaskStatus,
    /// Why, for a person.
    pub status_reason: String,
    /// Since when, when known.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub status_since: Option<Timestamp>,
    /// When the next ping is expected.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expected_at: Option<Timestamp>,
    /// When the task turns Late or Down without a ping.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_deadline_at: Option<Timestamp>,
    /// When the last run finished.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_finish_at: Option<Timestamp>,
    /// Runs started and not finished.
    pub running: u64,
    /// Pings received.
    pub pings: u64,
    /// The success ping URL (by token).
    pub ping_url: String,
    /// Every ping URL by token.
    pub ping_urls: PingUrls,
    /// Every ping URL by ping key and slug, when the task has a slug.
    pub slug_ping_urls: Option<PingUrls>,
    /// Bumped by every change of the specification.
    pub revision: u64,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When its specification last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl Task {
    /// The draft that would create this task as it is.
    pub fn to_draft(&self) -> TaskDraft {
        TaskDraft {
            name: Some(self.name.clone()),
            slug: Some(self.slug.clone()),
            period_seconds: self.period_seconds,
            cron: self.cron.clone(),
            timezone: self.timezone.clone(),
            grace_seconds: Some(self.grace_seconds),
            max_run_seconds: Some(self.max_run_seconds),
            min_run_seconds: Some(self.min_run_seconds),
            one_shot: Some(self.one_shot),
            managed: Some(self.managed.clone()),
        }
    }
}

/// One run of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Run {
    /// Identity.
    pub id: String,
    /// `pending`, `running`, `completed` or `failed`.
    pub state: String,
    /// The run id the job sent (`?rid=`), if any.
    pub rid: Option<String>,
    /// When it started.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    /// When it finished.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Timestamp>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// Its exit status, when the job sent one.
    pub exit_status: Option<u8>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its output: the body of the ping that finished it, or the last 512 bytes of that body
    /// once the per-task cap has pruned the ping, or else the body of the ping that started it.
    pub log: Option<String>,
}

/// One ping of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ping {
    /// Identity.
    pub id: String,
    /// When it arrived.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `success`, `start`, `fail`, `log` or `exit`.
    pub kind: String,
    /// The exit status, for `exit` pings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_status: Option<u8>,
    /// The run id the job sent.
    pub rid: Option<String>,
    /// The run it belongs to.
    pub run_id: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// Bytes of body received.
    pub body_bytes_received: u64,
    /// Whether the body was cut at the cap.
    pub body_truncated: bool,
    /// The body kept, as text.
    pub body: Option<String>,
}
