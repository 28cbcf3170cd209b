//! Heartbeat tasks: the list, a task's page (ping URLs, snippets, next fire times, runs and
//! pings), its form, and pausing, resuming and deleting it.

mod form;
mod list;
mod snippets;
mod task;

use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::span;
use crate::visitor::Visitor;
use axum::Router;
use axum::routing::get;
use vigil_app::Deps;
use vigil_domain::heartbeat::TaskSchedule;
use vigil_domain::ids::TaskId;

/// The routes of the task pages.
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/tasks", get(list::show).post(form::create))
        .route("/tasks/new", get(form::new))
        .route("/tasks/{id}", get(task::show))
        .route("/tasks/{id}/edit", get(form::edit).post(form::update))
        .route("/tasks/{id}/pause", axum::routing::post(task::pause))
        .route("/tasks/{id}/resume", axum::routing::post(task::resume))
        .route("/tasks/{id}/delete", get(task::confirm_delete).post(task::delete))
}

/// The task a path names, or a 404 page.
fn task_id(visitor: &Visitor, text: &str) -> Result<TaskId, Failure> {
    text.parse().map_err(|_| Failure::not_found(visitor))
}

/// A schedule in words: "Every 1 h", or the cron expression and its zone.
fn schedule_text(tr: &Tr, schedule: &TaskSchedule) -> String {
    match schedule {
        TaskSchedule::Period { seconds } => tr.a(msg("tasks.every"), "span", span::seconds(tr, i64::from(*seconds))),
        TaskSchedule::Cron { expr, timezone } => tr.a2(msg("tasks.cron_in"), "expr", expr.source(), "zone", timezone),
    }
}
