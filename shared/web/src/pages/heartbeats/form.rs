//! Creating and editing a task: name, slug, a period or a cron expression in a time zone, the
//! grace time and run time limits, lengths typed with a unit.

use super::task_id;
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::pages::profile::zones;
use crate::shell::{Nav, Shell};
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::tasks::{CreateTask, GetTask, UpdateTask, create_task, get_task, update_task};
use vigil_domain::access::Action;
use vigil_domain::heartbeat::{TaskDraft, TaskSchedule, TaskSpec};

/// The task form as posted (and shown again).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct TaskForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    /// `period` or `cron`.
    #[serde(default)]
    schedule: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    period_unit: String,
    #[serde(default)]
    cron: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    grace: String,
    #[serde(default)]
    grace_unit: String,
    #[serde(default)]
    max_run: String,
    #[serde(default)]
    max_run_unit: String,
    #[serde(default)]
    min_run: String,
    #[serde(default)]
    min_run_unit: String,
    #[serde(default)]
    one_shot: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks/form.html")]
struct FormPage {
    shell: Shell,
    errors: Refusal,
    form: TaskForm,
    /// Where the form posts.
    action: String,
    /// Where "cancel" goes.
    back: String,
    is_new: bool,
    managed: Option<(String, String)>,
    units: Vec<span::Unit>,
    zones: Vec<String>,
}

impl TaskForm {
    /// A new task's form: a daily period, an hour of grace, cron read in the reader's zone.
    fn fresh(zone: &str) -> Self {
        Self {
            schedule: "period".into(),
            period: "1".into(),
            period_unit: "d".into(),
            timezone: zone.to_owned(),
            grace: "1".into(),
            grace_unit: "h".into(),
            max_run_unit: "min".into(),
            min_run_unit: "s".into(),
            ..Self::default()
        }
    }

    /// The form of an existing task.
    fn of(spec: &TaskSpec, zone: &str) -> Self {
        let mut form = Self::fresh(zone);
        form.name = spec.name.clone();
        form.slug = spec.slug.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default();
        match &spec.schedule {
            TaskSchedule::Period { seconds } => (form.period, form.period_unit) = span::in_unit(*seconds),
            TaskSchedule::Cron { expr, timezone } => {
                form.schedule = "cron".into();
                form.cron = expr.source().to_owned();
                form.timezone = timezone.clone();
            }
        }
        (form.grace, form.grace_unit) = span::in_unit(spec.grace_seconds);
        if let Some(max) = spec.max_run_seconds {
            (form.max_run, form.max_run_unit) = span::in_unit(max);
        }
        if let Some(min) = spec.min_run_seconds {
            (form.min_run, form.min_run_unit) = span::in_unit(min);
        }
        form.one_shot = spec.one_shot.then(|| "on".into());
        form
    }

    /// The draft the form describes: every field set, the optional ones cleared when empty, so
    /// that an update replaces the whole task; or the fields that are not lengths.
    fn draft(&self, tr: &Tr) -> Result<TaskDraft, Refusal> {
        let mut problems = Vec::new();
        let mut length = |field: &str, value: &str, unit: &str, required: bool| -> Option<u32> {
            match span::read(value, unit) {
                Ok(None) if required => problems.push((field.to_owned(), tr.t(msg("task.form.required")).to_owned())),
                Ok(seconds) => return seconds,
                Err(()) => problems.push((field.to_owned(), tr.t(msg("task.form.whole_number")).to_owned())),
            }
            None
        };
        let cron = self.schedule == "cron";
        let period = if cron { None } else { length("period", &self.period, &self.period_unit, true) };
        let grace = length("grace", &self.grace, &self.grace_unit, true);
        let max_run = length("max_run", &self.max_run, &self.max_run_unit, false);
        let min_run = length("min_run", &self.min_run, &self.min_run_unit, false);
        if !problems.is_empty() {
            return Err(Refusal { summary: Some(tr.t(msg("form.fix_fields")).to_owned()), fields: problems });
        }
        let slug = self.slug.trim();
        Ok(TaskDraft {
            name: Some(self.name.clone()),
            slug: Some((!slug.is_empty()).then(|| slug.to_owned())),
            period_seconds: period,
            cron: cron.then(|| self.cron.trim().to_owned()),
            timezone: cron.then(|| self.timezone.trim().to_owned()),
            grace_seconds: grace,
            max_run_seconds: Some(max_run),
            min_run_seconds: Some(min_run),
            one_shot: Some(self.one_shot.is_some()),
            managed: None,
        })
    }
}

