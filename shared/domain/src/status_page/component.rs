//! Components: what a status page shows the state of, in groups two levels deep, each fed by
//! monitors and tasks or set by hand, in the five states Statuspage readers know.

use crate::ids::{ComponentId, MonitorId, TaskId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The state of a component, as Statuspage names it. Ordered from best to worst, so that
/// `max` is the worst of several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    /// Working.
    Operational,
    /// In a planned maintenance.
    UnderMaintenance,
    /// Working, slowly or with errors.
    DegradedPerformance,
    /// Partly down.
    PartialOutage,
    /// Down.
    MajorOutage,
}

impl ComponentStatus {
    /// Every state, best first.
    pub const ALL: [ComponentStatus; 5] = [
        ComponentStatus::Operational,
        ComponentStatus::UnderMaintenance,
        ComponentStatus::DegradedPerformance,
        ComponentStatus::PartialOutage,
        ComponentStatus::MajorOutage,
    ];

    /// The wire name (`partial_outage`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "operational",
            ComponentStatus::UnderMaintenance => "under_maintenance",
            ComponentStatus::DegradedPerformance => "degraded_performance",
            ComponentStatus::PartialOutage => "partial_outage",
            ComponentStatus::MajorOutage => "major_outage",
        }
    }

    /// The state named `name` on the wire.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for ComponentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What feeds a component's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// Monitors.
    #[serde(default)]
    pub monitors: BTreeSet<MonitorId>,
    /// Heartbeat tasks.
    #[serde(default)]
    pub tasks: BTreeSet<TaskId>,
}

impl Sources {
    /// Whether nothing feeds it.
    pub fn is_empty(&self) -> bool {
        self.monitors.is_empty() && self.tasks.is_empty()
    }

    /// A key that changes whenever the set of sources does (history computed for one set of
    /// sources is not reused for another).
    pub fn key(&self) -> String {
        let monitors = self.monitors.iter().map(|m| format!("m{m}"));
        let tasks = self.tasks.iter().map(|t| format!("t{t}"));
        monitors.chain(tasks).collect::<Vec<_>>().join(",")
    }
}

/// A component, or a group of components, of a status page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Identity.
    pub id: ComponentId,
    /// The name readers see (never a monitor's own name unless the editor typed it).
    pub name: String,
    /// A line under the name; may be empty.
    #[serde(default)]
    pub description: String,
    /// Whether this is a group of components.
    #[serde(default)]
    pub is_group: bool,
    /// The group it belongs to, if any (groups belong to none: two levels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<ComponentId>,
    /// What feeds its state (groups have none: they show their worst component).
    #[serde(default)]
    pub sources: Sources,
    /// A state set by hand, which wins over what sources and incidents say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ComponentStatus>,
    /// Whether an internal incident of one of its sources is posted on the page at once (off
    /// unless the editor turns it on).
    #[serde(default)]
    pub auto_publish: bool,
    /// Whether the page lists the names (and monitors' URLs) of its sources.
    #[serde(default)]
    pub show_sources: bool,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}
