//! Making and changing an alert rule: what it covers, its channels and transitions, escalation
//! steps added and removed by the form's own buttons (the server draws the form again, so it
//! works without script), and a reminder period.

use super::rules::channel_names;
use super::selection::{Choice, SelectionForm, SelectionView, Subjects, choices, value, values};
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use std::collections::BTreeSet;
use vigil_app::SystemClock;
use vigil_app::notifications::{CreateRule, GetRule, create_rule, get_rule};
use vigil_domain::access::Action;
use vigil_domain::ids::AlertRuleId;
use vigil_domain::notify::{AlertRule, AlertRuleDraft, EscalationStepDraft, NotifyOn};

/// One escalation step as the form holds it.
#[derive(Clone, Debug)]
struct StepForm {
    after: String,
    after_unit: String,
    channels: BTreeSet<String>,
}

impl Default for StepForm {
    fn default() -> Self {
        Self { after: String::new(), after_unit: "min".into(), channels: BTreeSet::new() }
    }
}

/// The rule as the form holds it.
#[derive(Clone, Debug)]
struct RuleForm {
    name: String,
    selection: SelectionForm,
    channels: BTreeSet<String>,
    on: NotifyOn,
    steps: Vec<StepForm>,
    repeat: String,
    repeat_unit: String,
}

impl Default for RuleForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            selection: SelectionForm::default(),
            channels: BTreeSet::new(),
            on: NotifyOn::default(),
            steps: Vec::new(),
            repeat: String::new(),
            repeat_unit: "min".into(),
        }
    }
}

/// What the posted form asks for.
#[derive(Debug, PartialEq, Eq)]
enum Op {
    Save,
    AddStep,
    RemoveStep(usize),
}

impl RuleForm {
    fn of(rule: &AlertRule) -> Self {
        let (repeat, repeat_unit) = rule.repeat_every_seconds.map_or_else(|| (String::new(), "min".to_owned()), span::in_unit);
        Self {
            name: rule.name.clone(),
            selection: SelectionForm::of(&rule.select),
            channels: rule.channels.iter().map(ToString::to_string).collect(),
            on: rule.notify_on,
            steps: rule
                .escalation
                .iter()
                .map(|step| {
                    let (after, after_unit) = span::in_unit(step.after_seconds);
                    StepForm { after, after_unit, channels: step.channels.iter().map(ToString::to_string).collect() }
                })
                .collect(),
            repeat,
            repeat_unit,
        }
    }

    /// The posted form, and what it asks for.
    fn posted(pairs: &[(String, String)]) -> (Self, Op) {
        let mut indices: Vec<usize> = pairs
            .iter()
            .filter_map(|(name, _)| name.strip_prefix("step_after_")?.parse().ok())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        indices.truncate(vigil_domain::notify::rule::limits::STEPS + 1);
        let form = Self {
            name: value(pairs, "name").to_owned(),
            selection: SelectionForm::posted(pairs),
            channels: values(pairs, "channel").map(str::to_owned).collect(),
            on: NotifyOn {
                opened: !value(pairs, "notify_opened").is_empty(),
                acknowledged: !value(pairs, "notify_acknowledged").is_empty(),
                resolved: !value(pairs, "notify_resolved").is_empty(),
            },
            steps: indices
                .into_iter()
                .map(|i| StepForm {
                    after: value(pairs, &format!("step_after_{i}")).to_owned(),
                    after_unit: value(pairs, &format!("step_after_{i}_unit")).to_owned(),
                    channels: values(pairs, &format!("step_channel_{i}")).map(str::to_owned).collect(),
                })
                .collect(),
            repeat: value(pairs, "repeat").to_owned(),
            repeat_unit: value(pairs, "repeat_unit").to_owned(),
        };
        let op = match value(pairs, "op") {
            "add_step" => Op::AddStep,
            other => other.strip_prefix("remove_step_").and_then(|i| i.parse().ok()).map_or(Op::Save, Op::RemoveStep),
        };
        (form, op)
    }

    fn draft(&self, tr: &Tr) -> Result<AlertRuleDraft, Refusal> {
        let mut problems = Vec::new();
        let mut escalation = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let field = format!("step_after_{i}");
            match span::read(&step.after, &step.after_unit) {
                Ok(Some(after_seconds)) => {
                    escalation.push(EscalationStepDraft { after_seconds, channels: step.channels.iter().cloned().collect() })
                }
                Ok(None) => problems.push((field, tr.t(msg("task.form.required")).to_owned())),
                Err(()) => problems.push((field, tr.t(msg("task.form.whole_number")).to_owned())),
            }
        }
        let repeat = span::read(&self.repeat, &self.repeat_unit).unwrap_or_else(|()| {
            problems.push(("repeat".into(), tr.t(msg("task.form.whole_number")).to_owned()));
            None
        });
        if !problems.is_empty() {
            return Err(Refusal { summary: Some(tr.t(msg("form.fix_fields")).to_owned()), fields: problems });
        }
        Ok(AlertRuleDraft {
            name: Some(self.name.clone()),
            select: Some(self.selection.draft()),
            channels: Some(self.channels.iter().cloned().collect()),
            notify_on: Some(self.on),
            escalation: Some(escalation),
            repeat_every_seconds: repeat,
            managed: None,
        })
    }
}

