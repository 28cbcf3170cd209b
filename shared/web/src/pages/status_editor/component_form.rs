//! Adding, changing and removing a page's components and groups: the name readers see, the
//! group it sits in, the monitors and tasks that feed it, a state set by hand, and whether its
//! sources' incidents are posted at once and their names shown.

use super::{Pick, page_of, path_id, shell, state_options};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::pages::confirm;
use crate::pages::notifications::{Choice, Subjects, values};
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use std::collections::BTreeSet;
use vigil_app::SystemClock;
use vigil_app::status_pages::{PutComponent, RemoveComponent, put_component, remove_component};
use vigil_domain::access::Action;
use vigil_domain::ids::ComponentId;
use vigil_domain::status_page::{Component, ComponentDraft, StatusPage};

/// The component as the form holds it.
#[derive(Clone, Debug, Default)]
struct ComponentForm {
    name: String,
    description: String,
    group: bool,
    group_id: String,
    monitors: BTreeSet<String>,
    tasks: BTreeSet<String>,
    status: String,
    auto_publish: bool,
    show_sources: bool,
}

impl ComponentForm {
    fn of(c: &Component) -> Self {
        Self {
            name: c.name.clone(),
            description: c.description.clone(),
            group: c.is_group,
            group_id: c.group_id.map(|g| g.to_string()).unwrap_or_default(),
            monitors: c.sources.monitors.iter().map(ToString::to_string).collect(),
            tasks: c.sources.tasks.iter().map(ToString::to_string).collect(),
            status: c.manual.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            auto_publish: c.auto_publish,
            show_sources: c.show_sources,
        }
    }

    fn posted(pairs: &[(String, String)]) -> Self {
        let text = |name: &str| values(pairs, name).next().unwrap_or_default().to_owned();
        let ticked = |name: &str| values(pairs, name).next().is_some();
        Self {
            name: text("name"),
            description: text("description"),
            group: ticked("group"),
            group_id: text("group_id"),
            monitors: values(pairs, "monitors").map(str::to_owned).collect(),
            tasks: values(pairs, "tasks").map(str::to_owned).collect(),
            status: text("status"),
            auto_publish: ticked("auto_publish"),
            show_sources: ticked("show_sources"),
        }
    }

    /// The draft; `adding` says whether the group box counts (a component's kind stays).
    fn draft(&self, adding: bool) -> ComponentDraft {
        let sources = |ids: &BTreeSet<String>| (!self.group).then(|| ids.iter().cloned().collect());
        ComponentDraft {
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            group: adding.then_some(self.group),
            group_id: Some(self.group_id.clone()),
            monitors: sources(&self.monitors),
            tasks: sources(&self.tasks),
            status: Some(if self.status.is_empty() { "automatic".to_owned() } else { self.status.clone() }),
            auto_publish: (!self.group).then_some(self.auto_publish),
            show_sources: (!self.group).then_some(self.show_sources),
            position: None,
        }
    }
}

#[derive(Template)]
#[template(path = "status_editor/component_form.html")]
struct FormPage {
    shell: Shell,
    errors: Refusal,
    form: ComponentForm,
    groups: Vec<Pick>,
    states: Vec<Pick>,
    monitors: Vec<Choice>,
    tasks: Vec<Choice>,
    action: String,
    back: String,
    is_new: bool,
}

async fn form_page(
    visitor: &Visitor,
    page: &StatusPage,
    form: ComponentForm,
    errors: Refusal,
    editing: Option<ComponentId>,
) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("editor.component.edit_title") } else { msg("editor.component.new_title") };
    let shell = shell(visitor, title).await?;
    let subjects = Subjects::read(visitor, SystemClock::now()).await?;
    let tr = &visitor.tr;
    let groups = std::iter::once(Pick {
        value: String::new(),
        name: tr.t(msg("editor.component.top_level")).to_owned(),
        selected: form.group_id.is_empty(),
    })
    .chain(page.components.iter().filter(|c| c.is_group && Some(c.id) != editing).map(|g| Pick {
        value: g.id.to_string(),
        name: g.name.clone(),
        selected: form.group_id == g.id.to_string(),
    }))
    .collect();
    let base = format!("/status-pages/{}", page.id);
    Ok(FormPage {
        errors,
        groups,
        states: state_options(tr, msg("editor.automatic_choice"), &form.status),
        monitors: subjects.monitor_choices(&form.monitors),
        tasks: subjects.task_choices(&form.tasks),
        action: visitor.link(&match editing {
            Some(id) => format!("{base}/components/{id}"),
            None => format!("{base}/components"),
        }),
        back: visitor.link(&base),
        is_new: editing.is_none(),
        form,
        shell,
    })
}

