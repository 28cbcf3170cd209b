//! Alert rules and maintenance windows.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::ids::{AlertRuleId, ChannelId, MaintenanceWindowId};
use vigil_domain::managed::Managed;
use vigil_domain::notify::{EscalationStep, NotifyOn, Selector, WindowSchedule};

/// An alert rule: which monitors and tasks notify which channels, and how to escalate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AlertRule {
    /// Identity.
    pub id: AlertRuleId,
    /// Display name.
    pub name: String,
    /// Which monitors and tasks.
    pub select: Selector,
    /// The channels notified first.
    pub channels: Vec<ChannelId>,
    /// On which transitions.
    pub notify_on: NotifyOn,
    /// Steps taken while nobody acknowledges, in order.
    pub escalation: Vec<EscalationStep>,
    /// Remind the channels this often while unresolved, in seconds.
    pub repeat_every_seconds: Option<u32>,
    /// The monitoring-as-code file managing it; `null` when none does.
    #[serde(default)]
    pub managed: Option<Managed>,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A maintenance window: checks run and incidents open, but nobody is notified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaintenanceWindow {
    /// Identity.
    pub id: MaintenanceWindowId,
    /// Display name.
    pub name: String,
    /// Which monitors and tasks.
    pub select: Selector,
    /// When.
    pub schedule: WindowSchedule,
    /// Whether it is active now.
    pub active: bool,
    /// The monitoring-as-code file managing it; `null` when none does.
    #[serde(default)]
    pub managed: Option<Managed>,
    /// What status pages say of it; absent when it is not shown on them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<vigil_domain::notify::PublicMaintenance>,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}
