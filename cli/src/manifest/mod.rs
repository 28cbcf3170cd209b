//! Monitoring as code: a YAML (or JSON) file of monitors, tasks, channels, alert rules and
//! maintenance windows, each under a logical name; checked offline ([`validate::load`]),
//! compared with the server ([`plan::plan`]), applied ([`apply::apply`]), written from the
//! server ([`export::export`]) or from a Gatus configuration ([`gatus::import`]).

pub mod apply;
pub mod document;
pub mod export;
pub mod gatus;
pub mod model;
pub mod plan;
pub mod schema;
pub mod validate;
pub mod yaml;

use std::path::Path;

/// The `source` a file at `path` has when it gives none: its name without the extension.
pub fn default_source(path: &Path) -> String {
    path.file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty()).unwrap_or("vigil").to_owned()
}
