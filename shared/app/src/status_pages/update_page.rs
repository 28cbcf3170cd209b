use super::stored::{access, audit, audit_view, page_for, save};
use super::{StatusPageError, refresh_snapshot};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::StatusPageId;
use vigil_domain::status_page::{StatusPage, StatusPageDraft};

/// Change a status page's settings (what the draft leaves out stays).
#[derive(Clone, Debug)]
pub struct UpdatePage {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The page.
    pub page_id: StatusPageId,
    /// What the editor sent.
    pub draft: StatusPageDraft,
}

/// Validates the change over the stored page, stores it at the next revision (a page changed
/// meanwhile is a conflict) and recomputes its snapshot.
#[tracing::instrument(name = "update_status_page", skip_all, fields(tenant = %cmd.actor.tenant_id, page = %cmd.page_id))]
pub async fn update_page(deps: &Deps, cmd: UpdatePage, now: Timestamp) -> Result<StatusPage, StatusPageError> {
    let current = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let settings = cmd.draft.validate(Some(&current))?;
    let page = StatusPage {
        slug: settings.slug,
        custom_domain: settings.custom_domain,
        name: settings.name,
        description: settings.description,
        access: access(deps, settings.access, Some(&current.access)).await?,
        no_index: settings.no_index,
        default_locale: settings.default_locale,
        time_zone: settings.time_zone,
        revision: current.revision + 1,
        updated_at: now,
        ..current.clone()
    };
    save(deps, &page, false).await?;
    audit(deps, &cmd.actor, "status_page.update", &page, audit_view(&current), audit_view(&page), now).await?;
    refresh_snapshot(deps, &page, now).await?;
    Ok(page)
}
