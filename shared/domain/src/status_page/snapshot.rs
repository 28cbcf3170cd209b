//! A page's snapshot: everything its readers see (pages, feeds, Statuspage documents), computed
//! when something changes and read by every request, so that a crowd costs reads of one item.
//! Only what a reader may see is in it, plus the keys that let the next snapshot reuse history
//! that can no longer change.

use super::component::ComponentStatus;
use super::health::Indicator;
use super::incident::PublicIncident;
use super::page::{PageDomain, PageSlug};
use crate::accounts::Locale;
use crate::ids::{ComponentId, MaintenanceWindowId, StatusPageId, TenantId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What a page says of itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFacts {
    /// Its slug.
    pub slug: PageSlug,
    /// Its own host, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<PageDomain>,
    /// Its title.
    pub name: String,
    /// The paragraph under the title.
    #[serde(default)]
    pub description: String,
    /// `public`, `password` or `members`.
    pub access: String,
    /// Whether search engines are asked not to index it.
    #[serde(default)]
    pub no_index: bool,
    /// Its default language.
    pub default_locale: Locale,
    /// Its time zone.
    pub time_zone: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A source as a page may show it (only when its component shows its sources).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFacts {
    /// The monitor's or task's name.
    pub name: String,
    /// The monitor's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A component as readers see it, with its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentFacts {
    /// Identity.
    pub id: ComponentId,
    /// Its name.
    pub name: String,
    /// The line under it.
    #[serde(default)]
    pub description: String,
    /// Whether it is a group.
    #[serde(default)]
    pub is_group: bool,
    /// Its group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<ComponentId>,
    /// Its place among its siblings, from 1 (Statuspage's `position`).
    pub position: usize,
    /// Its state now.
    pub status: ComponentStatus,
    /// When it was added.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Its sources, if it shows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceFacts>,
    /// Uptime (percent) of each day of the bar, from the snapshot's first day; `None` without
    /// data.
    #[serde(default)]
    pub days: Vec<Option<f64>>,
    /// Uptime (percent) of each month of the history, from the snapshot's first month.
    #[serde(default)]
    pub months: Vec<Option<f64>>,
    /// Which sources the history was computed from (not shown).
    #[serde(default)]
    pub sources_key: String,
}

impl ComponentFacts {
    /// Uptime over the whole bar: the mean of the days with data.
    pub fn bar_uptime(&self) -> Option<f64> {
        super::history::mean(self.days.iter().copied())
    }
}

/// A public maintenance: one occurrence of a maintenance window marked public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceFacts {
    /// The window.
    pub window_id: MaintenanceWindowId,
    /// Its title.
    pub name: String,
    /// What readers are told.
    #[serde(default)]
    pub message: String,
    /// When the occurrence starts.
    pub starts_at: Timestamp,
    /// When it ends.
    pub ends_at: Timestamp,
    /// The components it covers.
    pub components: Vec<ComponentId>,
    /// When the window was made.
    pub created_at: Timestamp,
}

impl MaintenanceFacts {
    /// An id for the occurrence, stable across snapshots: the window and its start.
    pub fn id(&self) -> String {
        format!("{}-{}", self.window_id, self.starts_at.as_second())
    }

    /// Whether it runs at `now`.
    pub fn is_running(&self, now: Timestamp) -> bool {
        self.starts_at <= now && now < self.ends_at
    }
}

/// Everything readers of one page see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageSnapshot {
    /// Owner.
    pub tenant_id: TenantId,
    /// The page.
    pub page_id: StatusPageId,
    /// When it was computed.
    pub computed_at: Timestamp,
    /// The revision of the page it was computed from.
    pub page_revision: u64,
    /// When anything readers see last changed (the page, an incident): Statuspage's
    /// `page.updated_at`.
    pub updated_at: Timestamp,
    /// The page's own facts.
    pub page: PageFacts,
    /// Components and groups, in reading order.
    pub components: Vec<ComponentFacts>,
    /// The overall state.
    pub indicator: Indicator,
    /// Open incidents and those of the history's span, newest first.
    pub incidents: Vec<PublicIncident>,
    /// Public maintenance running or coming within a week, soonest first.
    pub maintenances: Vec<MaintenanceFacts>,
    /// The first day of the bars.
    pub first_day: Date,
    /// The first month of the history.
    pub first_month: Date,
}

impl PageSnapshot {
    /// The component `id`.
    pub fn component(&self, id: ComponentId) -> Option<&ComponentFacts> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The incidents not yet resolved, newest first.
    pub fn unresolved(&self) -> impl Iterator<Item = &PublicIncident> {
        self.incidents.iter().filter(|i| !i.is_resolved())
    }
}
