//! An incident's page: what went down and why, its timeline and delivery log; acknowledging,
//! commenting and resolving for those whose role responds to incidents.

use super::list::length;
use super::timeline::{DeliveryRow, EntryRow, delivery, entry, resolved_by, silence};
use super::{kind_name, subject_path};
use crate::failure::{Failure, Refusal, Sorted, said};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::pages::sign_in::Empty;
use crate::pages::state_badge::Badge;
use crate::shell::{Nav, Shell};
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use vigil_app::SystemClock;
use vigil_app::incidents::{
    AcknowledgeIncident, CommentOnIncident, GetIncident, ResolveIncident, acknowledge_incident, comment_on_incident, get_incident,
    resolve_incident,
};
use vigil_app::notifications::{ListChannels, list_channels};
use vigil_app::status_pages::{PublishIncident, list_pages, publish_incident};
use vigil_domain::access::Action;
use vigil_domain::check::FailureClass;
use vigil_domain::ids::{ChannelId, IncidentId};
use vigil_domain::incident::{IncidentCause, IncidentStatus};
use vigil_domain::page::PageRequest;

/// One fact of the cause.
struct Fact {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "incidents/incident.html")]
struct IncidentPage {
    shell: Shell,
    errors: Refusal,
    id: String,
    subject: String,
    kind: String,
    subject_link: Option<String>,
    badge: Badge,
    opened: String,
    length: String,
    cause: String,
    facts: Vec<Fact>,
    silenced: Option<String>,
    acknowledged: Option<String>,
    resolved: Option<(String, Option<String>)>,
    timeline: Vec<EntryRow>,
    deliveries: Vec<DeliveryRow>,
    may_respond: bool,
    open: bool,
    ongoing: bool,
    /// A comment being written, kept when refused.
    comment: String,
    /// A resolution's note being written, kept when refused.
    note: String,
    /// Which form a refusal is about (`comment` or `resolve`).
    refused_form: &'static str,
    /// The status pages it can be posted on (for editors): id and name.
    status_pages: Vec<(String, String)>,
}

fn class_name(tr: &Tr, class: FailureClass) -> String {
    tr.t(match class {
        FailureClass::Dns => msg("incident.class.dns"),
        FailureClass::ConnectionRefused => msg("incident.class.connection_refused"),
        FailureClass::Connect => msg("incident.class.connect"),
        FailureClass::Timeout => msg("incident.class.timeout"),
        FailureClass::Tls => msg("incident.class.tls"),
        FailureClass::Blocked => msg("incident.class.blocked"),
        FailureClass::Protocol => msg("incident.class.protocol"),
        FailureClass::BadStatus => msg("incident.class.bad_status"),
        FailureClass::AssertionFailed => msg("incident.class.assertion_failed"),
        FailureClass::BodyTooLarge => msg("incident.class.body_too_large"),
    })
    .to_owned()
}

fn facts(tr: &Tr, cause: &IncidentCause) -> Vec<Fact> {
    let fact = |key: &str, value: String| Fact { label: tr.t(key).to_owned(), value };
    let mut out = Vec::new();
    if let Some(class) = cause.failure_class {
        out.push(fact(msg("incident.fact.class"), class_name(tr, class)));
    }
    if let Some(code) = cause.status_code {
        out.push(fact(msg("incident.fact.status_code"), code.to_string()));
    }
    if let Some(assertion) = &cause.assertion {
        out.push(fact(msg("incident.fact.assertion"), assertion.clone()));
    }
    if let Some(error) = &cause.error {
        out.push(fact(msg("incident.fact.error"), error.clone()));
    }
    if let Some(at) = cause.checked_at {
        out.push(fact(msg("incident.fact.checked_at"), tr.datetime(at)));
    }
    out
}

/// Channel names by id (the first 500 channels), for the timeline and the delivery log.
async fn channel_names(visitor: &Visitor) -> Result<HashMap<ChannelId, String>, Failure> {
    let actor = visitor.member()?.actor.clone();
    let page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    let channels =
        list_channels(&visitor.deps, ListChannels { actor, page }, SystemClock::now()).await.map_err(|e| Failure::of(visitor, e))?;
    Ok(channels.items.into_iter().map(|c| (c.id, c.name)).collect())
}

