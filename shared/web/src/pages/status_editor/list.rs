//! `GET /status-pages`: the organisation's status pages, who may read each, where, and what
//! is open on it.

use super::shell;
use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::page::render;
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use vigil_app::status_pages::list_pages;
use vigil_domain::access::Action;
use vigil_domain::status_page::{PageAccess, StatusPage};

/// A page's row.
struct PageRow {
    href: String,
    public_href: String,
    name: String,
    address: String,
    access: String,
    components: usize,
}

#[derive(Template)]
#[template(path = "status_editor/list.html")]
struct ListPage {
    shell: Shell,
    pages: Vec<PageRow>,
    may_edit: bool,
}

/// Who may read a page, in words.
pub(super) fn access_text(tr: &Tr, access: &PageAccess) -> String {
    tr.t(match access {
        PageAccess::Public => msg("editor.access.public"),
        PageAccess::Password { .. } => msg("editor.access.password"),
        PageAccess::Members => msg("editor.access.members"),
    })
    .to_owned()
}

/// Where readers find a page: its own domain, else its path under Vigil's address.
pub(super) fn address(visitor: &Visitor, page: &StatusPage) -> (String, String) {
    let public = visitor.deps.settings.public_url.as_str().trim_end_matches('/');
    let path = format!("{public}/status/{}", page.slug);
    match &page.custom_domain {
        Some(domain) => (format!("https://{domain}/"), path),
        None => (path.clone(), path),
    }
}

/// `?notice=`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NoticeQuery {
    pub(super) notice: Option<String>,
}

/// `GET /status-pages`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("editor.title")).await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let pages = list_pages(&visitor.deps, &actor).await.map_err(|e| Failure::of(&visitor, e))?;
    let tr = &visitor.tr;
    let view = ListPage {
        pages: pages
            .iter()
            .map(|page| {
                let (address, public_href) = address(&visitor, page);
                PageRow {
                    href: visitor.link(&format!("/status-pages/{}", page.id)),
                    public_href,
                    name: page.name.clone(),
                    address,
                    access: access_text(tr, &page.access),
                    components: page.components.iter().filter(|c| !c.is_group).count(),
                }
            })
            .collect(),
        may_edit: actor.may(Action::EditStatusPages),
        shell,
    };
    Ok(render(&visitor, &view))
}
