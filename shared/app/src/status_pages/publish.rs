//! Posting an internal incident on a status page: by a person with one action, or by itself
//! for components that publish automatically; and resolving the post when the internal incident
//! resolves, if the post follows it.

use super::notify::notify_subscribers;
use super::refresh_snapshot;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::accounts::Locale;
use vigil_domain::ids::{PublicIncidentId, PublicUpdateId};
use vigil_domain::incident::{AnyIncident, IncidentSubject};
use vigil_domain::ports::{IncidentWrite, StoreError};
use vigil_domain::status_page::incident::automatic_body;
use vigil_domain::status_page::{Component, ComponentStatus, PublicIncident, PublicStatus, PublicUpdate, StatusPage};

/// Whether `component` is fed by `subject`.
pub(crate) fn fed_by(component: &Component, subject: IncidentSubject) -> bool {
    match subject {
        IncidentSubject::Monitor(id) => component.sources.monitors.contains(&id),
        IncidentSubject::Task(id) => component.sources.tasks.contains(&id),
        // Components are fed by monitors and tasks; hosts are not among their sources yet.
        IncidentSubject::Host(_) => false,
    }
}

/// The title of a post without a person's words.
fn automatic_name(components: &[String], locale: Locale) -> String {
    match (locale, components.is_empty()) {
        (Locale::En, false) => format!("Problem affecting {}", components.join(", ")),
        (Locale::Fr, false) => format!("Problème touchant {}", components.join(", ")),
        (Locale::En, true) => "Service disruption".to_owned(),
        (Locale::Fr, true) => "Perturbation du service".to_owned(),
    }
}

/// What a person (or Vigil itself) says in a post of an internal incident.
pub(crate) struct Post<'a> {
    /// The title, or `None` for the automatic one.
    pub(crate) name: Option<String>,
    /// The first update's text, or `None` for the automatic one.
    pub(crate) body: Option<String>,
    /// Whether subscribers are told.
    pub(crate) notify: bool,
    /// Whether the post resolves when the internal incident does.
    pub(crate) follows: bool,
    /// Who posts it.
    pub(crate) by: &'a str,
}

/// Posts `incident` on `page`: touching the components its subject feeds (a major outage for a
/// component fed by it alone, a partial one otherwise), investigating while it is ongoing and
/// resolved once it is. Posting the same incident on the same page twice posts once: the post's
/// id comes from both. Returns the post and whether it is new.
pub(crate) async fn publish(
    deps: &Deps,
    page: &StatusPage,
    incident: &AnyIncident,
    post: Post<'_>,
    now: Timestamp,
) -> Result<(PublicIncident, bool), StoreError> {
    let core = incident.core();
    let id = PublicIncidentId::published_from(core.id, page.id);
    let touched: Vec<&Component> = page.components.iter().filter(|c| !c.is_group && fed_by(c, core.subject)).collect();
    let names: Vec<String> = touched.iter().map(|c| c.name.clone()).collect();
    let resolved = !incident.status().is_ongoing();
    let impacts = touched
        .iter()
        .map(|c| {
            let alone = c.sources.monitors.len() + c.sources.tasks.len() == 1;
            (c.id, if alone { ComponentStatus::MajorOutage } else { ComponentStatus::PartialOutage })
        })
        .collect();
    let update = PublicUpdate {
        id: PublicUpdateId::from_uuid(deps.random.new_id(now)),
        status: if resolved { PublicStatus::Resolved } else { PublicStatus::Investigating },
        body: post.body.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| automatic_body(resolved, &names, page.default_locale)),
        at: now,
        impacts,
        notify: post.notify,
        by: post.by.to_owned(),
    };
    let public = PublicIncident {
        id,
        tenant_id: page.tenant_id,
        page_id: page.id,
        name: post.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| automatic_name(&names, page.default_locale)),
        impact_override: None,
        updates: vec![update.clone()],
        source: Some(core.id),
        follows_source: post.follows,
        created_at: now,
        revision: 1,
    };
    match deps.stores.public_incidents.put_incident(&public).await? {
        IncidentWrite::Written => {
            notify_subscribers(deps, page, &public, &update, now).await?;
            refresh_snapshot(deps, page, now).await?;
            Ok((public, true))
        }
        _ => {
            let stored = deps.stores.public_incidents.incident(page.tenant_id, id).await?.ok_or(StoreError::Conflict)?;
            Ok((stored, false))
        }
    }
}

/// Resolves the post of `incident` on `page` if there is one that follows it and is open.
pub(crate) async fn resolve_post(deps: &Deps, page: &StatusPage, incident: &AnyIncident, now: Timestamp) -> Result<(), StoreError> {
    let id = PublicIncidentId::published_from(incident.core().id, page.id);
    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let Some(post) = deps.stores.public_incidents.incident(page.tenant_id, id).await? else { return Ok(()) };
        if !post.follows_source || post.is_resolved() {
            return Ok(());
        }
        let names: Vec<String> = post.components().iter().filter_map(|c| page.component(*c)).map(|c| c.name.clone()).collect();
        let update = PublicUpdate {
            id: PublicUpdateId::from_uuid(deps.random.new_id(now)),
            status: PublicStatus::Resolved,
            body: automatic_body(true, &names, page.default_locale),
            at: now,
            impacts: Default::default(),
            notify: post.latest().notify,
            by: "Vigil".to_owned(),
        };
        let Ok(next) = post.post(update.clone()) else { return Ok(()) };
        match deps.stores.public_incidents.put_incident(&next).await? {
            IncidentWrite::Written => {
                notify_subscribers(deps, page, &next, &update, now).await?;
                refresh_snapshot(deps, page, now).await?;
                return Ok(());
            }
            _ => continue,
        }
    }
    Err(StoreError::Conflict)
}
