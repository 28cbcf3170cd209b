//! `GET /status-pages/{id}`: one page as its editors work on it: where it is read and by whom,
//! its components and groups with what feeds each and any state set by hand, and its public
//! incidents, the open ones first, each a click from its next update.

use super::list::{NoticeQuery, access_text, address};
use super::{page_of, path_id, shell, state_key, status_key};
use crate::failure::{Failure, allowed};
use crate::i18n::msg;
use crate::page::{render, see_other};
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use std::collections::HashMap;
use vigil_app::SystemClock;
use vigil_app::status_pages::{DeletePage, delete_page, list_public_incidents};
use vigil_domain::access::Action;
use vigil_domain::ids::StatusPageId;
use vigil_domain::page::PageRequest;
use vigil_domain::status_page::{Component, StatusPage};

/// A component's row.
struct ComponentRow {
    href: String,
    remove_href: String,
    name: String,
    in_group: bool,
    is_group: bool,
    /// What feeds it, in words.
    sources: String,
    /// Its state set by hand, or that it follows its sources.
    state: String,
    manual: bool,
}

/// A public incident's row.
struct IncidentRow {
    href: String,
    name: String,
    status: String,
    open: bool,
    last_update: String,
    updates: usize,
}

#[derive(Template)]
#[template(path = "status_editor/editor.html")]
struct EditorPage {
    shell: Shell,
    id: String,
    address: String,
    public_href: String,
    access: String,
    components: Vec<ComponentRow>,
    incidents: Vec<IncidentRow>,
    may_edit: bool,
}

/// What feeds `component`, in words: its monitors' and tasks' names.
fn sources(visitor: &Visitor, component: &Component, names: &HashMap<String, String>) -> String {
    let tr = &visitor.tr;
    if component.is_group {
        return tr.t(msg("editor.group_sources")).to_owned();
    }
    let ids = component.sources.monitors.iter().map(ToString::to_string).chain(component.sources.tasks.iter().map(ToString::to_string));
    let named: Vec<String> = ids.map(|id| names.get(&id).cloned().unwrap_or(id)).collect();
    if named.is_empty() { tr.t(msg("editor.no_sources")).to_owned() } else { named.join(", ") }
}

fn rows(visitor: &Visitor, page: &StatusPage, names: &HashMap<String, String>) -> Vec<ComponentRow> {
    let tr = &visitor.tr;
    page.in_reading_order()
        .into_iter()
        .map(|c| ComponentRow {
            href: visitor.link(&format!("/status-pages/{}/components/{}", page.id, c.id)),
            remove_href: visitor.link(&format!("/status-pages/{}/components/{}/remove", page.id, c.id)),
            name: c.name.clone(),
            in_group: c.group_id.is_some(),
            is_group: c.is_group,
            sources: sources(visitor, c, names),
            state: c.manual.map_or_else(|| tr.t(msg("editor.automatic")).to_owned(), |s| tr.t(state_key(s)).to_owned()),
            manual: c.manual.is_some(),
        })
        .collect()
}

/// `GET /status-pages/{id}`.
pub(crate) async fn show(Path(id): Path<String>, visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let page = page_of(&visitor, &id).await?;
    let shell = shell(&visitor, msg("editor.title")).await?.with_notice(query.notice.as_deref());
    let shell = Shell { title: page.name.clone(), ..shell };
    let actor = visitor.member()?.actor.clone();
    let listed = list_public_incidents(&visitor.deps, &actor, page.id, &PageRequest { cursor: None, limit: 50 })
        .await
        .map_err(|e| Failure::of(&visitor, e))?;
    let subjects = crate::pages::notifications::Subjects::read(&visitor, SystemClock::now()).await?;
    let names = subjects.names();
    let tr = &visitor.tr;
    let mut incidents: Vec<IncidentRow> = listed
        .items
        .iter()
        .map(|i| {
            let last = i.updates.last().expect("an incident has an update");
            IncidentRow {
                href: visitor.link(&format!("/status-pages/{}/incidents/{}", page.id, i.id)),
                name: i.name.clone(),
                status: tr.t(status_key(i.status())).to_owned(),
                open: !i.is_resolved(),
                last_update: tr.datetime(last.at),
                updates: i.updates.len(),
            }
        })
        .collect();
    incidents.sort_by_key(|i| !i.open);
    let (address, public_href) = address(&visitor, &page);
    let view = EditorPage {
        id: page.id.to_string(),
        address,
        public_href,
        access: access_text(tr, &page.access),
        components: rows(&visitor, &page, &names),
        incidents,
        may_edit: actor.may(Action::EditStatusPages),
        shell,
    };
    Ok(render(&visitor, &view))
}

/// `GET /status-pages/{id}/delete`.
pub(crate) async fn confirm_delete(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    let shell = shell(&visitor, msg("editor.delete_title")).await?;
    let tr = &visitor.tr;
    let question = tr.a(msg("editor.delete_confirm"), "name", &page.name);
    let action = visitor.link(&format!("/status-pages/{}/delete", page.id));
    let back = visitor.link(&format!("/status-pages/{}", page.id));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("editor.delete")).to_owned(), action, back))
}

/// `POST /status-pages/{id}/delete`.
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let page_id: StatusPageId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    delete_page(&visitor.deps, DeletePage { actor, page_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/status-pages?notice=status_page_deleted")))
}
