//! What the use cases of heartbeat tasks, incidents, notifications, status pages and hosts refuse, as a person sees
//! it: each error sorted into what a form shows ([`Refusal`]) or why no form can ([`Reason`]),
//! and the use cases' English sentences in the reader's language.

use super::{Failure, Reason, Refusal, words};
use crate::i18n::{Tr, msg};
use crate::visitor::Visitor;
use axum::http::StatusCode;
use vigil_app::hosts::HostError;
use vigil_app::incidents::{
    AcknowledgeIncidentError, COMMENT_MAX_CHARS, CommentOnIncidentError, GetIncidentError, ListIncidentsError, ResolveIncidentError,
};
use vigil_app::monitors::ListMonitorsError;
use vigil_app::notifications::{
    CreateChannelError, CreateRuleError, CreateWindowError, DeleteChannelError, DeleteRuleError, DeleteWindowError, GetChannelError,
    GetRuleError, GetWindowError, ListChannelsError, ListMutesError, ListRulesError, ListSubjectsError, ListWindowsError, MuteMonitorError,
    ReplaceChannelError, ReplaceWindowError, TestChannelError,
};
use vigil_app::status_pages::StatusPageError;
use vigil_app::tasks::{
    ChangeTaskError, CreateTaskError, DeleteTaskError, GetTaskError, ListHistoryError, ListTasksError, UpdateTaskError,
};
use vigil_domain::access::{Action, Actor};
use vigil_domain::monitor::FieldError;
use vigil_domain::ports::StoreError;

/// A use case's error, sorted.
pub(crate) trait Sorted {
    /// What the form says, or why no form can say it.
    fn sort(self, tr: &Tr) -> Result<Refusal, Reason>;
}

impl Failure {
    /// The error page of a use case's error (a refusal a form could show becomes a 409 page).
    pub(crate) fn of(visitor: &Visitor, error: impl Sorted) -> Self {
        match error.sort(&visitor.tr) {
            Ok(refusal) => Self::page(
                visitor,
                StatusCode::CONFLICT,
                msg("error.refused.title"),
                refusal.summary.unwrap_or_else(|| visitor.tr.t(msg("form.fix_fields")).to_owned()),
            ),
            Err(reason) => reason.page(visitor),
        }
    }
}

/// The member's actor when their role allows `action`, else a 403 page: a form or a
/// confirmation whose submission the use case would refuse is not offered either.
pub(crate) fn allowed(visitor: &Visitor, action: Action) -> Result<Actor, Failure> {
    let actor = &visitor.member()?.actor;
    if actor.may(action) { Ok(actor.clone()) } else { Err(Failure::forbidden(visitor)) }
}

fn store(tr: &Tr, error: StoreError) -> Result<Refusal, Reason> {
    match error {
        StoreError::Conflict => Ok(Refusal::summary(tr.t(msg("error.changed_meanwhile")))),
        StoreError::InvalidCursor => Ok(Refusal::summary(tr.t(msg("error.bad_cursor")))),
        error => Err(Reason::Internal(error.to_string())),
    }
}

/// A form's field errors, each under the name the dashboard's form gives the field.
pub(crate) fn invalid(tr: &Tr, errors: &[FieldError]) -> Refusal {
    Refusal {
        summary: Some(tr.t(msg("form.fix_fields")).to_owned()),
        fields: errors.iter().map(|FieldError { field, message }| (form_field(field), said(tr, message))).collect(),
    }
}

/// The form field of a use case's field path: `escalation[1].after_seconds` is `step_after_1`,
/// `select.monitors[0]` is `select`, `grace_seconds` is `grace`.
pub(crate) fn form_field(path: &str) -> String {
    let path = path.strip_prefix("schedule.").unwrap_or(path);
    if let Some(rest) = path.strip_prefix("escalation[")
        && let Some((index, field)) = rest.split_once("].")
    {
        let part = if field.starts_with("after_seconds") { "after" } else { "channels" };
        return format!("step_{part}_{index}");
    }
    let head = path.split(['[', '.']).next().unwrap_or(path);
    match head {
        "period_seconds" => "period",
        "grace_seconds" => "grace",
        "max_run_seconds" => "max_run",
        "min_run_seconds" => "min_run",
        "repeat_every_seconds" => "repeat",
        "duration_minutes" => "duration",
        other => other,
    }
    .to_owned()
}

