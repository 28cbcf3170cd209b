//! Posting a public incident and its updates: a title, the status (investigating →
//! identified → monitoring → resolved), what readers are told, the impact on each component,
//! and whether subscribers are told. An update's form shows the incident's updates so far.

use super::{Pick, page_of, path_id, shell, state_options, status_key, status_options};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use std::collections::BTreeMap;
use vigil_app::SystemClock;
use vigil_app::status_pages::{PostIncident, PostUpdate, get_public_incident, post_incident, post_update};
use vigil_domain::access::Action;
use vigil_domain::ids::PublicIncidentId;
use vigil_domain::status_page::{PublicIncident, PublicIncidentDraft, PublicUpdateDraft, StatusPage};

/// The post as the form holds it.
#[derive(Clone, Debug, Default)]
struct IncidentForm {
    name: String,
    status: String,
    body: String,
    /// Component id → state, for those affected.
    impacts: BTreeMap<String, String>,
    notify: bool,
}

impl IncidentForm {
    fn fresh() -> Self {
        Self { status: "investigating".into(), notify: true, ..Self::default() }
    }

    /// The next update's form: the impacts stay as the last update left them.
    fn next(incident: &PublicIncident) -> Self {
        let last = incident.updates.last().expect("an incident has an update");
        Self {
            status: last.status.as_str().to_owned(),
            impacts: last.impacts.iter().map(|(id, state)| (id.to_string(), state.as_str().to_owned())).collect(),
            notify: true,
            ..Self::default()
        }
    }

    fn posted(pairs: &[(String, String)]) -> Self {
        let text = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        Self {
            name: text("name"),
            status: text("status"),
            body: text("body"),
            impacts: pairs
                .iter()
                .filter_map(|(n, v)| Some((n.strip_prefix("impact_")?.to_owned(), v.clone())))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            notify: pairs.iter().any(|(n, _)| n == "notify"),
        }
    }
}

/// One component's impact select.
struct ImpactField {
    field: String,
    name: String,
    states: Vec<Pick>,
}

/// An earlier update, as the form lists it.
struct UpdateRow {
    status: String,
    at: String,
    body: String,
}

#[derive(Template)]
#[template(path = "status_editor/incident_form.html")]
struct FormPage {
    shell: Shell,
    errors: Refusal,
    form: IncidentForm,
    statuses: Vec<Pick>,
    impacts: Vec<ImpactField>,
    updates: Vec<UpdateRow>,
    action: String,
    back: String,
    is_new: bool,
    resolved: bool,
}

fn form_page(
    visitor: &Visitor,
    shell: Shell,
    page: &StatusPage,
    form: IncidentForm,
    errors: Refusal,
    incident: Option<&PublicIncident>,
) -> FormPage {
    let tr = &visitor.tr;
    let impacts = page
        .in_reading_order()
        .into_iter()
        .filter(|c| !c.is_group)
        .map(|c| {
            let chosen = form.impacts.get(&c.id.to_string()).map_or("", String::as_str);
            let name = match c.group_id.and_then(|g| page.component(g)) {
                Some(group) => format!("{} › {}", group.name, c.name),
                None => c.name.clone(),
            };
            ImpactField { field: format!("impact_{}", c.id), name, states: state_options(tr, msg("editor.incident.not_affected"), chosen) }
        })
        .collect();
    let base = format!("/status-pages/{}", page.id);
    FormPage {
        errors,
        statuses: status_options(tr, &form.status),
        impacts,
        updates: incident
            .map(|i| {
                i.updates
                    .iter()
                    .rev()
                    .map(|u| UpdateRow { status: tr.t(status_key(u.status)).to_owned(), at: tr.datetime(u.at), body: u.body.clone() })
                    .collect()
            })
            .unwrap_or_default(),
        action: visitor.link(&match incident {
            Some(i) => format!("{base}/incidents/{}", i.id),
            None => format!("{base}/incidents"),
        }),
        back: visitor.link(&format!("{base}#incidents")),
        is_new: incident.is_none(),
        resolved: incident.is_some_and(PublicIncident::is_resolved),
        form,
        shell,
    }
}

/// The incident `id` posted on `page`, or a 404 page.
async fn incident_of(visitor: &Visitor, page: &StatusPage, id: &str) -> Result<PublicIncident, Failure> {
    let incident_id: PublicIncidentId = path_id(visitor, id)?;
    let actor = visitor.member()?.actor.clone();
    let incident = get_public_incident(&visitor.deps, &actor, incident_id).await.map_err(|e| Failure::of(visitor, e))?;
    if incident.page_id == page.id { Ok(incident) } else { Err(Failure::not_found(visitor)) }
}

/// Where an editor lands after posting: the page's editor, saying how many were told.
fn posted_to(visitor: &Visitor, page: &StatusPage) -> Response {
    see_other(&visitor.link(&format!("/status-pages/{}?notice=public_incident_posted#incidents", page.id)))
}

/// `GET /status-pages/{id}/incidents`: the form of a new incident.
pub(crate) async fn new(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let shell = shell(&visitor, msg("editor.incident.new_title")).await?;
    Ok(render(&visitor, &form_page(&visitor, shell, &page, IncidentForm::fresh(), Refusal::default(), None)))
}

/// `POST /status-pages/{id}/incidents`.
pub(crate) async fn create(Path(id): Path<String>, posted: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let form = IncidentForm::posted(&pairs);
    let draft = PublicIncidentDraft {
        name: form.name.clone(),
        status: Some(form.status.clone()),
        body: form.body.clone(),
        components: form.impacts.clone(),
        notify: Some(form.notify),
        impact: None,
    };
    let errors = match post_incident(&visitor.deps, PostIncident { actor, page_id: page.id, draft }, SystemClock::now()).await {
        Ok(_) => return Ok(posted_to(&visitor, &page)),
        Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
    };
    let shell = shell(&visitor, msg("editor.incident.new_title")).await?;
    Ok(refused(&visitor, &form_page(&visitor, shell, &page, form, errors, None)))
}

/// `GET /status-pages/{id}/incidents/{incident}`: the incident's updates and the next one's form.
pub(crate) async fn show_update(Path((id, incident)): Path<(String, String)>, visitor: Visitor) -> Result<Response, Failure> {
    let page = page_of(&visitor, &id).await?;
    let incident = incident_of(&visitor, &page, &incident).await?;
    let shell = Shell { title: incident.name.clone(), ..shell(&visitor, msg("editor.incident.update_title")).await? };
    Ok(render(&visitor, &form_page(&visitor, shell, &page, IncidentForm::next(&incident), Refusal::default(), Some(&incident))))
}

/// `POST /status-pages/{id}/incidents/{incident}`: posts the next update.
pub(crate) async fn update(
    Path((id, incident)): Path<(String, String)>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let incident = incident_of(&visitor, &page, &incident).await?;
    let form = IncidentForm::posted(&pairs);
    let draft = PublicUpdateDraft {
        status: form.status.clone(),
        body: form.body.clone(),
        components: Some(form.impacts.clone()),
        notify: Some(form.notify),
    };
    let errors = match post_update(&visitor.deps, PostUpdate { actor, incident_id: incident.id, draft }, SystemClock::now()).await {
        Ok(_) => return Ok(posted_to(&visitor, &page)),
        Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
    };
    let shell = Shell { title: incident.name.clone(), ..shell(&visitor, msg("editor.incident.update_title")).await? };
    Ok(refused(&visitor, &form_page(&visitor, shell, &page, form, errors, Some(&incident))))
}