/// The component `id` of `page`, or a 404 page.
fn component_of<'a>(visitor: &Visitor, page: &'a StatusPage, id: &str) -> Result<&'a Component, Failure> {
    let id: ComponentId = path_id(visitor, id)?;
    page.component(id).ok_or_else(|| Failure::not_found(visitor))
}

/// Back to the page's editor with a notice, or the form again with what was wrong.
async fn saved_or_refused(
    visitor: &Visitor,
    page: &StatusPage,
    form: ComponentForm,
    editing: Option<ComponentId>,
) -> Result<Response, Failure> {
    let actor = allowed(visitor, Action::EditStatusPages)?;
    let cmd = PutComponent { actor, page_id: page.id, component_id: editing, draft: form.draft(editing.is_none()) };
    let errors = match put_component(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(_) => return Ok(see_other(&visitor.link(&format!("/status-pages/{}?notice=component_saved#components", page.id)))),
        Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(visitor))?,
    };
    Ok(refused(visitor, &form_page(visitor, page, form, errors, editing).await?))
}

/// `GET /status-pages/{id}/components`: the form of a new component.
pub(crate) async fn new(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    Ok(render(&visitor, &form_page(&visitor, &page, ComponentForm::default(), Refusal::default(), None).await?))
}

/// `POST /status-pages/{id}/components`.
pub(crate) async fn create(Path(id): Path<String>, posted: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let page = page_of(&visitor, &id).await?;
    saved_or_refused(&visitor, &page, ComponentForm::posted(&pairs), None).await
}

/// `GET /status-pages/{id}/components/{component}`.
pub(crate) async fn edit(Path((id, component)): Path<(String, String)>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let current = component_of(&visitor, &page, &component)?;
    let form = ComponentForm::of(current);
    Ok(render(&visitor, &form_page(&visitor, &page, form, Refusal::default(), Some(current.id)).await?))
}

/// `POST /status-pages/{id}/components/{component}`.
pub(crate) async fn update(
    Path((id, component)): Path<(String, String)>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let page = page_of(&visitor, &id).await?;
    let current = component_of(&visitor, &page, &component)?;
    // A component's kind does not change: the form shows it and posts nothing for it.
    let form = ComponentForm { group: current.is_group, ..ComponentForm::posted(&pairs) };
    saved_or_refused(&visitor, &page, form, Some(current.id)).await
}

/// `GET /status-pages/{id}/components/{component}/remove`.
pub(crate) async fn confirm_remove(Path((id, component)): Path<(String, String)>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let current = component_of(&visitor, &page, &component)?;
    let shell = shell(&visitor, msg("editor.component.remove_title")).await?;
    let tr = &visitor.tr;
    let key = if current.is_group { msg("editor.component.remove_group_confirm") } else { msg("editor.component.remove_confirm") };
    let question = tr.a(key, "name", &current.name);
    let action = visitor.link(&format!("/status-pages/{}/components/{}/remove", page.id, current.id));
    let back = visitor.link(&format!("/status-pages/{}", page.id));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("editor.component.remove")).to_owned(), action, back))
}

/// `POST /status-pages/{id}/components/{component}/remove`.
pub(crate) async fn remove(Path((id, component)): Path<(String, String)>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let page = page_of(&visitor, &id).await?;
    let current = component_of(&visitor, &page, &component)?;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    let cmd = RemoveComponent { actor, page_id: page.id, component_id: current.id };
    remove_component(&visitor.deps, cmd, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link(&format!("/status-pages/{}?notice=component_removed#components", page.id))))
}