async fn form_page(
    visitor: &Visitor,
    form: TaskForm,
    errors: Refusal,
    task: Option<(String, Option<(String, String)>)>,
) -> Result<FormPage, Failure> {
    let title = if task.is_some() { msg("task.form.edit_title") } else { msg("task.form.new_title") };
    let shell = Shell::member(visitor, title, Nav::Tasks).await?;
    let tr = &visitor.tr;
    let (action, back, managed) = match &task {
        Some((id, managed)) => (visitor.link(&format!("/tasks/{id}/edit")), visitor.link(&format!("/tasks/{id}")), managed.clone()),
        None => (visitor.link("/tasks"), visitor.link("/tasks"), None),
    };
    Ok(FormPage { shell, errors, form, action, back, is_new: task.is_none(), managed, units: span::units(tr, "s"), zones: zones() })
}

fn reader_zone(visitor: &Visitor) -> String {
    visitor.member.as_ref().map_or_else(|| "UTC".to_owned(), |m| m.user.time_zone.clone())
}

/// `GET /tasks/new`.
pub(crate) async fn new(visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditTasks)?;
    let form = TaskForm::fresh(&reader_zone(&visitor));
    let page = form_page(&visitor, form, Refusal::default(), None).await?;
    Ok(render(&visitor, &page))
}

/// `POST /tasks`: made, and shown; or the form again with what to fix.
pub(crate) async fn create(posted: Posted<TaskForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = allowed(&visitor, Action::EditTasks)?;
    let errors = match form.draft(&visitor.tr) {
        Ok(draft) => match create_task(&visitor.deps, CreateTask { actor, draft }, SystemClock::now()).await {
            Ok(record) => return Ok(see_other(&visitor.link(&format!("/tasks/{}?notice=task_created", record.task.id)))),
            Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
        },
        Err(errors) => errors,
    };
    let page = form_page(&visitor, form, errors, None).await?;
    Ok(refused(&visitor, &page))
}

/// `GET /tasks/{id}/edit`.
pub(crate) async fn edit(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let task_id = task_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditTasks)?;
    let view = get_task(&visitor.deps, GetTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let spec = &view.record.task.spec;
    let managed = spec.managed.as_ref().map(|m| (m.source.clone(), m.key.clone()));
    let page = form_page(&visitor, TaskForm::of(spec, &reader_zone(&visitor)), Refusal::default(), Some((id, managed))).await?;
    Ok(render(&visitor, &page))
}

/// `POST /tasks/{id}/edit`: saved, or the form again with what to fix.
pub(crate) async fn update(Path(id): Path<String>, posted: Posted<TaskForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let task_id = task_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditTasks)?;
    let errors = match form.draft(&visitor.tr) {
        Ok(patch) => match update_task(&visitor.deps, UpdateTask { actor: actor.clone(), task_id, patch }, SystemClock::now()).await {
            Ok(_) => return Ok(see_other(&visitor.link(&format!("/tasks/{task_id}?notice=task_saved")))),
            Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
        },
        Err(errors) => errors,
    };
    let view = get_task(&visitor.deps, GetTask { actor, task_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let managed = view.record.task.spec.managed.as_ref().map(|m| (m.source.clone(), m.key.clone()));
    let page = form_page(&visitor, form, errors, Some((id, managed))).await?;
    Ok(refused(&visitor, &page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn the_form_makes_a_whole_draft() {
        let tr = Tr::new(Locale::En, "UTC");
        let form = TaskForm { name: "Backup".into(), period: "2".into(), period_unit: "h".into(), ..TaskForm::fresh("UTC") };
        let draft = form.draft(&tr).unwrap();
        assert_eq!((draft.period_seconds, draft.grace_seconds, draft.cron), (Some(7200), Some(3600), None));
        assert_eq!((draft.max_run_seconds, draft.slug), (Some(None), Some(None)), "empty optional fields clear");
        let cron = TaskForm { schedule: "cron".into(), cron: " 0 2 * * * ".into(), timezone: "Europe/Riga".into(), ..form.clone() };
        let draft = cron.draft(&tr).unwrap();
        assert_eq!(
            (draft.period_seconds, draft.cron.as_deref(), draft.timezone.as_deref()),
            (None, Some("0 2 * * *"), Some("Europe/Riga"))
        );
        let bad = TaskForm { grace: "-1".into(), period: "".into(), max_run: "4294967296".into(), ..form };
        let fields: Vec<String> = bad.draft(&tr).unwrap_err().fields.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["period", "grace", "max_run"]);
    }
}