/// Implements [`Sorted`] for an error: the arms given, then Forbidden (403) and Store.
macro_rules! sorted {
    ($($error:ty, |$tr:ident| { $($pattern:pat => $body:expr),* $(,)? });* $(;)?) => {$(
        impl Sorted for $error {
            fn sort(self, $tr: &Tr) -> Result<Refusal, Reason> {
                match self {
                    $($pattern => $body,)*
                    Self::Forbidden(_) => Err(Reason::Forbidden),
                    Self::Store(error) => store($tr, error),
                }
            }
        }
    )*};
}

sorted! {
    GetTaskError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListTasksError, |tr| {};
    ListHistoryError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    UpdateTaskError, |tr| { Self::NotFound => Err(Reason::NotFound), Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    ChangeTaskError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    DeleteTaskError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    GetIncidentError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListIncidentsError, |tr| {};
    AcknowledgeIncidentError, |tr| {
        Self::NotFound => Err(Reason::NotFound),
        Self::Resolved => Ok(Refusal::summary(tr.t(msg("refusal.already_resolved")))),
    };
    ListMonitorsError, |tr| {};
    CreateChannelError, |tr| { Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    ReplaceChannelError, |tr| { Self::NotFound => Err(Reason::NotFound), Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    DeleteChannelError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    GetChannelError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    TestChannelError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListChannelsError, |tr| {};
    ListSubjectsError, |tr| {};
    CreateRuleError, |tr| { Self::NotFound => Err(Reason::NotFound), Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    DeleteRuleError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    GetRuleError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListRulesError, |tr| {};
    CreateWindowError, |tr| { Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    ReplaceWindowError, |tr| { Self::NotFound => Err(Reason::NotFound), Self::Invalid(errors) => Ok(invalid(tr, &errors.0)) };
    DeleteWindowError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    GetWindowError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListWindowsError, |tr| {};
    MuteMonitorError, |tr| { Self::NotFound => Err(Reason::NotFound) };
    ListMutesError, |tr| {};
    CreateTaskError, |tr| {
        Self::Invalid(errors) => Ok(invalid(tr, &errors.0)),
        Self::SlugTaken(slug) => Ok(Refusal {
            summary: Some(tr.t(msg("form.fix_fields")).to_owned()),
            fields: vec![("slug".into(), tr.a(msg("refusal.slug_taken"), "slug", slug))],
        }),
    };
    CommentOnIncidentError, |tr| {
        Self::NotFound => Err(Reason::NotFound),
        Self::Invalid => Ok(Refusal {
            summary: Some(tr.t(msg("form.fix_fields")).to_owned()),
            fields: vec![("text".into(), tr.a(msg("refusal.comment_length"), "max", tr.number(COMMENT_MAX_CHARS as i64)))],
        }),
    };
    ResolveIncidentError, |tr| {
        Self::NotFound => Err(Reason::NotFound),
        Self::StillDown(kind) => Ok(Refusal::summary(said(tr, &Self::StillDown(kind).to_string()))),
    };
    StatusPageError, |tr| {
        Self::Invalid(errors) => Ok(invalid(tr, &errors.0)),
        Self::Closed(_) => Ok(Refusal::summary(tr.t(msg("editor.incident_closed")))),
        Self::NotFound(_) | Self::Confirmation(_) => Err(Reason::NotFound),
    };
    HostError, |tr| {
        Self::Invalid(errors) => Ok(invalid(tr, &errors.0)),
        Self::Conflict(text) | Self::NotConnected(text) => Ok(Refusal::summary(said(tr, &text))),
        Self::NotFound(_) => Err(Reason::NotFound),
    };
}

/// The use cases' own sentences that these pages meet, and their messages.
const KNOWN: &[(&str, &str)] = &[
    ("is required and must not be blank", msg("refusal.required")),
    ("is required, 1 to 200 characters", msg("refusal.name_length")),
    ("must be 1-100 characters of a-z, 0-9, `-` and `_`", msg("refusal.slug")),
    ("must be shorter than max_run_seconds", msg("refusal.min_run_shorter")),
    ("must be between 1 and 31536000 seconds (365 days)", msg("refusal.seconds_range")),
    ("must be an http or https URL", msg("refusal.url")),
    ("is required for this type", msg("refusal.required")),
    ("does not apply to this type of channel", msg("refusal.not_this_kind")),
    ("must start with whsec_", msg("refusal.secret")),
    ("must be whsec_ followed by base64", msg("refusal.secret")),
    ("must hold between 24 and 64 bytes of key", msg("refusal.secret_length")),
    ("is required: the 32-character integration key of a PagerDuty Events API v2 integration", msg("refusal.routing_key")),
    ("must list 1 to 20 email addresses", msg("refusal.email_count")),
    ("is not an email address", msg("refusal.email")),
    ("must be a phone number in E.164 form, like +14155550100", msg("refusal.phone")),
    ("must select something: `all`, `monitors`, `tasks` or `tags`", msg("refusal.select")),
    ("must name at least one channel", msg("refusal.channels")),
    ("must have at most 20 entries", msg("refusal.too_many_channels")),
    ("must have at most 10 steps", msg("refusal.too_many_steps")),
    ("must be more than the step before and at most 604800 (a week)", msg("refusal.step_after")),
    ("must name 1 to 20 channels", msg("refusal.step_channels")),
    ("must be between 1 and 604800", msg("refusal.repeat")),
    ("must be after starts_at", msg("refusal.ends_before")),
    ("must be a local time HH:MM", msg("refusal.start")),
    ("must be between 1 and 10080 (a week)", msg("refusal.duration")),
    ("the monitor is still down", msg("refusal.monitor_still_down")),
    ("the task is still down", msg("refusal.task_still_down")),
    ("the job reported a failure", msg("refusal.job_failed")),
    ("is required", msg("refusal.required")),
    ("is taken by another page", msg("refusal.page_slug_taken")),
    ("is used by another page", msg("refusal.page_domain_taken")),
    ("must be 2-60 characters of a-z, 0-9 and `-`, not starting or ending with `-`", msg("refusal.page_slug")),
    ("must be a host name such as status.example.com (no scheme, path or port)", msg("refusal.page_domain")),
    ("is required to protect a page with a password", msg("refusal.page_password_required")),
    ("a group has no sources: it shows its worst component", msg("refusal.group_sources")),
    ("a group cannot be inside another group (two levels at most)", msg("refusal.group_in_group")),
    ("is not a component of this page", msg("refusal.not_a_component")),
    ("this agent's config does not allow that action", msg("refusal.action_not_allowed")),
    ("remote actions are disabled on this agent", msg("refusal.actions_disabled")),
    ("the action would act on the agent itself", msg("refusal.acts_on_itself")),
    ("too many actions are running on this agent", msg("refusal.agent_busy")),
    ("the request has expired", msg("refusal.request_expired")),
];

/// A use case's sentence in the reader's language: the known ones from the catalogue (those
/// with an argument keep it), then the account pages' ones, any other as written.
pub(crate) fn said(tr: &Tr, text: &str) -> String {
    if let Some((_, key)) = KNOWN.iter().find(|(english, _)| *english == text) {
        return tr.t(key).to_owned();
    }
    let between = |prefix: &str, suffix: &str| text.strip_prefix(prefix)?.strip_suffix(suffix).map(str::to_owned);
    if let Some(max) = between("must be at most ", " characters") {
        return tr.a(msg("refusal.too_long"), "max", max);
    }
    let number = |text: &str| text.replace(',', "").parse::<i64>().ok();
    if let Some(range) = between("must be ", " characters")
        && let Some((min, max)) = range.split_once(" to ")
        && let (Some(min), Some(max)) = (number(min), number(max))
    {
        return tr.a2(msg("refusal.length_between"), "min", tr.number(min), "max", tr.number(max));
    }
    if let Some(min) = between("must have at least ", " characters") {
        return tr.a(msg("refusal.too_short"), "min", min);
    }
    if let Some(zone) = between("`", "` is not a time zone of the IANA database (like Europe/Riga)")
        .or_else(|| between("`", "` is not an IANA time zone like Europe/Paris"))
    {
        return tr.a(msg("refusal.time_zone"), "zone", zone);
    }
    if let Some(slug) = between("another task already has the slug `", "`") {
        return tr.a(msg("refusal.slug_taken"), "slug", slug);
    }
    if let Some(count) = between("a cron expression has five fields (minute hour day month weekday), got ", "") {
        return tr.a(msg("refusal.cron_fields"), "count", count);
    }
    if let Some(rest) = text.strip_prefix("bad ")
        && let Some((field, rest)) = rest.split_once(" `")
        && let Some((written, _)) = rest.split_once("`: it takes ")
    {
        let field = cron_field(tr, field);
        return tr.a2(msg("refusal.cron_field"), "field", field, "written", written);
    }
    if let Some(which) = text.strip_prefix("never fires: ") {
        return tr.a(msg("refusal.never_fires"), "detail", which);
    }
    if let Some(id) = text.strip_prefix("no channel with id ") {
        return tr.a(msg("refusal.no_channel"), "id", id);
    }
    if let Some(reason) = text.strip_suffix(", and this deployment only checks public addresses") {
        return tr.a(msg("refusal.private_address"), "reason", reason);
    }
    if let Some(code) = between("the job exited with status ", "") {
        return tr.a(msg("refusal.job_exited"), "code", code);
    }
    if let Some(rest) = text.strip_prefix("finished after ")
        && let Some((ran, min)) = rest.split_once(", sooner than the minimum run time ")
    {
        return tr.a2(msg("refusal.run_too_short"), "ran", ran, "min", min);
    }
    if let Some(rest) = text.strip_prefix("started at ")
        && let Some((at, limit)) = rest.split_once(" and did not finish within ")
    {
        let at = at.parse::<jiff::Timestamp>().map(|at| tr.datetime(at)).unwrap_or_else(|_| at.to_owned());
        return tr.a2(msg("refusal.run_timed_out"), "at", at, "limit", limit);
    }
    if text.starts_with("more than ") && text.ends_with(" runs were open at once; the oldest was closed") {
        return tr.t(msg("refusal.too_many_open_runs")).to_owned();
    }
    words(tr, text)
}

/// A cron field's name in words.
fn cron_field(tr: &Tr, field: &str) -> String {
    let key = match field {
        "minute" => msg("refusal.cron.minute"),
        "hour" => msg("refusal.cron.hour"),
        "day-of-month" => msg("refusal.cron.day"),
        "month" => msg("refusal.cron.month"),
        "day-of-week" => msg("refusal.cron.weekday"),
        other => return other.to_owned(),
    };
    tr.t(key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vigil_domain::accounts::Locale;
    use vigil_domain::heartbeat::{TaskDraft, TaskSpec};
    use vigil_domain::notify::{AlertRuleDraft, ChannelDraft, MaintenanceDraft};

    fn messages(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.message).collect()
    }

    fn task(json: serde_json::Value) -> Vec<String> {
        messages(TaskSpec::from_draft(&serde_json::from_value::<TaskDraft>(json).unwrap()).unwrap_err().0)
    }

    fn channel(json: serde_json::Value) -> Vec<String> {
        messages(serde_json::from_value::<ChannelDraft>(json).unwrap().validate([0; 32]).unwrap_err().0)
    }

    fn rule(json: serde_json::Value) -> Vec<String> {
        messages(serde_json::from_value::<AlertRuleDraft>(json).unwrap().validate().unwrap_err().0)
    }

    fn window(json: serde_json::Value) -> Vec<String> {
        messages(serde_json::from_value::<MaintenanceDraft>(json).unwrap().validate().unwrap_err().0)
    }

    /// Every domain sentence these pages translate is still the one the domain writes, so a
    /// reworded error cannot silently fall back to English on a French page.
    #[test]
    fn the_domain_sentences_are_translated() {
        let fr = Tr::new(Locale::Fr, "Europe/Paris");
        let id = "0192f3a4-5b6c-7d8e-9f01-23456789abcd";
        let mut sentences = Vec::new();
        sentences.extend(task(json!({"name": " ", "slug": "Not OK", "period_seconds": 0})));
        sentences.extend(task(json!({"name": "x".repeat(201), "grace_seconds": 0, "max_run_seconds": 10, "min_run_seconds": 10})));
        sentences.extend(task(json!({"name": "x", "cron": "* * *"})));
        sentences.extend(task(json!({"name": "x", "cron": "61 * * * *"})));
        sentences.extend(task(json!({"name": "x", "cron": "0 0 30 2 *"})));
        sentences.extend(task(json!({"name": "x", "cron": "1 1 */100 * MON#4"})));
        sentences.extend(task(json!({"name": "x", "cron": "0 2 * * *", "timezone": "Mars/Olympus"})));
        sentences.extend(channel(json!({"name": "", "type": "webhook", "url": "ftp://x/y", "secret": "nope"})));
        sentences.extend(channel(json!({"name": "x", "type": "webhook", "url": "https://x/y", "secret": "whsec_!!"})));
        sentences.extend(channel(json!({"name": "x", "type": "webhook", "url": "https://x/y", "secret": "whsec_AAAA"})));
        sentences.extend(channel(json!({"name": "x", "type": "slack"})));
        sentences.extend(channel(json!({"name": "x", "type": "pagerduty", "routing_key": "short"})));
        sentences.extend(channel(json!({"name": "x", "type": "email", "to": ["nope"]})));
        sentences.extend(channel(json!({"name": "x", "type": "email", "to": []})));
        sentences.extend(channel(json!({"name": "x", "type": "sms", "to": "0612"})));
        sentences.extend(rule(json!({"name": "r"})));
        sentences.extend(rule(json!({"name": "r", "select": {"all": true}, "channels": vec![id; 21],
            "escalation": [{"after_seconds": 0, "channels": []}], "repeat_every_seconds": 0})));
        sentences.extend(rule(json!({"name": "r", "select": {"all": true}, "channels": [id],
            "escalation": (1..=11).map(|i| json!({"after_seconds": i * 60, "channels": [id]})).collect::<Vec<_>>()})));
        sentences.extend(window(json!({"name": "w", "select": {"all": true},
            "schedule": {"type": "one_off", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}})));
        sentences.extend(window(json!({"name": "w", "select": {"all": true},
            "schedule": {"type": "recurring", "timezone": "Mars/Olympus", "start": "25:00", "duration_minutes": 0}})));
        sentences.push(ResolveIncidentError::StillDown("monitor").to_string());
        sentences.push(ResolveIncidentError::StillDown("task").to_string());
        assert!(sentences.len() > 30, "{sentences:#?}");
        for sentence in sentences {
            let said = said(&fr, &sentence);
            assert_ne!(said, sentence, "no French for {sentence:?}");
            assert!(!said.contains("refusal.") && !said.contains("error.text"), "{said}");
        }
    }

    #[test]
    fn status_page_sentences_and_agents_refusals_are_translated() {
        use vigil_domain::agent::Refusal as AgentRefusal;
        use vigil_domain::status_page::StatusPageDraft;
        let fr = Tr::new(Locale::Fr, "Europe/Paris");
        let draft = |json: serde_json::Value| serde_json::from_value::<StatusPageDraft>(json).unwrap();
        let mut sentences: Vec<String> = Vec::new();
        for bad in [
            json!({"name": "", "slug": "Not OK!", "custom_domain": "https://x.example/path", "access": "password", "time_zone": "Mars/Olympus"}),
            json!({"name": "x", "slug": "ok", "access": "password", "password": "short"}),
            json!({"slug": "ok"}),
        ] {
            let errors = draft(bad).validate(None).unwrap_err();
            sentences.extend(errors.0.iter().map(|e| e.message.clone()));
        }
        for refusal in
            [AgentRefusal::NotAllowed, AgentRefusal::ActionsDisabled, AgentRefusal::ActsOnItself, AgentRefusal::Busy, AgentRefusal::Expired]
        {
            sentences.push(refusal.to_string());
        }
        assert!(sentences.len() >= 10, "{sentences:#?}");
        for sentence in sentences {
            let said = said(&fr, &sentence);
            assert_ne!(said, sentence, "no French for {sentence:?}");
            assert!(!said.contains("refusal."), "{said}");
        }
        assert_eq!(said(&fr, "must be 1 to 5,000 characters"), "Utilisez de 1 à 5\u{202f}000 caractères.");
        assert_eq!(said(&Tr::new(Locale::En, "UTC"), "must be 1 to 5,000 characters"), "Use 1 to 5,000 characters.");
    }

    #[test]
    fn run_failures_are_translated_with_their_figures() {
        let fr = Tr::new(Locale::Fr, "Europe/Paris");
        let cases = [
            ("the job exited with status 3", "La tâche s'est terminée avec le code 3."),
            ("the job reported a failure", "La tâche a signalé un échec."),
            (
                "started at 2026-01-01T10:00:00Z and did not finish within 5 min",
                "Commencée le 1 janv. 2026 à 11:00 CET, elle n'a pas fini en 5 min.",
            ),
            ("finished after 3 s, sooner than the minimum run time 1 min", "Finie après 3 s, avant la durée minimale de 1 min."),
        ];
        for (english, french) in cases {
            assert_eq!(said(&fr, english), french);
        }
    }

    #[test]
    fn field_paths_name_the_forms_fields() {
        for (path, field) in [
            ("escalation[2].after_seconds", "step_after_2"),
            ("escalation[0].channels[1]", "step_channels_0"),
            ("select.monitors[3]", "select"),
            ("to[1]", "to"),
            ("schedule.ends_at", "ends_at"),
            ("schedule.duration_minutes", "duration"),
            ("grace_seconds", "grace"),
            ("name", "name"),
        ] {
            assert_eq!(form_field(path), field, "{path}");
        }
    }
}
