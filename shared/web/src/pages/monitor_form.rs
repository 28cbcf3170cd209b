//! Creating, editing and cloning a monitor: every field of the API in one form. Assertions are
//! checked line by line as they are typed (`POST /monitors/assertions` answers the parser's own
//! message and column) and again on saving; "try it" runs one check of the unsaved monitor and
//! shows each assertion's verdict. Without script the form still saves and tries.

use crate::failure::{Failure, Refusal};
use crate::history::milliseconds;
use crate::i18n::{Tr, msg};
use crate::page::{html, refused, render, see_other};
use crate::shell::{Nav, Shell};
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use vigil_app::SystemClock;
use vigil_app::monitors::{
    CreateMonitor, CreateMonitorError, GetMonitor, MonitorTrial, TryMonitor, TryMonitorError, UpdateMonitor, UpdateMonitorError,
    create_monitor, get_monitor, try_monitor, update_monitor,
};
use vigil_domain::assertion::Assertion;
use vigil_domain::check::CheckOutcome;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{MonitorDraft, SpecErrors, StatusCodeInput};
use vigil_domain::trial::AssertionVerdict;

/// The form's fields, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct MonitorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    method: String,
    /// `Name: value`, one a line.
    #[serde(default)]
    headers: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    timeout_ms: String,
    #[serde(default)]
    interval_seconds: String,
    /// Codes, classes (`2xx`) and ranges, separated by commas.
    #[serde(default)]
    expected_status: String,
    /// One condition a line.
    #[serde(default)]
    assertions: String,
    #[serde(default)]
    failure_threshold: String,
    #[serde(default)]
    recovery_threshold: String,
    #[serde(default)]
    follow_redirects: Option<String>,
    #[serde(default)]
    verify_tls: Option<String>,
    /// Separated by commas.
    #[serde(default)]
    tags: String,
    /// The revision edited, so that a change made meanwhile is not overwritten.
    #[serde(default)]
    revision: String,
}

impl MonitorForm {
    /// The form showing `draft`.
    fn of(draft: &MonitorDraft) -> Self {
        let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        let on = |b: Option<bool>| b.unwrap_or(true).then(|| "on".to_owned());
        Self {
            name: draft.name.clone().unwrap_or_default(),
            url: draft.url.clone().unwrap_or_default(),
            method: draft.method.clone().unwrap_or_else(|| "GET".into()),
            headers: draft.headers.iter().flatten().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"),
            body: draft.body.clone().unwrap_or_default(),
            timeout_ms: number(draft.timeout_ms),
            interval_seconds: number(draft.interval_seconds.map(u64::from)),
            expected_status: draft
                .expected_status
                .iter()
                .flatten()
                .map(|s| match s {
                    StatusCodeInput::Code(code) => code.to_string(),
                    StatusCodeInput::Pattern(text) => text.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            assertions: draft.assertions.clone().unwrap_or_default().join("\n"),
            failure_threshold: number(draft.failure_threshold.map(u64::from)),
            recovery_threshold: number(draft.recovery_threshold.map(u64::from)),
            follow_redirects: on(draft.follow_redirects),
            verify_tls: on(draft.verify_tls),
            tags: draft.tags.clone().unwrap_or_default().join(", "),
            revision: String::new(),
        }
    }

    /// The draft the form describes, or each field that is not even of the right shape.
    fn draft(&self, tr: &Tr) -> Result<MonitorDraft, Refusal> {
        let mut errors = Refusal::default();
        fn number<T: std::str::FromStr>(tr: &Tr, errors: &mut Refusal, field: &str, text: &str) -> Option<T> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            text.parse().map_err(|_| errors.fields.push((field.to_owned(), tr.t(msg("monitor_form.whole_number")).to_owned()))).ok()
        }
        let mut headers = BTreeMap::new();
        for (i, line) in self.headers.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match line.split_once(':') {
                Some((name, value)) => {
                    headers.insert(name.trim().to_owned(), value.trim().to_owned());
                }
                None => errors.fields.push(("headers".into(), tr.a("monitor_form.header_line", "line", i + 1))),
            }
        }
        let list = |text: &str, separator: char| {
            text.split(separator).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>()
        };
        let draft = MonitorDraft {
            name: Some(self.name.trim().to_owned()),
            url: Some(self.url.trim().to_owned()),
            method: Some(self.method.trim().to_owned()).filter(|m| !m.is_empty()),
            headers: Some(headers),
            body: Some(self.body.clone()).filter(|b| !b.is_empty()),
            timeout_ms: number(tr, &mut errors, "timeout_ms", &self.timeout_ms),
            interval_seconds: number(tr, &mut errors, "interval_seconds", &self.interval_seconds),
            expected_status: Some(list(&self.expected_status, ',').into_iter().map(StatusCodeInput::Pattern).collect::<Vec<_>>())
                .filter(|l| !l.is_empty()),
            assertions: Some(self.assertions.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect()),
            failure_threshold: number(tr, &mut errors, "failure_threshold", &self.failure_threshold),
            recovery_threshold: number(tr, &mut errors, "recovery_threshold", &self.recovery_threshold),
            follow_redirects: Some(self.follow_redirects.is_some()),
            verify_tls: Some(self.verify_tls.is_some()),
            tags: Some(list(&self.tags, ',')),
            managed: None,
        };
        if errors.fields.is_empty() {
            Ok(draft)
        } else {
            errors.summary = Some(tr.t(msg("form.fix_fields")).to_owned());
            Err(errors)
        }
    }
}

