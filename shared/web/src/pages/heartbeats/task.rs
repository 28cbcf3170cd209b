//! A task's page: its status in words, ping URLs and snippets to copy, the schedule's next
//! fire times in the task's own zone, runs with their logs, pings; pausing, resuming, deleting.

use super::snippets::{PingUrl, Snippet, ping_urls, snippets, token_url};
use super::{schedule_text, task_id};
use crate::failure::{Failure, allowed, said};
use crate::i18n::{Tr, msg};
use crate::page::{render, see_other};
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::pages::state_badge::Badge;
use crate::shell::{Nav, Shell};
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::tasks::{
    DeleteTask, GetTask, ListPings, ListRuns, PauseTask, ResumeTask, TaskView, delete_task, get_task, list_pings, list_runs, pause_task,
    resume_task,
};
use vigil_domain::access::Action;
use vigil_domain::heartbeat::{PingKind, RunState, TaskSchedule, TaskStatus};
use vigil_domain::page::{Cursor, PageRequest};
use vigil_domain::ports::StoredBody;

/// A run's row.
struct RunRow {
    badge: Badge,
    started: String,
    finished: String,
    duration: String,
    exit_status: String,
    reason: Option<String>,
    log: Option<String>,
}

/// A ping's row.
struct PingRow {
    at: String,
    kind: String,
    method: String,
    body: Option<String>,
    truncated: bool,
}

/// One line of the details list.
struct Detail {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "tasks/task.html")]
struct TaskPage {
    shell: Shell,
    id: String,
    name: String,
    badge: Badge,
    summary: String,
    managed: Option<(String, String)>,
    may_edit: bool,
    paused: bool,
    details: Vec<Detail>,
    /// The next fire times, in the task's zone, and that zone (cron schedules only).
    fire_times: Option<(Vec<String>, String)>,
    token_urls: Vec<PingUrl>,
    slug_urls: Option<Vec<PingUrl>>,
    snippets: Vec<Snippet>,
    /// The zone a cron schedule is read in, when the crontab line may run in another.
    crontab_zone: Option<String>,
    runs: Vec<RunRow>,
    runs_next: Option<String>,
    pings: Vec<PingRow>,
    pings_next: Option<String>,
}

/// `?runs=`, `?pings=` (cursors) and `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TaskQuery {
    runs: Option<String>,
    pings: Option<String>,
    notice: Option<String>,
}

/// Runs and pings on a page.
const HISTORY: u32 = 20;
/// Fire times shown.
const FIRE_TIMES: usize = 5;

fn cursor(text: &Option<String>) -> Option<Cursor> {
    text.clone().filter(|c| !c.is_empty()).map(Cursor)
}

/// What the task's status means now, in a sentence.
fn summary(tr: &Tr, view: &TaskView) -> String {
    let (spec, state, assessment) = (&view.record.task.spec, &view.record.state, &view.assessment);
    let expected = assessment.expected_at.map(|at| tr.datetime(at));
    match (assessment.status, expected) {
        (TaskStatus::Paused, _) => tr.t(msg("task.summary.paused")).to_owned(),
        (TaskStatus::Down, expected) => match state.last_finish.as_ref().and_then(|f| f.failure.as_deref()) {
            Some(failure) => tr.a(msg("task.summary.failed"), "reason", said(tr, failure)),
            None => tr.a2(
                msg("task.summary.missed"),
                "expected",
                expected.unwrap_or_default(),
                "grace",
                span::seconds(tr, i64::from(spec.grace_seconds)),
            ),
        },
        (TaskStatus::Running, _) => {
            let since = state.open_runs.first().map(|run| tr.datetime(run.state().started_at)).unwrap_or_default();
            tr.a(msg("task.summary.running"), "since", since)
        }
        (TaskStatus::Late, expected) => tr.a(msg("task.summary.late"), "expected", expected.unwrap_or_default()),
        (TaskStatus::New, Some(expected)) => tr.a(msg("task.summary.new_expected"), "expected", expected),
        (TaskStatus::New, None) => tr.t(msg("task.summary.new")).to_owned(),
        (TaskStatus::Up, Some(expected)) => tr.a(msg("task.summary.up"), "expected", expected),
        (TaskStatus::Up, None) => tr.t(msg("task.summary.done")).to_owned(),
    }
}