async fn page(visitor: &Visitor, incident_id: IncidentId, notice: Option<&str>) -> Result<IncidentPage, Failure> {
    let mut shell = Shell::member(visitor, msg("incidents.title"), Nav::Incidents).await?.with_notice(notice);
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let detail =
        get_incident(&visitor.deps, GetIncident { actor: actor.clone(), incident_id }, now).await.map_err(|e| Failure::of(visitor, e))?;
    let channels = channel_names(visitor).await?;
    let incident = &detail.incident;
    let core = incident.core();
    shell.title = tr.a(msg("incident.title"), "subject", &core.subject_name);
    let status = incident.status();
    Ok(IncidentPage {
        shell,
        errors: Refusal::default(),
        id: core.id.to_string(),
        subject: core.subject_name.clone(),
        kind: kind_name(tr, &core.subject),
        subject_link: subject_path(&core.subject).map(|path| visitor.link(&path)),
        badge: Badge::incident(tr, status),
        opened: tr.datetime(core.opened_at),
        length: length(tr, incident, now),
        cause: said(tr, &core.cause.summary),
        facts: facts(tr, &core.cause),
        silenced: core.silenced.as_deref().map(|reason| silence(tr, reason)),
        acknowledged: incident.acknowledgement().map(|a| tr.a2(msg("incident.acknowledged_by"), "by", &a.by, "at", tr.datetime(a.at))),
        resolved: incident.resolution().map(|r| {
            let (how, note) = resolved_by(tr, &r.by);
            (tr.a2(msg("incident.resolved_at"), "how", how, "at", tr.datetime(r.at)), note)
        }),
        timeline: detail.timeline.iter().map(|e| entry(tr, e, &channels)).collect(),
        deliveries: detail
            .deliveries
            .iter()
            .filter_map(|(d, attempts)| d.channel_message().map(|message| delivery(tr, d, message, attempts, &channels)))
            .collect(),
        may_respond: actor.may(Action::RespondToIncidents),
        open: status == IncidentStatus::Open,
        ongoing: status.is_ongoing(),
        comment: String::new(),
        note: String::new(),
        refused_form: "",
        status_pages: if actor.may(Action::EditStatusPages) {
            let pages = list_pages(&visitor.deps, &actor).await.map_err(|e| Failure::of(visitor, e))?;
            pages.into_iter().map(|p| (p.id.to_string(), p.name)).collect()
        } else {
            Vec::new()
        },
    })
}

fn incident_id(visitor: &Visitor, text: &str) -> Result<IncidentId, Failure> {
    text.parse().map_err(|_| Failure::not_found(visitor))
}

/// `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IncidentQuery {
    notice: Option<String>,
}

/// `GET /incidents/{id}`.
pub(crate) async fn show(Path(id): Path<String>, visitor: Visitor, Query(query): Query<IncidentQuery>) -> Result<Response, Failure> {
    let incident_id = incident_id(&visitor, &id)?;
    let page = page(&visitor, incident_id, query.notice.as_deref()).await?;
    Ok(render(&visitor, &page))
}

/// Who acts, as the timeline names them: the member's name.
fn by(visitor: &Visitor) -> Result<(vigil_domain::access::Actor, String), Failure> {
    let member = visitor.member()?;
    Ok((member.actor.clone(), member.user.name.clone()))
}

fn back(visitor: &Visitor, incident_id: IncidentId, notice: &str) -> Response {
    see_other(&visitor.link(&format!("/incidents/{incident_id}?notice={notice}")))
}

/// The page an internal incident is posted on.
#[derive(Debug, Deserialize)]
pub(crate) struct PublishForm {
    page_id: String,
}

/// `POST /incidents/{id}/publish`: posts the incident on a status page in one action (the
/// components its monitor or task feeds, never their names), then opens the post's editor
/// for its next update; publishing again opens the same post.
pub(crate) async fn publish(Path(id): Path<String>, posted: Posted<PublishForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let incident_id = incident_id(&visitor, &id)?;
    let actor = crate::failure::allowed(&visitor, Action::EditStatusPages)?;
    let page_id = form.page_id.parse().map_err(|_| Failure::not_found(&visitor))?;
    let cmd = PublishIncident { actor, incident_id, page_id, name: None, body: None, notify: true, follow: true };
    let (public, _) = publish_incident(&visitor.deps, cmd, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link(&format!("/status-pages/{}/incidents/{}?notice=public_incident_posted", public.page_id, public.id))))
}

/// `POST /incidents/{id}/acknowledge`.
pub(crate) async fn acknowledge(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let incident_id = incident_id(&visitor, &id)?;
    let (actor, by) = by(&visitor)?;
    let cmd = AcknowledgeIncident { actor, incident_id, by };
    acknowledge_incident(&visitor.deps, cmd, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(back(&visitor, incident_id, "acknowledged"))
}

/// The comment form.
#[derive(Debug, Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    text: String,
}

/// `POST /incidents/{id}/comment`.
pub(crate) async fn comment(Path(id): Path<String>, posted: Posted<CommentForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let incident_id = incident_id(&visitor, &id)?;
    let (actor, by) = by(&visitor)?;
    let cmd = CommentOnIncident { actor, incident_id, by, text: form.text.clone() };
    match comment_on_incident(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(_) => Ok(back(&visitor, incident_id, "commented")),
        Err(error) => {
            let errors = error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?;
            let mut page = page(&visitor, incident_id, None).await?;
            (page.errors, page.comment, page.refused_form) = (errors, form.text, "comment");
            Ok(refused(&visitor, &page))
        }
    }
}

/// The resolution form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResolveForm {
    #[serde(default)]
    note: String,
}

/// `POST /incidents/{id}/resolve`: resolved, or the page again saying why not (its subject is
/// still down).
pub(crate) async fn resolve(Path(id): Path<String>, posted: Posted<ResolveForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let incident_id = incident_id(&visitor, &id)?;
    let (actor, by) = by(&visitor)?;
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    match resolve_incident(&visitor.deps, ResolveIncident { actor, incident_id, by, note }, SystemClock::now()).await {
        Ok(_) => Ok(back(&visitor, incident_id, "resolved")),
        Err(error) => {
            let errors = error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?;
            let mut page = page(&visitor, incident_id, None).await?;
            (page.errors, page.note, page.refused_form) = (errors, form.note, "resolve");
            Ok(refused(&visitor, &page))
        }
    }
}
