//! `GET /rules`: which monitors and tasks notify which channels, on what, and how an incident
//! nobody takes escalates.

use super::selection::{Subjects, describe};
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{render, see_other};
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use std::collections::HashMap;
use vigil_app::SystemClock;
use vigil_app::notifications::{DeleteRule, GetRule, ListChannels, ListRules, delete_rule, get_rule, list_channels, list_rules};
use vigil_domain::access::Action;
use vigil_domain::ids::{AlertRuleId, ChannelId};
use vigil_domain::notify::AlertRule;
use vigil_domain::page::PageRequest;

/// A rule's row.
struct RuleRow {
    id: String,
    name: String,
    selects: String,
    channels: String,
    notify_on: String,
    escalation: Vec<String>,
    repeat: String,
    managed: bool,
}

#[derive(Template)]
#[template(path = "notifications/rules.html")]
struct RulesPage {
    shell: Shell,
    sections: Vec<Section>,
    rules: Vec<RuleRow>,
    may_edit: bool,
}

/// Channel names by id (the first 500 channels).
pub(super) async fn channel_names(visitor: &Visitor) -> Result<Vec<(String, String)>, Failure> {
    let actor = visitor.member()?.actor.clone();
    let page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    let channels =
        list_channels(&visitor.deps, ListChannels { actor, page }, SystemClock::now()).await.map_err(|e| Failure::of(visitor, e))?;
    Ok(channels.items.into_iter().map(|c| (c.id.to_string(), c.name)).collect())
}

fn names(ids: &[ChannelId], channels: &HashMap<String, String>) -> String {
    ids.iter().map(|id| channels.get(&id.to_string()).cloned().unwrap_or_else(|| id.to_string())).collect::<Vec<_>>().join(", ")
}

fn row(tr: &Tr, rule: &AlertRule, subjects: &Subjects, channels: &HashMap<String, String>) -> RuleRow {
    let on = [
        (rule.notify_on.opened, msg("rules.on.opened")),
        (rule.notify_on.acknowledged, msg("rules.on.acknowledged")),
        (rule.notify_on.resolved, msg("rules.on.resolved")),
    ];
    let on: Vec<&str> = on.into_iter().filter(|(wanted, _)| *wanted).map(|(_, key)| tr.t(key)).collect();
    RuleRow {
        id: rule.id.to_string(),
        name: rule.name.clone(),
        selects: describe(tr, &rule.select, subjects),
        channels: if rule.channels.is_empty() { "—".into() } else { names(&rule.channels, channels) },
        notify_on: if on.is_empty() { tr.t(msg("rules.on.nothing")).to_owned() } else { on.join(", ") },
        escalation: rule
            .escalation
            .iter()
            .map(|step| {
                tr.a2(
                    msg("rules.step_text"),
                    "after",
                    span::seconds(tr, i64::from(step.after_seconds)),
                    "channels",
                    names(&step.channels, channels),
                )
            })
            .collect(),
        repeat: rule.repeat_every_seconds.map_or_else(|| "—".into(), |s| tr.a(msg("rules.every"), "span", span::seconds(tr, i64::from(s)))),
        managed: rule.managed.is_some(),
    }
}

/// `?notice=`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /rules`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("rules.title"), "rules").await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let now = SystemClock::now();
    let rules = list_rules(&visitor.deps, ListRules { actor: actor.clone() }, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let subjects = Subjects::read(&visitor, now).await?;
    let channels: HashMap<String, String> = channel_names(&visitor).await?.into_iter().collect();
    let page = RulesPage {
        sections: sections(&shell),
        rules: rules.iter().map(|rule| row(&visitor.tr, rule, &subjects, &channels)).collect(),
        may_edit: actor.may(Action::EditAlerting),
        shell,
    };
    Ok(render(&visitor, &page))
}

/// `GET /rules/{id}/delete`.
pub(crate) async fn confirm_delete(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("rules.delete_title"), "rules").await?;
    let rule_id: AlertRuleId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let rule = get_rule(&visitor.deps, GetRule { actor, rule_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let tr = &visitor.tr;
    let question = tr.a(msg("rules.delete_confirm"), "name", &rule.name);
    let action = visitor.link(&format!("/rules/{rule_id}/delete"));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("rules.delete")).to_owned(), action, visitor.link("/rules")))
}

/// `POST /rules/{id}/delete`.
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let rule_id: AlertRuleId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    delete_rule(&visitor.deps, DeleteRule { actor, rule_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/rules?notice=rule_deleted")))
}
