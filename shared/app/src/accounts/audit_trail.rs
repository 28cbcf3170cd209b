//! How a use case appends to the audit log after a change.

use crate::Deps;
use jiff::Timestamp;
use serde_json::Value;
use vigil_domain::access::Actor;
use vigil_domain::accounts::{AuditEntry, AuditTarget, masked_changes};
use vigil_domain::ids::AuditEntryId;
use vigil_domain::ports::StoreError;

/// What was changed, for the log.
pub struct Change<'a> {
    /// `monitor.create`, `member.role_change`…
    pub action: &'a str,
    /// `monitor`, `member`…
    pub kind: &'a str,
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Before (`Null` if it did not exist).
    pub before: Value,
    /// After (`Null` if it no longer exists).
    pub after: Value,
}

/// Appends `change`, made by `actor` at `now`, to the actor's organisation's log.
pub async fn record(deps: &Deps, actor: &Actor, change: Change<'_>, now: Timestamp) -> Result<(), StoreError> {
    let entry = AuditEntry {
        id: AuditEntryId::from_uuid(deps.random.new_id(now)),
        tenant_id: actor.tenant_id,
        at: now,
        actor: actor.id,
        actor_label: actor.label.clone(),
        action: change.action.to_owned(),
        target: AuditTarget { kind: change.kind.to_owned(), id: change.id, name: change.name },
        changes: masked_changes(&change.before, &change.after),
        origin: actor.origin.clone(),
    };
    deps.stores.audit.append(&entry).await
}

/// A serialisable value as JSON, for `before` and `after`.
pub fn snapshot<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Appends that `actor` did `action` to the `kind` named `name` with id `id`, from `before` to
/// `after` (serialisable states; `Value::Null` where there is none).
#[allow(clippy::too_many_arguments)]
pub async fn changed(
    deps: &Deps,
    actor: &Actor,
    action: &str,
    kind: &str,
    id: impl ToString,
    name: Option<&str>,
    before: Value,
    after: Value,
    now: Timestamp,
) -> Result<(), StoreError> {
    let change = Change { action, kind, id: id.to_string(), name: name.map(str::to_owned), before, after };
    record(deps, actor, change, now).await
}
