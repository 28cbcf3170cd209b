//! The audit log: who changed what, when, from where. Entries are appended by the use case that
//! made the change and never edited; secrets never enter them.

use crate::access::{ActorId, Origin};
use crate::ids::{AuditEntryId, TenantId};
use crate::page::PageRequest;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What was acted on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct AuditTarget {
    /// `monitor`, `task`, `channel`, `member`, `key`…
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Its name when the change was made.
    pub name: Option<String>,
}

/// One field's value before and after (absent: did not exist).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field (dotted for nested ones).
    pub field: String,
    /// Before.
    pub before: Option<Value>,
    /// After.
    pub after: Option<Value>,
}

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Identity (time-ordered).
    pub id: AuditEntryId,
    /// The organisation.
    pub tenant_id: TenantId,
    /// When.
    #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// Who.
    pub actor: ActorId,
    /// Who, as a person reads it (an email, a key's name).
    pub actor_label: String,
    /// What was done: `monitor.create`, `member.role_change`, `key.revoke`…
    pub action: String,
    /// What it was done to.
    pub target: AuditTarget,
    /// The fields that changed (secrets masked).
    pub changes: Vec<FieldChange>,
    /// Where from.
    pub origin: Origin,
}

/// A filter on the log, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries by this actor.
    pub actor: Option<ActorId>,
    /// Entries of this action, or of actions starting with it followed by `.` (`monitor`
    /// matches `monitor.create`).
    pub action: Option<String>,
    /// Entries on targets of this kind.
    pub target_kind: Option<String>,
    /// Entries on the target with this id.
    pub target_id: Option<String>,
    /// At or after.
    pub since: Option<Timestamp>,
    /// Before.
    pub until: Option<Timestamp>,
    /// The page.
    pub page: PageRequest,
}

impl AuditQuery {
    /// Whether `entry` passes the filter (for stores that filter after reading).
    pub fn matches(&self, entry: &AuditEntry) -> bool {
        self.actor.is_none_or(|actor| entry.actor == actor)
            && self.action.as_ref().is_none_or(|action| {
                entry.action == *action || entry.action.strip_prefix(action.as_str()).is_some_and(|rest| rest.starts_with('.'))
            })
            && self.target_kind.as_ref().is_none_or(|kind| entry.target.kind == *kind)
            && self.target_id.as_ref().is_none_or(|id| entry.target.id == *id)
            && self.since.is_none_or(|since| entry.at >= since)
            && self.until.is_none_or(|until| entry.at < until)
    }
}

/// Field names whose values are never written to the log.
const SECRET_WORDS: &[&str] = &["secret", "password", "token", "key", "authorization", "cookie", "url", "headers", "routing_key"];

/// Shown instead of a secret's value: that it changed, not what to.
pub const MASK: &str = "••••••";

fn is_secret(field: &str) -> bool {
    let lower = field.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|word| lower.split(['.', '_', '-']).any(|part| part == *word) || lower == *word)
}

/// The fields that differ between `before` and `after` (JSON objects; `Null` for a thing that
/// did not exist), one level deep into nested objects, with secret-looking fields masked.
pub fn masked_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    diff("", before, after, 0, &mut changes);
    changes
}

fn diff(prefix: &str, before: &Value, after: &Value, depth: usize, out: &mut Vec<FieldChange>) {
    let empty = serde_json::Map::new();
    let (b, a) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut fields: Vec<&String> = b.keys().chain(a.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        let name = if prefix.is_empty() { field.clone() } else { format!("{prefix}.{field}") };
        let (old, new) = (b.get(field), a.get(field));
        if old == new {
            continue;
        }
        let both_objects = old.is_some_and(Value::is_object) && new.is_some_and(Value::is_object);
        if both_objects && depth == 0 && !is_secret(field) {
            diff(&name, old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null), depth + 1, out);
            continue;
        }
        let shown =
            |value: Option<&Value>| value.filter(|v| !v.is_null()).map(|v| if is_secret(&name) { Value::from(MASK) } else { v.clone() });
        out.push(FieldChange { field: name.clone(), before: shown(old), after: shown(new) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_list_what_differs_and_never_a_secret() {
        let before = json!({"name": "shop", "interval_seconds": 30, "url": "https://u:p@shop", "headers": {"Authorization": "Bearer x"}, "tags": ["a"], "assertion": {"op": "eq", "value": 1}});
        let after = json!({"name": "shop", "interval_seconds": 60, "url": "https://shop", "headers": {}, "tags": ["a", "b"], "assertion": {"op": "eq", "value": 2}, "secret": "whsec_new"});
        let changes = masked_changes(&before, &after);
        let shown: Vec<(String, Option<Value>, Option<Value>)> = changes.into_iter().map(|c| (c.field, c.before, c.after)).collect();
        assert_eq!(
            shown,
            vec![
                ("assertion.value".into(), Some(json!(1)), Some(json!(2))),
                ("headers".into(), Some(json!(MASK)), Some(json!(MASK))),
                ("interval_seconds".into(), Some(json!(30)), Some(json!(60))),
                ("secret".into(), None, Some(json!(MASK))),
                ("tags".into(), Some(json!(["a"])), Some(json!(["a", "b"]))),
                ("url".into(), Some(json!(MASK)), Some(json!(MASK))),
            ]
        );
        let created = masked_changes(&Value::Null, &json!({"name": "n"}));
        assert_eq!(created, vec![FieldChange { field: "name".into(), before: None, after: Some(json!("n")) }]);
    }
}