/// The line of the assertions box (1-based) that `assertions[i]` of the draft came from.
fn assertion_line(form: &MonitorForm, index: usize) -> usize {
    form.assertions.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).nth(index).map_or(index + 1, |(i, _)| i + 1)
}

/// Each rule the draft broke, on the field of the form that holds it; a field's errors joined.
fn spec_refusal(tr: &Tr, form: &MonitorForm, errors: SpecErrors) -> Refusal {
    let mut fields: Vec<(String, String)> = Vec::new();
    for error in errors.0 {
        let base = error.field.split(['[', '.']).next().unwrap_or_default().to_owned();
        let text = match error.field.strip_prefix("assertions[").and_then(|rest| rest.trim_end_matches(']').parse::<usize>().ok()) {
            Some(index) => tr.a2("monitor_form.assertion_error", "line", assertion_line(form, index), "error", &error.message),
            None => error.message,
        };
        match fields.iter_mut().find(|(field, _)| *field == base) {
            Some((_, joined)) => {
                joined.push_str(" · ");
                joined.push_str(&text);
            }
            None => fields.push((base, text)),
        }
    }
    Refusal { summary: Some(tr.t(msg("form.fix_fields")).to_owned()), fields }
}

/// One assertion's verdict, as the trial shows it.
struct Verdict {
    expression: String,
    holds: bool,
    text: String,
}

/// What "try it" found.
struct Trial {
    passed: bool,
    summary: String,
    verdicts: Vec<Verdict>,
}

fn trial(tr: &Tr, found: MonitorTrial) -> Trial {
    let code = found.status_code.map_or_else(|| "—".to_owned(), |c| c.to_string());
    let (passed, outcome) = match &found.outcome {
        CheckOutcome::Up => (true, tr.t(msg("overview.check_up")).to_owned()),
        CheckOutcome::Down { failure } => (false, format!("{}: {}", super::monitor::failure_class(tr, failure.class), failure.message)),
        CheckOutcome::Error { message } => (false, format!("{}: {message}", tr.t(msg("overview.check_error")))),
    };
    let summary = tr.a2("monitor_form.trial_summary", "code", code, "time", milliseconds(tr, found.response_time));
    let verdicts = found
        .assertions
        .into_iter()
        .map(|a| {
            let (holds, text) = match a.verdict {
                AssertionVerdict::Holds => (true, tr.t(msg("monitor_form.holds")).to_owned()),
                AssertionVerdict::Fails { actual } => (false, tr.a("monitor_form.fails", "actual", actual)),
                AssertionVerdict::NoResponse => (false, tr.t(msg("monitor_form.no_response")).to_owned()),
                AssertionVerdict::BodyTooLarge { read } => (false, tr.a("monitor_form.body_too_large", "bytes", tr.number(read as i64))),
            };
            Verdict { expression: a.expression, holds, text }
        })
        .collect();
    Trial { passed, summary: format!("{outcome} · {summary}"), verdicts }
}

