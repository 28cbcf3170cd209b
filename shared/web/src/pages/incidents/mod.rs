//! Incidents: the list with its filters, and an incident's page (timeline, delivery log) where
//! a responder acknowledges, comments and resolves.

mod incident;
mod list;
mod timeline;

use crate::i18n::{Tr, msg};
use axum::Router;
use axum::routing::{get, post};
use vigil_app::Deps;
use vigil_domain::incident::IncidentSubject;

/// The routes of the incident pages.
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/incidents", get(list::show))
        .route("/incidents/{id}", get(incident::show))
        .route("/incidents/{id}/acknowledge", post(incident::acknowledge))
        .route("/incidents/{id}/comment", post(incident::comment))
        .route("/incidents/{id}/resolve", post(incident::resolve))
        .route("/incidents/{id}/publish", post(incident::publish))
}

/// "Monitor", "Heartbeat task" or "Host rule".
fn kind_name(tr: &Tr, subject: &IncidentSubject) -> String {
    tr.t(match subject {
        IncidentSubject::Monitor(_) => msg("incidents.kind.monitor"),
        IncidentSubject::Task(_) => msg("incidents.kind.task"),
        IncidentSubject::Host(_) => msg("incidents.kind.host"),
    })
    .to_owned()
}

/// The page of an incident's subject.
fn subject_path(subject: &IncidentSubject) -> Option<String> {
    match subject {
        IncidentSubject::Monitor(id) => Some(format!("/monitors/{id}")),
        IncidentSubject::Task(id) => Some(format!("/tasks/{id}")),
        IncidentSubject::Host(id) => Some(format!("/hosts/{id}")),
    }
}
