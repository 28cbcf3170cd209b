//! Status pages as their editors see them: pages with their components, public incidents with
//! their updates, subscribers and badges. A page's password hash, a subscriber's tokens and a
//! webhook's secret (but in the answer that made it) never leave the server.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;
use vigil_domain::accounts::Locale;
use vigil_domain::ids::{
    BadgeId, ComponentId, IncidentId, MonitorId, PublicIncidentId, PublicUpdateId, StatusPageId, SubscriberId, TaskId, TenantId,
};
use vigil_domain::status_page::{ComponentStatus, PublicStatus};

/// A status page and its components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusPage {
    /// Identity.
    pub id: StatusPageId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Served at `/status/<slug>`.
    pub slug: String,
    /// Where readers find it.
    pub url: String,
    /// Also served on this host, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<String>,
    /// The title readers see.
    pub name: String,
    /// The paragraph under the title.
    #[serde(default)]
    pub description: String,
    /// `public`, `password` or `members`.
    pub access: String,
    /// Whether search engines are asked not to index it.
    #[serde(default)]
    pub no_index: bool,
    /// The language of readers who name none.
    pub default_locale: Locale,
    /// The IANA time zone dates are shown and days counted in.
    pub time_zone: String,
    /// Components and groups, in display order.
    #[serde(default)]
    pub components: Vec<StatusComponent>,
    /// Increases with every change.
    pub revision: u64,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// The component an add made, in that answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_id: Option<ComponentId>,
}

impl StatusPage {
    /// The component `id`.
    pub fn component(&self, id: ComponentId) -> Option<&StatusComponent> {
        self.components.iter().find(|c| c.id == id)
    }
}

/// What feeds a component's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ComponentSources {
    /// Monitors.
    #[serde(default)]
    pub monitors: BTreeSet<MonitorId>,
    /// Heartbeat tasks.
    #[serde(default)]
    pub tasks: BTreeSet<TaskId>,
}

/// A component, or a group of components, of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusComponent {
    /// Identity.
    pub id: ComponentId,
    /// The name readers see.
    pub name: String,
    /// The line under the name.
    #[serde(default)]
    pub description: String,
    /// Whether it is a group.
    #[serde(default)]
    pub is_group: bool,
    /// The group it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<ComponentId>,
    /// What feeds its state.
    #[serde(default)]
    pub sources: ComponentSources,
    /// The state set by hand, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ComponentStatus>,
    /// Whether its sources' internal incidents are posted on the page at once.
    #[serde(default)]
    pub auto_publish: bool,
    /// Whether the page names its sources.
    #[serde(default)]
    pub show_sources: bool,
    /// When it was added.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// One update of a public incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicUpdate {
    /// Identity.
    pub id: PublicUpdateId,
    /// The incident's status from this update on.
    pub status: PublicStatus,
    /// What readers are told.
    pub body: String,
    /// When it was posted.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The impact on each component touched, from this update on.
    #[serde(default)]
    pub impacts: BTreeMap<ComponentId, ComponentStatus>,
    /// Whether subscribers were told.
    pub notify: bool,
    /// Who posted it (never shown on the page).
    pub by: String,
}

/// An incident posted on a status page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicIncident {
    /// Identity.
    pub id: PublicIncidentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The page it is posted on.
    pub page_id: StatusPageId,
    /// Its title.
    pub name: String,
    /// Its status: the last update's.
    pub status: PublicStatus,
    /// An impact chosen by hand (`none`, `minor`, `major`, `critical`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_override: Option<String>,
    /// Its updates, oldest first.
    pub updates: Vec<PublicUpdate>,
    /// The internal incident it was posted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<IncidentId>,
    /// Whether it resolves when its internal incident does.
    #[serde(default)]
    pub follows_source: bool,
    /// When it was posted.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Increases with every change.
    pub revision: u64,
    /// How many subscribers this post or update tells, in that answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribers_told: Option<usize>,
}

/// How an internal incident is to be posted on a page.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The page to post on.
    pub page_id: String,
    /// The public title; by default one naming the page's touched components.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The first update's text; by default a sentence saying what is affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Whether subscribers are told (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
    /// Whether the post resolves when the internal incident does (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow: Option<bool>,
}

/// A subscriber as editors see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Subscriber {
    /// Identity.
    pub id: SubscriberId,
    /// The page.
    pub page_id: StatusPageId,
    /// `email` or `webhook`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The address, for email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The URL, for a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A webhook's signing secret: in full in the answer that made it, masked afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The components followed; empty for all.
    #[serde(default)]
    pub components: BTreeSet<ComponentId>,
    /// The language of their messages.
    pub locale: Locale,
    /// Whether an email subscriber followed the confirmation link (webhooks always are).
    pub confirmed: bool,
    /// When they subscribed.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A badge with its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Badge {
    /// Identity.
    pub id: BadgeId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The unguessable token in its URLs.
    pub token: String,
    /// What it shows: `{"kind": "monitor" | "task", "id"}` or `{"kind": "component", "page_id", "id"}`.
    #[schema(value_type = Object)]
    pub target: serde_json::Value,
    /// The text on its left, if not the kind's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// The SVG of its status; `uptime-24h.svg`, `uptime-7d.svg`, `uptime-30d.svg` and
    /// `response-time.svg` sit beside it.
    pub svg_url: String,
    /// The Shields.io endpoint document of its status.
    pub shields_url: String,
}