#[derive(Template)]
#[template(path = "monitor_form.html")]
struct FormPage {
    shell: Shell,
    errors: Refusal,
    form: MonitorForm,
    /// Where the form is sent.
    action: String,
    /// Where "try it" is sent.
    try_action: String,
    /// Back to the monitor, or to the overview.
    cancel: String,
    methods: [&'static str; 7],
    trial: Option<Trial>,
}

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

async fn page(visitor: &Visitor, editing: Option<MonitorId>, form: MonitorForm, errors: Refusal) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("monitor_form.edit_title") } else { msg("monitor_form.new_title") };
    let shell = Shell::member(visitor, title, Nav::Overview).await?;
    let (action, cancel) = match editing {
        Some(id) => (visitor.link(&format!("/monitors/{id}/edit")), visitor.link(&format!("/monitors/{id}"))),
        None => (visitor.link("/monitors/new"), visitor.link("/")),
    };
    Ok(FormPage { shell, errors, form, action, try_action: visitor.link("/monitors/try"), cancel, methods: METHODS, trial: None })
}

fn id_of(visitor: &Visitor, id: &str) -> Result<MonitorId, Failure> {
    id.parse().map_err(|_| Failure::not_found(visitor))
}

/// `?from=` to clone a monitor.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    from: Option<String>,
}

async fn stored_form(visitor: &Visitor, id: MonitorId) -> Result<(MonitorForm, u64), Failure> {
    let actor = visitor.member()?.actor.clone();
    let view = get_monitor(&visitor.deps, GetMonitor { actor, monitor_id: id }, SystemClock::now()).await.map_err(|e| match e {
        vigil_app::monitors::GetMonitorError::Forbidden(_) => Failure::forbidden(visitor),
        vigil_app::monitors::GetMonitorError::NotFound => Failure::not_found(visitor),
        other => Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &other),
    })?;
    Ok((MonitorForm::of(&view.record.monitor.spec.to_draft()), view.record.monitor.revision))
}

/// `GET /monitors/new`, empty or (`?from=`) a copy of another monitor.
pub(crate) async fn show_new(visitor: Visitor, Query(query): Query<NewQuery>) -> Result<Response, Failure> {
    let form = match query.from.as_deref() {
        Some(from) => {
            let (mut form, _) = stored_form(&visitor, id_of(&visitor, from)?).await?;
            form.name = visitor.tr.a("monitor_form.copy_of", "name", &form.name);
            form
        }
        None => MonitorForm::of(&MonitorDraft::default()),
    };
    Ok(render(&visitor, &page(&visitor, None, form, Refusal::default()).await?))
}

/// `GET /monitors/{id}/edit`.
pub(crate) async fn show_edit(visitor: Visitor, Path(id): Path<String>) -> Result<Response, Failure> {
    let id = id_of(&visitor, &id)?;
    let (mut form, revision) = stored_form(&visitor, id).await?;
    form.revision = revision.to_string();
    Ok(render(&visitor, &page(&visitor, Some(id), form, Refusal::default()).await?))
}

async fn refuse(visitor: &Visitor, editing: Option<MonitorId>, form: MonitorForm, errors: Refusal) -> Result<Response, Failure> {
    Ok(refused(visitor, &page(visitor, editing, form, errors).await?))
}

