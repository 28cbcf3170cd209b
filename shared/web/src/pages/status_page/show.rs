//! The three views of a page: the page itself, its history by month, and one incident.

use super::view::{ComponentView, IncidentView, MaintenanceView, Span, banner, components, incident, maintenance};
use super::{Frame, Opened, PublicQuery, kept_or};
use crate::i18n::msg;
use crate::visitor::Visitor;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use vigil_app::SystemClock;
use vigil_http::answer_cache::AnswerCache;

/// How far back the page lists resolved incidents (older ones are on the history page).
const RECENT: SignedDuration = SignedDuration::from_hours(14 * 24);

/// The page: banner, open incidents, maintenance, components and the subscription form.
#[derive(Template)]
#[template(path = "status_page/page.html")]
pub(super) struct PageView {
    pub(super) frame: Frame,
    pub(super) description: String,
    pub(super) banner_class: &'static str,
    pub(super) banner: String,
    pub(super) updated: String,
    pub(super) open: Vec<IncidentView>,
    pub(super) maintenances: Vec<MaintenanceView>,
    pub(super) components: Vec<ComponentView>,
    pub(super) recent: Vec<IncidentView>,
    /// The subscription form's address, kept when refused.
    pub(super) email: String,
    /// Why the subscription was refused.
    pub(super) subscribe_error: Option<String>,
}

impl PageView {
    /// The page of `opened` at `now`.
    pub(super) fn of(opened: &Opened, now: Timestamp) -> Self {
        let Opened { snapshot, frame, .. } = opened;
        let tr = &frame.tr;
        let (banner_class, banner_text) = banner(tr, snapshot.indicator);
        Self {
            frame: Frame { title: frame.name.clone(), ..frame.clone() },
            description: snapshot.page.description.clone(),
            banner_class,
            banner: banner_text,
            updated: tr.a(msg("public.updated"), "at", tr.datetime(snapshot.computed_at)),
            open: snapshot.unresolved().map(|i| incident(tr, snapshot, i)).collect(),
            maintenances: snapshot.maintenances.iter().map(|m| maintenance(tr, snapshot, m, now)).collect(),
            components: components(tr, snapshot, Span::Days, now),
            recent: snapshot
                .incidents
                .iter()
                .filter(|i| i.resolved_at().is_some_and(|at| at + RECENT > now))
                .map(|i| incident(tr, snapshot, i))
                .collect(),
            email: String::new(),
            subscribe_error: None,
        }
    }
}

/// `GET /status/{slug}`.
pub(super) async fn page(
    visitor: Visitor,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path(slug): Path<String>,
    Query(query): Query<PublicQuery>,
    headers: HeaderMap,
) -> Response {
    kept_or(&visitor, &kept, &headers, (&slug, ""), &query, |opened| Some(PageView::of(&opened, SystemClock::now()).render())).await
}

/// The history: every component's uptime month by month, and the incidents of the span.
#[derive(Template)]
#[template(path = "status_page/history.html")]
struct HistoryView {
    frame: Frame,
    components: Vec<ComponentView>,
    incidents: Vec<IncidentView>,
}

/// `GET /status/{slug}/history`.
pub(super) async fn history(
    visitor: Visitor,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path(slug): Path<String>,
    Query(query): Query<PublicQuery>,
    headers: HeaderMap,
) -> Response {
    kept_or(&visitor, &kept, &headers, (&slug, "/history"), &query, |Opened { snapshot, frame, .. }| {
        let tr = &frame.tr;
        let view = HistoryView {
            components: components(tr, &snapshot, Span::Months, SystemClock::now()),
            incidents: snapshot.incidents.iter().map(|i| incident(tr, &snapshot, i)).collect(),
            frame: Frame { title: tr.a(msg("public.history.title"), "page", &frame.name), ..frame.clone() },
        };
        Some(view.render())
    })
    .await
}

/// One incident with all its updates.
#[derive(Template)]
#[template(path = "status_page/incident.html")]
struct IncidentPage {
    frame: Frame,
    incident: IncidentView,
}

/// `GET /status/{slug}/incidents/{id}`.
pub(super) async fn incident_page(
    visitor: Visitor,
    Extension(kept): Extension<Arc<AnswerCache>>,
    Path((slug, id)): Path<(String, String)>,
    Query(query): Query<PublicQuery>,
    headers: HeaderMap,
) -> Response {
    let sub = format!("/incidents/{id}");
    kept_or(&visitor, &kept, &headers, (&slug, &sub), &query, |Opened { snapshot, frame, .. }| {
        let found = snapshot.incidents.iter().find(|i| i.id.to_string() == id)?;
        let view = incident(&frame.tr, &snapshot, found);
        Some(IncidentPage { frame: Frame { title: view.name.clone(), ..frame }, incident: view }.render())
    })
    .await
}