/// One step, ready for the template.
struct StepView {
    number: usize,
    field: String,
    channel_name: String,
    after: String,
    after_unit: String,
    channels: Vec<Choice>,
    channels_error: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications/rule_form.html")]
struct FormPage {
    shell: Shell,
    sections: Vec<Section>,
    errors: Refusal,
    name: String,
    selection: SelectionView,
    channels: Vec<Choice>,
    on: NotifyOn,
    steps: Vec<StepView>,
    may_add_step: bool,
    repeat: String,
    repeat_unit: String,
    units: Vec<span::Unit>,
    action: String,
    is_new: bool,
}

async fn form_page(visitor: &Visitor, form: RuleForm, errors: Refusal, editing: Option<AlertRuleId>) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("rules.edit_title") } else { msg("rules.new_title") };
    let shell = shell(visitor, title, "rules").await?;
    let subjects = Subjects::read(visitor, SystemClock::now()).await?;
    let channels = channel_names(visitor).await?;
    Ok(FormPage {
        sections: sections(&shell),
        name: form.name.clone(),
        selection: form.selection.view(&subjects),
        channels: choices(&channels, &form.channels),
        on: form.on,
        may_add_step: form.steps.len() < vigil_domain::notify::rule::limits::STEPS,
        steps: form
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| StepView {
                number: i + 1,
                field: format!("step_after_{i}"),
                channel_name: format!("step_channel_{i}"),
                after: step.after.clone(),
                after_unit: step.after_unit.clone(),
                channels: choices(&channels, &step.channels),
                channels_error: errors.field(&format!("step_channels_{i}")).map(str::to_owned),
            })
            .collect(),
        repeat: form.repeat,
        repeat_unit: form.repeat_unit,
        units: span::units(&visitor.tr, "min"),
        action: match editing {
            Some(id) => visitor.link(&format!("/rules/{id}/edit")),
            None => visitor.link("/rules"),
        },
        is_new: editing.is_none(),
        errors,
        shell,
    })
}

/// `GET /rules/new`.
pub(crate) async fn new(visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditAlerting)?;
    let page = form_page(&visitor, RuleForm::default(), Refusal::default(), None).await?;
    Ok(render(&visitor, &page))
}

/// A posted rule form: a step added or removed (the form again), or saved.
async fn posted(visitor: Visitor, pairs: Vec<(String, String)>, editing: Option<AlertRuleId>) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditAlerting)?;
    let (mut form, op) = RuleForm::posted(&pairs);
    match op {
        Op::AddStep => {
            form.steps.push(StepForm::default());
            return Ok(render(&visitor, &form_page(&visitor, form, Refusal::default(), editing).await?));
        }
        Op::RemoveStep(i) => {
            if i < form.steps.len() {
                form.steps.remove(i);
            }
            return Ok(render(&visitor, &form_page(&visitor, form, Refusal::default(), editing).await?));
        }
        Op::Save => {}
    }
    let actor = visitor.member()?.actor.clone();
    let now = SystemClock::now();
    let errors = match form.draft(&visitor.tr) {
        Ok(mut draft) => {
            if let Some(rule_id) = editing {
                let current =
                    get_rule(&visitor.deps, GetRule { actor: actor.clone(), rule_id }, now).await.map_err(|e| Failure::of(&visitor, e))?;
                draft.managed = current.managed;
            }
            match create_rule(&visitor.deps, CreateRule { actor, replaces: editing, draft }, now).await {
                Ok(_) => return Ok(see_other(&visitor.link("/rules?notice=rule_saved"))),
                Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
            }
        }
        Err(errors) => errors,
    };
    let page = form_page(&visitor, form, errors, editing).await?;
    Ok(refused(&visitor, &page))
}

/// `POST /rules`.
pub(crate) async fn create(posted_form: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted_form;
    posted(visitor, form, None).await
}

/// `GET /rules/{id}/edit`.
pub(crate) async fn edit(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let rule_id: AlertRuleId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let rule = get_rule(&visitor.deps, GetRule { actor, rule_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let page = form_page(&visitor, RuleForm::of(&rule), Refusal::default(), Some(rule_id)).await?;
    Ok(render(&visitor, &page))
}

/// `POST /rules/{id}/edit`.
pub(crate) async fn update(Path(id): Path<String>, posted_form: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted_form;
    let rule_id: AlertRuleId = path_id(&visitor, &id)?;
    posted(visitor, form, Some(rule_id)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn steps_are_read_added_and_removed_from_the_posted_form() {
        let posted = pairs(&[
            ("name", "On call"),
            ("select_all", "on"),
            ("channel", "a"),
            ("channel", "b"),
            ("notify_opened", "on"),
            ("step_after_0", "15"),
            ("step_after_0_unit", "min"),
            ("step_channel_0", "b"),
            ("step_after_1", "1"),
            ("step_after_1_unit", "h"),
            ("step_channel_1", "a"),
            ("step_channel_1", "b"),
            ("op", "remove_step_0"),
        ]);
        let (form, op) = RuleForm::posted(&posted);
        assert_eq!(op, Op::RemoveStep(0));
        assert_eq!(form.steps.len(), 2);
        assert_eq!(form.on, NotifyOn { opened: true, acknowledged: false, resolved: false });
        let tr = Tr::new(Locale::En, "UTC");
        let draft = form.draft(&tr).unwrap();
        let steps: Vec<(u32, Vec<String>)> = draft.escalation.unwrap().into_iter().map(|s| (s.after_seconds, s.channels)).collect();
        assert_eq!(steps, [(900, vec!["b".to_owned()]), (3600, vec!["a".to_owned(), "b".to_owned()])]);
        assert_eq!(draft.channels.unwrap(), ["a", "b"]);
        assert!(draft.select.unwrap().all);
        let (_, op) = RuleForm::posted(&pairs(&[("op", "add_step")]));
        assert_eq!(op, Op::AddStep);
        let (empty_step, op) = RuleForm::posted(&pairs(&[("step_after_0", ""), ("step_after_0_unit", "min")]));
        assert_eq!(op, Op::Save);
        assert_eq!(empty_step.draft(&tr).unwrap_err().fields[0].0, "step_after_0");
    }
}
