//! The status page editor: the organisation's pages, each page's settings, its components and
//! groups with the monitors and tasks that feed them, and its public incidents with their
//! updates. Readers' pages are in `status_page`; these call the same use cases as the API.

mod component_form;
mod editor;
mod incident_form;
mod list;
mod settings_form;

use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::shell::{Nav, Shell};
use crate::visitor::Visitor;
use axum::Router;
use axum::routing::get;
use vigil_app::Deps;
use vigil_app::status_pages::get_page;
use vigil_domain::ids::StatusPageId;
use vigil_domain::status_page::{ComponentStatus, PublicStatus, StatusPage};

/// The routes of the editor.
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/status-pages", get(list::show).post(settings_form::create))
        .route("/status-pages/new", get(settings_form::new))
        .route("/status-pages/{id}", get(editor::show))
        .route("/status-pages/{id}/settings", get(settings_form::edit).post(settings_form::update))
        .route("/status-pages/{id}/delete", get(editor::confirm_delete).post(editor::delete))
        .route("/status-pages/{id}/components", get(component_form::new).post(component_form::create))
        .route("/status-pages/{id}/components/{component}", get(component_form::edit).post(component_form::update))
        .route("/status-pages/{id}/components/{component}/remove", get(component_form::confirm_remove).post(component_form::remove))
        .route("/status-pages/{id}/incidents", get(incident_form::new).post(incident_form::create))
        .route("/status-pages/{id}/incidents/{incident}", get(incident_form::show_update).post(incident_form::update))
}

/// The frame of an editor page.
async fn shell(visitor: &Visitor, title_key: &str) -> Result<Shell, Failure> {
    Shell::member(visitor, title_key, Nav::StatusPages).await
}

/// An id from a path, or a 404 page.
fn path_id<T: std::str::FromStr>(visitor: &Visitor, text: &str) -> Result<T, Failure> {
    text.parse().map_err(|_| Failure::not_found(visitor))
}

/// The page `id` names, for the visitor's organisation.
async fn page_of(visitor: &Visitor, id: &str) -> Result<StatusPage, Failure> {
    let page_id: StatusPageId = path_id(visitor, id)?;
    let actor = visitor.member()?.actor.clone();
    get_page(&visitor.deps, &actor, page_id).await.map_err(|e| Failure::of(visitor, e))
}

/// A component state's words.
fn state_key(status: ComponentStatus) -> &'static str {
    match status {
        ComponentStatus::Operational => msg("public.component.operational"),
        ComponentStatus::UnderMaintenance => msg("public.component.under_maintenance"),
        ComponentStatus::DegradedPerformance => msg("public.component.degraded_performance"),
        ComponentStatus::PartialOutage => msg("public.component.partial_outage"),
        ComponentStatus::MajorOutage => msg("public.component.major_outage"),
    }
}

/// A public incident status's words.
fn status_key(status: PublicStatus) -> &'static str {
    match status {
        PublicStatus::Investigating => msg("public.incident.investigating"),
        PublicStatus::Identified => msg("public.incident.identified"),
        PublicStatus::Monitoring => msg("public.incident.monitoring"),
        PublicStatus::Resolved => msg("public.incident.resolved"),
    }
}

/// One option of a select.
pub(crate) struct Pick {
    /// The value posted.
    pub(crate) value: String,
    /// What it says.
    pub(crate) name: String,
    /// Whether it is chosen.
    pub(crate) selected: bool,
}

/// The five states as options, `chosen` selected, after `first` (the "automatic" or "not
/// affected" choice, valued "").
fn state_options(tr: &Tr, first: &str, chosen: &str) -> Vec<Pick> {
    std::iter::once(Pick { value: String::new(), name: tr.t(first).to_owned(), selected: chosen.is_empty() })
        .chain(ComponentStatus::ALL.iter().map(|s| Pick {
            value: s.as_str().to_owned(),
            name: tr.t(state_key(*s)).to_owned(),
            selected: chosen == s.as_str(),
        }))
        .collect()
}

/// The four incident statuses as options, `chosen` selected.
fn status_options(tr: &Tr, chosen: &str) -> Vec<Pick> {
    PublicStatus::ALL
        .iter()
        .map(|s| Pick { value: s.as_str().to_owned(), name: tr.t(status_key(*s)).to_owned(), selected: chosen == s.as_str() })
        .collect()
}
