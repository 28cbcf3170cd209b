//! The overview: the first page after signing in. This step shows the frame; the monitors and
//! tasks come with the pages that list them.

use crate::failure::Failure;
use crate::i18n::msg;
use crate::page::{render, see_other};
use crate::shell::{Nav, Shell};
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::accounts::needs_set_up;

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    shell: Shell,
}

/// `?notice=` after a change.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    pub(crate) notice: Option<String>,
}

/// `GET /`: set-up on a fresh installation, the sign-in page for strangers, the overview for
/// members.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    if visitor.member.is_none() && needs_set_up(&visitor.deps).await.map_err(|e| Failure::account(&visitor, e))? {
        return Ok(see_other(&visitor.link("/setup")));
    }
    let shell = Shell::member(&visitor, msg("overview.title"), Nav::Overview).await?.with_notice(query.notice.as_deref());
    Ok(render(&visitor, &OverviewPage { shell }))
}
