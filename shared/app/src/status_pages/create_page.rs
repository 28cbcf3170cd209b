use super::stored::{access, audit, audit_view, save};
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use serde_json::Value;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::StatusPageId;
use vigil_domain::status_page::{StatusPage, StatusPageDraft};

/// Make a status page.
#[derive(Clone, Debug)]
pub struct CreatePage {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the editor sent.
    pub draft: StatusPageDraft,
}

/// Validates and stores a new page (without components yet) and its first snapshot.
#[tracing::instrument(name = "create_status_page", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_page(deps: &Deps, cmd: CreatePage, now: Timestamp) -> Result<StatusPage, StatusPageError> {
    cmd.actor.require(Action::EditStatusPages)?;
    let settings = cmd.draft.validate(None)?;
    let page = StatusPage {
        id: StatusPageId::from_uuid(deps.random.new_id(now)),
        tenant_id: cmd.actor.tenant_id,
        slug: settings.slug,
        custom_domain: settings.custom_domain,
        name: settings.name,
        description: settings.description,
        access: access(deps, settings.access, None).await?,
        no_index: settings.no_index,
        default_locale: settings.default_locale,
        time_zone: settings.time_zone,
        components: Vec::new(),
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    save(deps, &page, true).await?;
    audit(deps, &cmd.actor, "status_page.create", &page, Value::Null, audit_view(&page), now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok(page)
}
