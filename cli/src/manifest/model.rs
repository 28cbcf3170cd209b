//! The monitoring file: sections of resources, each keyed by its logical name. The entries are
//! the API's own drafts (what `POST` takes), read the way the API reads them; references from
//! rules and windows to channels, monitors and tasks are by logical name (or by id, for
//! resources the file does not manage).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use vigil_api::{AlertRuleDraft, ChannelDraft, MaintenanceDraft, MonitorDraft, TaskDraft};

/// The sections of a file, in the order they are applied.
pub const SECTIONS: [&str; 5] = ["channels", "monitors", "tasks", "alert_rules", "maintenance_windows"];

/// A monitoring file (YAML or JSON).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The JSON Schema of this file, for editors; Vigil ignores it.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The file's name for itself: every resource it creates is marked with it, and
    /// `--prune` deletes only resources carrying it. The file's name without its extension
    /// when absent; keep it when the file moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Notification channels, by logical name. Secrets come from environment variables
    /// (`url: ${SLACK_WEBHOOK_URL}`); a channel that exists keeps its stored secret when the
    /// file leaves it out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, ChannelDraft>,
    /// HTTP monitors, by logical name (the display `name` defaults to it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub monitors: BTreeMap<String, MonitorDraft>,
    /// Heartbeat tasks, by logical name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tasks: BTreeMap<String, TaskDraft>,
    /// Alert rules, by logical name; `channels`, `select.monitors` and `select.tasks` name
    /// entries of this file (or ids of resources it does not manage).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alert_rules: BTreeMap<String, AlertRuleDraft>,
    /// Maintenance windows, by logical name; `select` names entries of this file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub maintenance_windows: BTreeMap<String, MaintenanceDraft>,
}
