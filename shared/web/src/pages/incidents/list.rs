//! `GET /incidents`: newest first, filtered by status, subject and the day they opened from.

use super::kind_name;
use crate::failure::{Failure, Refusal, said};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render};
use crate::pages::state_badge::Badge;
use crate::shell::{Nav, Shell};
use crate::span;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::incidents::{ListIncidents, list_incidents};
use vigil_app::notifications::{ListSubjects, list_subjects};
use vigil_domain::access::Actor;
use vigil_domain::incident::{AnyIncident, IncidentStatus, IncidentSubject};
use vigil_domain::page::{Cursor, PageRequest};
use vigil_domain::ports::IncidentQuery;

/// An incident's row.
struct IncidentRow {
    id: String,
    subject: String,
    kind: String,
    badge: Badge,
    opened: String,
    length: String,
    cause: String,
    acknowledged_by: String,
}

/// A subject to filter by.
struct SubjectChoice {
    value: String,
    name: String,
}

#[derive(Template)]
#[template(path = "incidents/list.html")]
struct IncidentsPage {
    shell: Shell,
    errors: Refusal,
    filters: Filters,
    subjects: Vec<SubjectChoice>,
    statuses: Vec<SubjectChoice>,
    incidents: Vec<IncidentRow>,
    next: Option<String>,
}

/// The filters, as the form sends them.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Filters {
    #[serde(default)]
    status: String,
    /// `monitor:<id>` or `task:<id>`.
    #[serde(default)]
    subject: String,
    /// A day, in the reader's zone.
    #[serde(default)]
    since: String,
    cursor: Option<String>,
}

/// Incidents on a page.
const PAGE_SIZE: u32 = 50;

/// How long an incident lasted, or has lasted so far.
pub(super) fn length(tr: &Tr, incident: &AnyIncident, now: Timestamp) -> String {
    let opened = incident.core().opened_at;
    match incident.resolution() {
        Some(resolution) => tr.a(msg("incidents.lasted"), "span", span::seconds(tr, resolution.at.duration_since(opened).as_secs())),
        None => tr.a(msg("incidents.ongoing_for"), "span", span::seconds(tr, now.duration_since(opened).as_secs())),
    }
}

fn row(visitor: &Visitor, incident: &AnyIncident, now: Timestamp) -> IncidentRow {
    let tr = &visitor.tr;
    let core = incident.core();
    IncidentRow {
        id: core.id.to_string(),
        subject: core.subject_name.clone(),
        kind: kind_name(tr, &core.subject),
        badge: Badge::incident(tr, incident.status()),
        opened: tr.datetime(core.opened_at),
        length: length(tr, incident, now),
        cause: said(tr, &core.cause.summary),
        acknowledged_by: incident.acknowledgement().map(|a| a.by.clone()).unwrap_or_default(),
    }
}

/// The monitors and tasks to filter by (the first 500 of each), by name: read through
/// `list_subjects`, so the page reads no ping key or task state.
async fn subjects(visitor: &Visitor, actor: &Actor, now: Timestamp) -> Result<Vec<SubjectChoice>, Failure> {
    let subjects = list_subjects(&visitor.deps, ListSubjects { actor: actor.clone() }, now).await.map_err(|e| Failure::of(visitor, e))?;
    let tr = &visitor.tr;
    let monitor_word = tr.t(msg("incidents.kind.monitor"));
    let task_word = tr.t(msg("incidents.kind.task"));
    let mut choices: Vec<SubjectChoice> = subjects
        .monitors
        .into_iter()
        .map(|(id, name)| SubjectChoice { value: format!("monitor:{id}"), name: format!("{name} ({monitor_word})") })
        .chain(
            subjects
                .tasks
                .into_iter()
                .map(|(id, name)| SubjectChoice { value: format!("task:{id}"), name: format!("{name} ({task_word})") }),
        )
        .collect();
    choices.sort_by_cached_key(|choice| choice.name.to_lowercase());
    Ok(choices)
}

fn subject_of(text: &str) -> Result<Option<IncidentSubject>, ()> {
    if text.is_empty() {
        return Ok(None);
    }
    let (kind, id) = text.split_once(':').ok_or(())?;
    let uuid = id.parse().map_err(|_| ())?;
    IncidentSubject::from_parts(kind, uuid).map(Some).ok_or(())
}

/// The start of the day `date` in the reader's zone.
fn day_start(tr: &Tr, date: &str) -> Result<Option<Timestamp>, ()> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let date: jiff::civil::Date = date.parse().map_err(|_| ())?;
    date.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(tr.zone().clone()).map(|z| Some(z.timestamp())).map_err(|_| ())
}

/// `GET /incidents?status=&subject=&since=&cursor=`.
pub(crate) async fn show(visitor: Visitor, Query(filters): Query<Filters>) -> Result<Response, Failure> {
    let shell = Shell::member(&visitor, msg("incidents.title"), Nav::Incidents).await?;
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let statuses = [IncidentStatus::Open, IncidentStatus::Acknowledged, IncidentStatus::Resolved]
        .into_iter()
        .map(|status| SubjectChoice { value: status.to_string(), name: Badge::incident(tr, status).text })
        .collect();
    let mut page = IncidentsPage {
        shell,
        errors: Refusal::default(),
        subjects: subjects(&visitor, &actor, now).await?,
        statuses,
        filters: filters.clone(),
        incidents: Vec::new(),
        next: None,
    };
    let status = match filters.status.as_str() {
        "" => Ok(None),
        text => IncidentStatus::parse(text).map(Some).ok_or_else(|| Refusal::field_error(tr, "status", msg("incidents.bad_filter"))),
    };
    let subject = subject_of(&filters.subject).map_err(|()| Refusal::field_error(tr, "subject", msg("incidents.bad_filter")));
    let since = day_start(tr, &filters.since).map_err(|()| Refusal::field_error(tr, "since", msg("incidents.bad_date")));
    let (status, subject, since) = match (status, subject, since) {
        (Ok(status), Ok(subject), Ok(since)) => (status, subject, since),
        (Err(errors), _, _) | (_, Err(errors), _) | (_, _, Err(errors)) => {
            page.errors = errors;
            return Ok(refused(&visitor, &page));
        }
    };
    let query = IncidentQuery {
        status,
        subject,
        opened_from: since,
        opened_before: None,
        page: PageRequest { cursor: filters.cursor.clone().filter(|c| !c.is_empty()).map(Cursor), limit: PAGE_SIZE },
    };
    let listed = list_incidents(&visitor.deps, ListIncidents { actor, query }, now).await.map_err(|e| Failure::of(&visitor, e))?;
    page.incidents = listed.items.iter().map(|incident| row(&visitor, incident, now)).collect();
    page.next = listed.next_cursor.map(|Cursor(cursor)| {
        let pairs = [("status", filters.status.as_str()), ("subject", &filters.subject), ("since", &filters.since), ("cursor", &cursor)];
        format!("{}?{}", visitor.link("/incidents"), serde_urlencoded::to_string(pairs).unwrap_or_default())
    });
    Ok(render(&visitor, &page))
}