/// `POST /monitors/new`.
pub(crate) async fn create(posted: Posted<MonitorForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = visitor.member()?.actor.clone();
    let draft = match form.draft(&visitor.tr) {
        Ok(draft) => draft,
        Err(errors) => return refuse(&visitor, None, form, errors).await,
    };
    match create_monitor(&visitor.deps, CreateMonitor { actor, draft }, SystemClock::now()).await {
        Ok(record) => Ok(see_other(&visitor.link(&format!("/monitors/{}?notice=monitor_saved", record.monitor.id)))),
        Err(CreateMonitorError::Invalid(errors)) => {
            let errors = spec_refusal(&visitor.tr, &form, errors);
            refuse(&visitor, None, form, errors).await
        }
        Err(CreateMonitorError::Forbidden(_)) => Err(Failure::forbidden(&visitor)),
        Err(error) => Err(Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error)),
    }
}

/// `POST /monitors/{id}/edit`.
pub(crate) async fn update(Path(id): Path<String>, posted: Posted<MonitorForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let id = id_of(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    let patch = match form.draft(&visitor.tr) {
        Ok(draft) => draft,
        Err(errors) => return refuse(&visitor, Some(id), form, errors).await,
    };
    let cmd = UpdateMonitor {
        actor,
        monitor_id: id,
        clear_body: patch.body.is_none(),
        patch,
        expected_revision: form.revision.trim().parse().ok(),
    };
    match update_monitor(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(_) => Ok(see_other(&visitor.link(&format!("/monitors/{id}?notice=monitor_saved")))),
        Err(UpdateMonitorError::Invalid(errors)) => {
            let errors = spec_refusal(&visitor.tr, &form, errors);
            refuse(&visitor, Some(id), form, errors).await
        }
        Err(UpdateMonitorError::RevisionMismatch { .. }) => {
            let errors = Refusal::summary(visitor.tr.t(msg("monitor_form.changed_meanwhile")));
            refuse(&visitor, Some(id), form, errors).await
        }
        Err(UpdateMonitorError::Forbidden(_)) => Err(Failure::forbidden(&visitor)),
        Err(UpdateMonitorError::NotFound) => Err(Failure::not_found(&visitor)),
        Err(error) => Err(Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error)),
    }
}

/// `POST /monitors/try`: one check of the monitor as typed, shown on the form; nothing saved.
pub(crate) async fn try_it(posted: Posted<MonitorForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = visitor.member()?.actor.clone();
    let draft = match form.draft(&visitor.tr) {
        Ok(draft) => draft,
        Err(errors) => return refuse(&visitor, None, form, errors).await,
    };
    match try_monitor(&visitor.deps, TryMonitor { actor, draft }, SystemClock::now()).await {
        Ok(found) => {
            let mut page = page(&visitor, None, form, Refusal::default()).await?;
            page.trial = Some(trial(&visitor.tr, found));
            Ok(render(&visitor, &page))
        }
        Err(TryMonitorError::Invalid(errors)) => {
            let errors = spec_refusal(&visitor.tr, &form, errors);
            refuse(&visitor, None, form, errors).await
        }
        Err(TryMonitorError::Forbidden(_)) => Err(Failure::forbidden(&visitor)),
    }
}

/// The assertions box, as typed.
#[derive(Debug, Deserialize)]
pub(crate) struct AssertionsForm {
    #[serde(default)]
    assertions: String,
}

/// One line's verdict from the parser.
struct LineCheck {
    ok: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "assertion_feedback.html")]
struct Feedback {
    lines: Vec<LineCheck>,
}

/// `POST /monitors/assertions`: each typed line parsed, with the parser's message and column;
/// a fragment the form puts under the box as the person types.
pub(crate) async fn check_assertions(posted: Posted<AssertionsForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    visitor.member()?;
    let tr = &visitor.tr;
    let lines = form
        .assertions
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| match Assertion::parse(line) {
            Ok(_) => LineCheck { ok: true, text: tr.a("monitor_form.line_ok", "line", i + 1) },
            Err(error) => LineCheck { ok: false, text: tr.a2("monitor_form.assertion_error", "line", i + 1, "error", error) },
        })
        .collect();
    Ok(html(&Feedback { lines }))
}
