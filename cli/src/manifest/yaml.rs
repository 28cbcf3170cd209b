//! JSON values written as YAML, for people to read and edit (`vigil export`, `vigil import`).

use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use serde_json::Value;
use std::borrow::Cow;

/// Keys written before the others, in this order: the file's sections as they apply, then an
/// entry's identity.
const FIRST: [&str; 10] =
    ["$schema", "source", "channels", "monitors", "tasks", "alert_rules", "maintenance_windows", "name", "type", "url"];

fn to_yaml(value: &Value) -> Yaml<'_> {
    match value {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Value(Scalar::Integer(i)),
            None => Yaml::Value(Scalar::FloatingPoint(n.as_f64().unwrap_or_default().into())),
        },
        Value::String(s) => Yaml::Value(Scalar::String(Cow::Borrowed(s))),
        Value::Array(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(fields) => {
            let mut mapping = Mapping::new();
            let mut ordered: Vec<(&String, &Value)> = fields.iter().collect();
            ordered.sort_by_key(|(key, _)| (FIRST.iter().position(|f| f == key).unwrap_or(FIRST.len()), key.as_str()));
            for (key, item) in ordered {
                mapping.insert(Yaml::Value(Scalar::String(Cow::Borrowed(key))), to_yaml(item));
            }
            Yaml::Mapping(mapping)
        }
    }
}

/// `value` as a YAML document, after `comment` (each line prefixed with `# `).
pub fn write(value: &Value, comment: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        out.push_str(format!("# {line}").trim_end());
        out.push('\n');
    }
    let mut body = String::new();
    let mut emitter = YamlEmitter::new(&mut body);
    emitter.multiline(true);
    // Writing into a String cannot fail.
    let _ = emitter.dump(&to_yaml(value));
    out.push_str(body.strip_prefix("---\n").unwrap_or(&body));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::document::Document;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let value = serde_json::json!({
            "source": "prod",
            "monitors": {"api": {"url": "https://h/x", "expected_status": ["2xx", 204], "assertions": ["[STATUS] == 200", "[BODY].a == yes"],
                "headers": {"Accept": "*/*"}, "body": "line one\nline two\n", "verify_tls": false, "timeout_ms": 5000}},
            "maintenance_windows": {"w": {"schedule": {"start": "02:00", "days": ["sun"]}, "note": "null", "x": null, "ratio": 0.5}},
        });
        let text = write(&value, "Exported by vigil.\nLine two.");
        assert!(text.starts_with("# Exported by vigil.\n# Line two.\n"), "{text}");
        assert_eq!(Document::parse(&text).unwrap().value, value, "{text}");
    }
}
