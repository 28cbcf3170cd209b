//! What the page use cases share: reading a page as an actor may, writing one back with its
//! conflicts turned into field errors, and how a page appears in the audit log.

use super::StatusPageError;
use crate::Deps;
use serde_json::Value;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::StatusPageId;
use vigil_domain::notify::InvalidInput;
use vigil_domain::ports::{PageWrite, StoreError};
use vigil_domain::status_page::{AccessChoice, PageAccess, StatusPage};

/// The page `id` of the actor's organisation, if the actor may do `action`.
pub(crate) async fn page_for(deps: &Deps, actor: &Actor, id: StatusPageId, action: Action) -> Result<StatusPage, StatusPageError> {
    actor.require(action)?;
    deps.stores.status_pages.page(actor.tenant_id, id).await?.ok_or(StatusPageError::NotFound("status page"))
}

/// Stores a new page (`insert`) or a changed one, turning a taken slug or domain into the
/// field's error.
pub(crate) async fn save(deps: &Deps, page: &StatusPage, insert: bool) -> Result<(), StatusPageError> {
    let written =
        if insert { deps.stores.status_pages.insert_page(page).await? } else { deps.stores.status_pages.update_page(page).await? };
    match written {
        PageWrite::Written => Ok(()),
        PageWrite::SlugTaken => Err(InvalidInput::field("slug", "is taken by another page").into()),
        PageWrite::DomainTaken => Err(InvalidInput::field("custom_domain", "is used by another page").into()),
        PageWrite::Stale => Err(StoreError::Conflict.into()),
    }
}

/// The access a validated choice makes, hashing a new password.
pub(crate) async fn access(deps: &Deps, choice: AccessChoice, current: Option<&PageAccess>) -> Result<PageAccess, StatusPageError> {
    Ok(match (choice, current) {
        (AccessChoice::Public, _) => PageAccess::Public,
        (AccessChoice::Members, _) => PageAccess::Members,
        (AccessChoice::Password(Some(password)), _) => PageAccess::Password { hash: deps.passwords.hash_password(&password).await? },
        (AccessChoice::Password(None), Some(PageAccess::Password { hash })) => PageAccess::Password { hash: hash.clone() },
        (AccessChoice::Password(None), _) => {
            return Err(InvalidInput::field("password", "is required to protect a page with a password").into());
        }
    })
}

/// The page as the audit log shows it: its access by kind only (never the password's hash).
pub(crate) fn audit_view(page: &StatusPage) -> Value {
    let mut value = crate::accounts::audit_trail::snapshot(page);
    if let Some(object) = value.as_object_mut() {
        object.insert("access".into(), Value::from(page.access.kind()));
        object.remove("revision");
        object.remove("updated_at");
    }
    value
}

/// Appends a change of `page` (`before` → `after`) to the audit log.
pub(crate) async fn audit(
    deps: &Deps,
    actor: &Actor,
    action: &str,
    page: &StatusPage,
    before: Value,
    after: Value,
    now: jiff::Timestamp,
) -> Result<(), StatusPageError> {
    crate::accounts::audit_trail::changed(deps, actor, action, "status_page", page.id, Some(&page.name), before, after, now).await?;
    Ok(())
}