/// The next fire times of a cron schedule after `now`, written in the schedule's own zone.
fn fire_times(tr: &Tr, schedule: &TaskSchedule, now: Timestamp) -> Option<(Vec<String>, String)> {
    let TaskSchedule::Cron { expr, timezone } = schedule else { return None };
    let zone = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
    let there = Tr::new(tr.locale(), timezone);
    Some((expr.fire_times_after(now, &zone).take(FIRE_TIMES).map(|at| there.datetime(at)).collect(), timezone.clone()))
}

fn details(tr: &Tr, view: &TaskView) -> Vec<Detail> {
    let (task, state) = (&view.record.task, &view.record.state);
    let spec = &task.spec;
    let detail = |key: &str, value: String| Detail { label: tr.t(key).to_owned(), value };
    let none = || tr.t(msg("task.none")).to_owned();
    let mut out = vec![
        detail(msg("tasks.schedule"), schedule_text(tr, &spec.schedule)),
        detail(msg("task.grace"), span::seconds(tr, i64::from(spec.grace_seconds))),
        detail(msg("task.max_run"), span::seconds(tr, i64::from(spec.max_run_seconds.unwrap_or(spec.grace_seconds)))),
        detail(msg("task.min_run"), spec.min_run_seconds.map_or_else(none, |s| span::seconds(tr, i64::from(s)))),
        detail(msg("task.slug"), spec.slug.as_ref().map_or_else(none, |s| s.as_str().to_owned())),
        detail(msg("task.one_shot"), tr.t(if spec.one_shot { msg("task.yes") } else { msg("task.no") }).to_owned()),
        detail(msg("task.pings_received"), tr.number(state.pings as i64)),
        detail(
            msg("tasks.last_run"),
            state.last_finish.as_ref().map_or_else(|| tr.t(msg("tasks.never")).to_owned(), |f| tr.datetime(f.at)),
        ),
    ];
    if let Some(expected) = view.assessment.expected_at {
        out.push(detail(msg("tasks.expected"), tr.datetime(expected)));
    }
    out.push(detail(msg("task.created"), tr.datetime(task.created_at)));
    out
}

fn run_row(tr: &Tr, view: &vigil_app::tasks::RunView) -> RunRow {
    let run = &view.run;
    let dash = || "—".to_owned();
    RunRow {
        badge: Badge::run(tr, &run.state),
        started: run.started_at().map_or_else(dash, |at| tr.datetime(at)),
        finished: run.finished_at().map_or_else(dash, |at| tr.datetime(at)),
        duration: run.duration().map_or_else(dash, |d| span::millis(tr, d.as_millis() as i64)),
        exit_status: run.exit_status().map_or_else(dash, |code| code.to_string()),
        reason: if let RunState::Failed(failed) = &run.state { Some(said(tr, &failed.reason)) } else { None },
        log: view.log.clone().filter(|log| !log.is_empty()),
    }
}

fn ping_row(tr: &Tr, view: &vigil_app::tasks::PingView) -> PingRow {
    let ping = &view.ping;
    let kind = match ping.kind {
        PingKind::Success => tr.t(msg("task.ping.success")).to_owned(),
        PingKind::Start => tr.t(msg("task.ping.start")).to_owned(),
        PingKind::Fail => tr.t(msg("task.ping.fail")).to_owned(),
        PingKind::Log => tr.t(msg("task.ping.log")).to_owned(),
        PingKind::Exit(code) => tr.a(msg("task.ping.exit_code"), "code", code),
    };
    let truncated = match &ping.body {
        StoredBody::Inline(body) => body.truncated,
        StoredBody::External { truncated, .. } => *truncated,
        StoredBody::None => false,
    };
    PingRow { at: tr.datetime(ping.at), kind, method: ping.method.clone(), body: view.body.clone().filter(|b| !b.is_empty()), truncated }
}

