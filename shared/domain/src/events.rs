//! Events published when something happened that other parts react to (incidents,
//! notifications). On AWS they travel over SNS, self-hosted over an in-process bus.

use crate::heartbeat::TaskStatus;
use crate::ids::{AgentId, HostRuleId, HostWatchId, MonitorId, TaskId, TenantId};
use crate::monitor::{MonitorStatus, TransitionCause};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Something that happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DomainEvent {
    /// A monitor's status changed.
    MonitorStatusChanged(MonitorStatusChanged),
    /// A heartbeat task's status changed.
    TaskStatusChanged(TaskStatusChanged),
    /// A rule on a host began or stopped firing.
    HostAlertChanged(HostAlertChanged),
}

impl DomainEvent {
    /// The tenant the event belongs to.
    pub fn tenant_id(&self) -> TenantId {
        match self {
            DomainEvent::MonitorStatusChanged(e) => e.tenant_id,
            DomainEvent::TaskStatusChanged(e) => e.tenant_id,
            DomainEvent::HostAlertChanged(e) => e.tenant_id,
        }
    }

    /// A key that is the same for redeliveries of the same event, for idempotent consumers.
    pub fn idempotency_key(&self) -> String {
        match self {
            DomainEvent::MonitorStatusChanged(e) => {
                format!("monitor-status:{}:{}:{}:{}", e.monitor_id, e.at.as_millisecond(), e.from, e.to)
            }
            DomainEvent::TaskStatusChanged(e) => {
                format!("task-status:{}:{}:{}:{}", e.task_id, e.at.as_millisecond(), e.from, e.to)
            }
            DomainEvent::HostAlertChanged(e) => format!("host-alert:{}:{}:{}", e.watch_id, e.at.as_millisecond(), e.change.as_str()),
        }
    }
}

/// A monitor moved from one status to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorStatusChanged {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Its name when it happened.
    pub monitor_name: String,
    /// Its URL when it happened.
    pub url: String,
    /// Status before.
    pub from: MonitorStatus,
    /// Status after.
    pub to: MonitorStatus,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub cause: TransitionCause,
    /// The monitor's tags when it happened (alert rules and maintenance windows match them), so
    /// that consumers need not read the monitor again.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// When the check that caused the change started, if a check caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<Timestamp>,
    /// The HTTP status that check received, if it got a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
}

/// A heartbeat task moved from one status to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStatusChanged {
    /// Owner.
    pub tenant_id: TenantId,
    /// Task.
    pub task_id: TaskId,
    /// Its name when it happened.
    pub task_name: String,
    /// Status before.
    pub from: TaskStatus,
    /// Status after.
    pub to: TaskStatus,
    /// When.
    pub at: Timestamp,
    /// Why, for a person: "no ping since 02:00 (grace 5 min)", "exit status 2", "ran longer than 1 h".
    pub reason: String,
}

/// What happened to a rule watching a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostAlertChange {
    /// The rule began firing: an incident opens.
    Firing,
    /// The rule stopped firing: its incident resolves.
    Clear,
    /// The rule was deleted or the host revoked: its incident resolves, nobody watches any more.
    Withdrawn,
}

impl HostAlertChange {
    /// The name used in keys and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            HostAlertChange::Firing => "firing",
            HostAlertChange::Clear => "clear",
            HostAlertChange::Withdrawn => "withdrawn",
        }
    }
}

/// A rule watching a host began or stopped firing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostAlertChanged {
    /// Owner.
    pub tenant_id: TenantId,
    /// The rule on the host: the incident's subject.
    pub watch_id: HostWatchId,
    /// The host's agent.
    pub agent_id: AgentId,
    /// The rule.
    pub rule_id: HostRuleId,
    /// "<host>: <rule>" when it happened, as the incident names its subject.
    pub subject_name: String,
    /// The host's tags (alert rules and maintenance windows match them).
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// What happened.
    pub change: HostAlertChange,
    /// When.
    pub at: Timestamp,
    /// Why, for a person: "cpu.percent averaged 97.3 over 30 samples (opens at 90)".
    pub reason: String,
}
