//! What status pages do when monitors and tasks change: pages fed by the subject are computed
//! again at once, components that publish automatically post an opening incident, and posts
//! that follow an internal incident resolve with it.

use super::publish::{Post, fed_by, publish, resolve_post};
use super::refresh_snapshot;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::incident::{AnyIncident, IncidentSubject};
use vigil_domain::ports::StoreError;

/// After an internal incident opened: posts it on every page with a component fed by its
/// subject that publishes automatically.
pub(crate) async fn incident_opened(deps: &Deps, incident: &AnyIncident, now: Timestamp) -> Result<(), StoreError> {
    let core = incident.core();
    for page in deps.stores.status_pages.pages(core.tenant_id).await? {
        if page.components.iter().any(|c| c.auto_publish && fed_by(c, core.subject)) {
            let post = Post { name: None, body: None, notify: true, follows: true, by: "Vigil" };
            publish(deps, &page, incident, post, now).await?;
        }
    }
    Ok(())
}

/// After an internal incident was resolved: resolves the posts that follow it.
pub(crate) async fn incident_resolved(deps: &Deps, incident: &AnyIncident, now: Timestamp) -> Result<(), StoreError> {
    for page in deps.stores.status_pages.pages(incident.core().tenant_id).await? {
        if page.components.iter().any(|c| fed_by(c, incident.core().subject)) {
            resolve_post(deps, &page, incident, now).await?;
        }
    }
    Ok(())
}

/// After a monitor's or task's status changed: the pages it feeds are computed again.
pub(crate) async fn subject_changed(deps: &Deps, tenant: TenantId, subject: IncidentSubject, now: Timestamp) -> Result<(), StoreError> {
    for page in deps.stores.status_pages.pages(tenant).await? {
        if page.components.iter().any(|c| fed_by(c, subject)) {
            refresh_snapshot(deps, &page, now).await?;
        }
    }
    Ok(())
}