/// `GET /tasks/{id}`.
pub(crate) async fn show(Path(id): Path<String>, visitor: Visitor, Query(query): Query<TaskQuery>) -> Result<Response, Failure> {
    let mut shell = Shell::member(&visitor, msg("tasks.title"), Nav::Tasks).await?.with_notice(query.notice.as_deref());
    let task_id = task_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let view = get_task(&visitor.deps, GetTask { actor: actor.clone(), task_id }, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let runs = ListRuns { actor: actor.clone(), task_id, page: PageRequest { cursor: cursor(&query.runs), limit: HISTORY } };
    let runs = list_runs(&visitor.deps, runs, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let pings = ListPings { actor: actor.clone(), task_id, page: PageRequest { cursor: cursor(&query.pings), limit: HISTORY } };
    let pings = list_pings(&visitor.deps, pings, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let task = &view.record.task;
    let public_url = &visitor.deps.settings.public_url;
    let (token_urls, slug_urls) = ping_urls(tr, public_url, task, view.ping_key.as_ref());
    let here = visitor.link(&format!("/tasks/{task_id}"));
    let page_link = |runs: Option<&str>, pings: Option<&str>| {
        let pairs: Vec<(&str, &str)> = [("runs", runs), ("pings", pings)].into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
        format!("{here}?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    };
    shell.title = task.spec.name.clone();
    let page = TaskPage {
        id: task_id.to_string(),
        name: task.spec.name.clone(),
        badge: Badge::task(tr, view.assessment.status),
        summary: summary(tr, &view),
        managed: task.spec.managed.as_ref().map(|m| (m.source.clone(), m.key.clone())),
        may_edit: actor.may(Action::EditTasks),
        paused: view.record.state.paused,
        details: details(tr, &view),
        fire_times: fire_times(tr, &task.spec.schedule, now),
        snippets: snippets(tr, &token_url(public_url, task), &task.spec.schedule),
        crontab_zone: match &task.spec.schedule {
            TaskSchedule::Cron { timezone, .. } => Some(timezone.clone()),
            TaskSchedule::Period { .. } => None,
        },
        token_urls,
        slug_urls,
        runs: runs.items.iter().map(|run| run_row(tr, run)).collect(),
        runs_next: runs.next_cursor.map(|Cursor(c)| page_link(Some(&c), query.pings.as_deref())),
        pings: pings.items.iter().map(|ping| ping_row(tr, ping)).collect(),
        pings_next: pings.next_cursor.map(|Cursor(c)| page_link(query.runs.as_deref(), Some(&c))),
        shell,
    };
    Ok(render(&visitor, &page))
}

/// `POST /tasks/{id}/pause`.
pub(crate) async fn pause(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let task_id = task_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    pause_task(&visitor.deps, PauseTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link(&format!("/tasks/{task_id}?notice=task_paused"))))
}

/// `POST /tasks/{id}/resume`.
pub(crate) async fn resume(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let task_id = task_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    resume_task(&visitor.deps, ResumeTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link(&format!("/tasks/{task_id}?notice=task_resumed"))))
}

/// `GET /tasks/{id}/delete`: the confirmation, which works without script.
pub(crate) async fn confirm_delete(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let shell = Shell::member(&visitor, msg("task.delete_title"), Nav::Tasks).await?;
    let task_id = task_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditTasks)?;
    let view = get_task(&visitor.deps, GetTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let tr = &visitor.tr;
    let question = tr.a(msg("task.delete_confirm"), "name", &view.record.task.spec.name);
    let path = format!("/tasks/{task_id}");
    Ok(confirm::ask(
        &visitor,
        shell,
        question,
        tr.t(msg("task.delete_submit")).to_owned(),
        visitor.link(&format!("{path}/delete")),
        visitor.link(&path),
    ))
}

/// `POST /tasks/{id}/delete`.
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let task_id = task_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    delete_task(&visitor.deps, DeleteTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/tasks?notice=task_deleted")))
}
