//! The JSON Schema of monitoring files (draft 2020-12), generated from the same types the
//! files are read with; published as docs/vigil.schema.json and printed by `vigil schema`.

use super::model::Manifest;
use serde_json::{Value, json};
use utoipa::{PartialSchema, ToSchema};

/// Where the published schema lives, for `$id` and for the `$schema` line of files.
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/vigil-monitoring/vigil/main/docs/vigil.schema.json";

/// The schema, as JSON.
pub fn json_schema() -> Value {
    let mut schemas = Vec::new();
    <Manifest as ToSchema>::schemas(&mut schemas);
    let mut definitions = serde_json::Map::new();
    for (name, schema) in schemas {
        definitions.insert(name, serde_json::to_value(schema).unwrap_or_default());
    }
    definitions.insert("Manifest".into(), serde_json::to_value(Manifest::schema()).unwrap_or_default());
    // The drafts are the API's; in a file, `managed` is the file's own business.
    for entry in ["MonitorDraft", "TaskDraft", "ChannelDraft", "AlertRuleDraft", "MaintenanceDraft"] {
        if let Some(Value::Object(schema)) = definitions.get_mut(entry)
            && let Some(Value::Object(properties)) = schema.get_mut("properties")
        {
            properties.remove("managed");
        }
    }
    // In a file, references name its entries.
    let by_name = [
        (
            "AlertRuleDraft",
            "channels",
            "The channels notified first: logical names of `channels` (or ids of channels the file does not manage).",
        ),
        ("EscalationStepDraft", "channels", "Who to notify: logical names of `channels` (or ids)."),
        ("SelectorDraft", "monitors", "Monitors: logical names of `monitors` (or ids of monitors the file does not manage)."),
        ("SelectorDraft", "tasks", "Tasks: logical names of `tasks` (or ids of tasks the file does not manage)."),
    ];
    for (entry, field, description) in by_name {
        if let Some(Value::Object(property)) = definitions.get_mut(entry).and_then(|d| d.pointer_mut(&format!("/properties/{field}"))) {
            property.insert("description".into(), Value::String(description.into()));
        }
    }
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "Vigil monitoring file",
        "description": "Monitors, heartbeat tasks, channels, alert rules and maintenance windows for `vigil validate`, `vigil plan` and `vigil apply`, each under a logical name that stays its identity across renames.",
        "$ref": "#/$defs/Manifest",
        "$defs": definitions,
    });
    let text = schema.to_string().replace("#/components/schemas/", "#/$defs/");
    serde_json::from_str(&text).unwrap_or(schema)
}

/// The schema as the published file holds it.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                for (key, item) in fields {
                    if key == "$ref"
                        && let Value::String(target) = item
                    {
                        out.push(target.clone());
                    }
                    refs(item, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_entries_are_described() {
        let schema = json_schema();
        let mut found = Vec::new();
        refs(&schema, &mut found);
        assert!(found.len() > 10);
        for target in found {
            let name = target.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("{target} points outside the schema"));
            assert!(schema["$defs"][name].is_object(), "{target} is not defined");
        }
        let manifest = &schema["$defs"]["Manifest"];
        for section in crate::manifest::model::SECTIONS {
            assert!(manifest["properties"][section].is_object(), "{section}");
        }
        let monitor = &schema["$defs"]["MonitorDraft"]["properties"];
        assert!(monitor["assertions"].is_object() && monitor.get("managed").is_none());
    }

    #[test]
    fn the_published_schema_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/vigil.schema.json");
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        if std::env::var_os("VIGIL_WRITE_SCHEMA").is_some() {
            std::fs::write(&path, json_schema_text()).unwrap();
            return;
        }
        assert!(
            published == json_schema_text(),
            "docs/vigil.schema.json is stale: run `VIGIL_WRITE_SCHEMA=1 cargo test -p vigil the_published_schema` (or `vigil schema > docs/vigil.schema.json`)"
        );
    }
}
