//! Hosts and their agents: enrolments, hosts, their metrics and connection events, rules on
//! them, and remote actions with their history.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_domain::host::HostStatus;
use vigil_domain::ids::{ActionRequestId, AgentId, ConnectionEventId, EnrolmentId, HostRuleId};

/// What an agent says about its host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HostInfo {
    /// The host name.
    pub hostname: String,
    /// The operating system.
    pub os: String,
    /// The kernel release.
    pub kernel: String,
    /// The machine architecture.
    pub arch: String,
    /// Logical CPUs.
    pub cpu_cores: u32,
    /// The agent's version.
    pub agent_version: String,
}

/// A rule firing on a host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FiringRule {
    /// The rule.
    pub rule_id: HostRuleId,
    /// Its name.
    pub name: String,
    /// Whether it is a silence rule (the host is Down).
    pub silence: bool,
    /// Firing since.
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
}

/// A host and its agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Host {
    /// The agent's id.
    pub id: AgentId,
    /// Its name in Vigil.
    pub name: String,
    /// Its tags (alert rules and maintenance windows select hosts by them).
    pub tags: Vec<String>,
    /// How it is.
    pub status: HostStatus,
    /// What its agent said at its latest connection.
    pub info: HostInfo,
    /// When it enrolled.
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
    /// When its credential was revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    /// When Vigil last stored a batch of it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_seen_at: Option<Timestamp>,
    /// When its newest sample was taken.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_sample_at: Option<Timestamp>,
    /// The highest batch number held.
    pub acked_through: Option<u64>,
    /// Batches its agent dropped unsent (its buffer was full), in all.
    pub dropped_total: u64,
    /// The rules firing on it.
    pub firing: Vec<FiringRule>,
}

/// Make an enrolment token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnrolment {
    /// The host's name in Vigil; its host name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The host's tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The silence rule the host gets ("Down when silent for N s"): 120 when absent, none when 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silent_after_seconds: Option<u32>,
    /// How long the token can be spent, in seconds (60 to 2592000; a day when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<u32>,
}

/// An enrolment waiting for its agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Enrolment {
    /// Identity.
    pub id: EnrolmentId,
    /// The name the host gets.
    pub name: Option<String>,
    /// The tags the host gets.
    pub tags: Vec<String>,
    /// The silence rule the host gets, in seconds.
    pub silent_after_seconds: Option<u32>,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When the token stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// The one-time token (`vet_…`), in the answer to its creation only: give it to the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A rule's state on one host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleOnHost {
    /// The host.
    pub host_id: AgentId,
    /// Its name.
    pub host_name: String,
    /// `clear` or `firing`.
    pub status: String,
    /// Since when.
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
}

/// A rule on hosts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HostRule {
    /// Identity.
    pub id: HostRuleId,
    /// Its name.
    pub name: String,
    /// The host it watches; every host when `null`.
    pub host: Option<AgentId>,
    /// `threshold`, `container` or `silence`.
    pub kind: String,
    /// The metric (threshold and container rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// `above` or `below` (threshold rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Where it opens (threshold rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_at: Option<f64>,
    /// Where it resolves, if not anywhere on the good side of `open_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_at: Option<f64>,
    /// The window averaged over, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<u64>,
    /// How long without a sample opens it, in seconds (silence rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silent_seconds: Option<u64>,
    /// The condition in words.
    pub description: String,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Who made it.
    pub created_by: String,
    /// Its state on each host it watches.
    pub hosts: Vec<RuleOnHost>,
}

/// Ask a host to run an action its agent's config names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    /// The action's name in the agent's config (`restart-nginx`).
    pub action: String,
}

/// A remote action request and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HostAction {
    /// Identity.
    pub id: ActionRequestId,
    /// The host.
    pub host_id: AgentId,
    /// Its name when asked.
    pub host_name: String,
    /// The action.
    pub action: String,
    /// Who asked.
    pub requested_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: Timestamp,
    /// When the signed request stopped being valid.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// `pending`, `undelivered` (the agent was not connected), `completed` or `refused`.
    pub status: String,
    /// When the agent's answer came.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
    /// The exit code (0/1 for a container operation); `null` when it was killed.
    pub exit_code: Option<i32>,
    /// How long it ran, in milliseconds.
    pub duration_ms: Option<u64>,
    /// Killed at its timeout.
    pub timed_out: Option<bool>,
    /// The end of its output.
    pub output_tail: Option<String>,
    /// Bytes of output before the tail that were not kept.
    pub output_dropped_bytes: Option<u64>,
    /// Why the agent refused it (`not_allowed`, `actions_disabled`, `acts_on_itself`…).
    pub refusal: Option<String>,
    /// The refusal, for a person.
    pub refusal_detail: Option<String>,
}

/// A connection event of an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConnectionEvent {
    /// Identity.
    pub id: ConnectionEventId,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `connected` or `disconnected`.
    pub kind: String,
    /// The address it connected from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The agent's version, when it connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_version: Option<String>,
    /// Why it disconnected (`agent_stopping`, `connection_lost`, `credential_revoked`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Detail for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Who saw it end: `server` or `agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_by: Option<String>,
}

/// One metric's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MetricValue {
    /// The metric (`cpu.percent`, `disk.used_percent[/]`).
    pub metric: String,
    /// Its value.
    pub value: f64,
}

/// A host's latest sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LatestSample {
    /// When it was taken; `null` before the first.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// Every metric it holds.
    pub values: Vec<MetricValue>,
    /// The sample as the agent sent it.
    #[schema(value_type = Option<Object>)]
    pub sample: Option<serde_json::Value>,
}

/// Which series to read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    /// The metric (`cpu.percent`, `disk.used_percent[/]`).
    pub metric: String,
    /// From (RFC 3339); an hour ago by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// To (RFC 3339, exclusive); now by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `raw`, `minute` or `hour`; chosen from the range when absent (raw up to 2 h, minutes up
    /// to 3 days, hours beyond).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

/// One point of a series: a sample (raw), or the summary of a minute or an hour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeriesPoint {
    /// The sample's time, or the bucket's start.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Samples summed up.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
    /// The latest.
    pub last: f64,
}

/// A metric of a host over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Series {
    /// The metric.
    pub metric: String,
    /// `raw`, `minute` or `hour`.
    pub resolution: String,
    /// The points, oldest first.
    pub points: Vec<SeriesPoint>,
}
