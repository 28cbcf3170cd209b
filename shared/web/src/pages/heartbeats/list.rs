//! `GET /tasks`: every heartbeat task with its status, schedule, last run and next expected
//! ping.

use super::schedule_text;
use crate::failure::Failure;
use crate::i18n::msg;
use crate::page::render;
use crate::pages::state_badge::Badge;
use crate::shell::{Nav, Shell};
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::tasks::{ListTasks, list_tasks};
use vigil_domain::access::Action;
use vigil_domain::page::{Cursor, PageRequest};

/// A task's row.
struct TaskRow {
    id: String,
    name: String,
    badge: Badge,
    schedule: String,
    last: String,
    expected: String,
    managed: bool,
}

#[derive(Template)]
#[template(path = "tasks/list.html")]
struct TasksPage {
    shell: Shell,
    tasks: Vec<TaskRow>,
    may_edit: bool,
    next: Option<String>,
}

/// `?cursor=` and `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    cursor: Option<String>,
    notice: Option<String>,
}

/// Tasks on a page.
const PAGE_SIZE: u32 = 100;

/// `GET /tasks`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<ListQuery>) -> Result<Response, Failure> {
    let shell = Shell::member(&visitor, msg("tasks.title"), Nav::Tasks).await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let page = PageRequest { cursor: query.cursor.filter(|c| !c.is_empty()).map(Cursor), limit: PAGE_SIZE };
    let listed = list_tasks(&visitor.deps, ListTasks { actor: actor.clone(), page }, SystemClock::now())
        .await
        .map_err(|e| Failure::of(&visitor, e))?;
    let never = tr.t(msg("tasks.never")).to_owned();
    let tasks = listed
        .items
        .iter()
        .map(|view| {
            let (task, state) = (&view.record.task, &view.record.state);
            TaskRow {
                id: task.id.to_string(),
                name: task.spec.name.clone(),
                badge: Badge::task(tr, view.assessment.status),
                schedule: schedule_text(tr, &task.spec.schedule),
                last: state.last_finish.as_ref().map_or_else(|| never.clone(), |f| tr.datetime(f.at)),
                expected: view.assessment.expected_at.map_or_else(|| "—".to_owned(), |at| tr.datetime(at)),
                managed: task.spec.managed.is_some(),
            }
        })
        .collect();
    let next = listed.next_cursor.map(|Cursor(cursor)| {
        format!("{}?{}", visitor.link("/tasks"), serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default())
    });
    Ok(render(&visitor, &TasksPage { shell, tasks, may_edit: actor.may(Action::EditTasks), next }))
}
