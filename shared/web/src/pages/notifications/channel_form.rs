//! Making and changing a channel: a kind is picked first, then its fields. A secret is never
//! shown back: editing leaves its field empty, and an empty field keeps the stored one.

use super::channels::{kind_name, page as list_page};
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use vigil_app::SystemClock;
use vigil_app::notifications::{CreateChannel, GetChannel, ReplaceChannel, create_channel, get_channel, replace_channel};
use vigil_domain::access::Action;
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{ChannelConfig, ChannelDraft, ChannelKind};

/// Every kind, in the order the picker lists them.
const KINDS: [ChannelKind; 7] = [
    ChannelKind::Webhook,
    ChannelKind::Slack,
    ChannelKind::Discord,
    ChannelKind::Teams,
    ChannelKind::Pagerduty,
    ChannelKind::Email,
    ChannelKind::Sms,
];

/// The channel form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ChannelForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    routing_key: String,
    #[serde(default)]
    to: String,
}

/// A kind to pick.
struct KindChoice {
    value: &'static str,
    name: String,
    hint: String,
}

#[derive(Template)]
#[template(path = "notifications/channel_form.html")]
struct FormPage {
    shell: Shell,
    sections: Vec<Section>,
    errors: Refusal,
    form: ChannelForm,
    /// The kind's name, once one is picked.
    kind_name: Option<String>,
    kinds: Vec<KindChoice>,
    action: String,
    is_new: bool,
}

impl FormPage {
    /// Whether the picked kind has field `field`.
    fn has(&self, field: &str) -> bool {
        matches!(
            (self.form.kind.as_str(), field),
            (_, "name")
                | ("webhook" | "slack" | "discord" | "teams", "url")
                | ("webhook", "secret")
                | ("pagerduty", "routing_key")
                | ("email" | "sms", "to")
        )
    }
}

fn kind_of(text: &str) -> Option<ChannelKind> {
    KINDS.into_iter().find(|k| k.as_str() == text)
}

fn hint(tr: &Tr, kind: ChannelKind) -> String {
    tr.t(match kind {
        ChannelKind::Webhook => msg("channels.hint.webhook"),
        ChannelKind::Slack => msg("channels.hint.slack"),
        ChannelKind::Discord => msg("channels.hint.discord"),
        ChannelKind::Teams => msg("channels.hint.teams"),
        ChannelKind::Pagerduty => msg("channels.hint.pagerduty"),
        ChannelKind::Email => msg("channels.hint.email"),
        ChannelKind::Sms => msg("channels.hint.sms"),
    })
    .to_owned()
}

impl ChannelForm {
    /// A stored channel's form: everything but its secret.
    fn of(name: &str, config: &ChannelConfig) -> Self {
        let mut form = Self { kind: config.kind().as_str().to_owned(), name: name.to_owned(), ..Self::default() };
        match config {
            ChannelConfig::Webhook { url, .. } => form.url = url.to_string(),
            ChannelConfig::Email { to } => form.to = to.join("\n"),
            _ => {}
        }
        form
    }

    /// The draft: an empty secret is left out (a new webhook gets one made; a replacement keeps
    /// the stored one).
    fn draft(&self) -> ChannelDraft {
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let kind = self.kind.as_str();
        let to = match kind {
            "email" => Some(Value::Array(
                self.to.split([',', '\n', ';']).map(str::trim).filter(|a| !a.is_empty()).map(|a| Value::String(a.to_owned())).collect(),
            )),
            "sms" => text(&self.to).map(Value::String),
            _ => None,
        };
        ChannelDraft {
            name: Some(self.name.clone()),
            kind: Some(self.kind.clone()),
            url: if matches!(kind, "webhook" | "slack" | "discord" | "teams") { text(&self.url) } else { None },
            secret: if kind == "webhook" { text(&self.secret) } else { None },
            routing_key: if kind == "pagerduty" { text(&self.routing_key) } else { None },
            to,
            managed: None,
        }
    }
}

async fn form_page(visitor: &Visitor, form: ChannelForm, errors: Refusal, editing: Option<ChannelId>) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("channels.edit_title") } else { msg("channels.new_title") };
    let shell = shell(visitor, title, "channels").await?;
    let tr = &visitor.tr;
    Ok(FormPage {
        sections: sections(&shell),
        errors,
        kind_name: kind_of(&form.kind).map(|k| kind_name(tr, k)),
        kinds: KINDS.into_iter().map(|k| KindChoice { value: k.as_str(), name: kind_name(tr, k), hint: hint(tr, k) }).collect(),
        action: match editing {
            Some(id) => visitor.link(&format!("/channels/{id}/edit")),
            None => visitor.link("/channels"),
        },
        is_new: editing.is_none(),
        form,
        shell,
    })
}

/// `?kind=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct KindQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /channels/new?kind=`: the kinds to pick from, or the picked kind's form.
pub(crate) async fn new(visitor: Visitor, Query(query): Query<KindQuery>) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditAlerting)?;
    let kind = kind_of(&query.kind).map(|k| k.as_str().to_owned()).unwrap_or_default();
    let page = form_page(&visitor, ChannelForm { kind, ..ChannelForm::default() }, Refusal::default(), None).await?;
    Ok(render(&visitor, &page))
}

/// `POST /channels`: made; a webhook's signing secret made for it is shown this once.
pub(crate) async fn create(posted: Posted<ChannelForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = visitor.member()?.actor.clone();
    let secret_made = form.kind == "webhook" && form.secret.trim().is_empty();
    match create_channel(&visitor.deps, CreateChannel { actor, draft: form.draft() }, SystemClock::now()).await {
        Ok(channel) => match (&channel.config, secret_made) {
            (ChannelConfig::Webhook { secret, .. }, true) => {
                let mut page = list_page(&visitor, Some("channel_created")).await?;
                page.new_secret = Some((channel.name.clone(), secret.expose()));
                Ok(render(&visitor, &page))
            }
            _ => Ok(see_other(&visitor.link("/channels?notice=channel_created"))),
        },
        Err(error) => {
            let errors = error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?;
            let form = ChannelForm { secret: String::new(), ..form };
            let page = form_page(&visitor, form, errors, None).await?;
            Ok(refused(&visitor, &page))
        }
    }
}

/// `GET /channels/{id}/edit`.
pub(crate) async fn edit(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let channel_id: ChannelId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let channel =
        get_channel(&visitor.deps, GetChannel { actor, channel_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let page = form_page(&visitor, ChannelForm::of(&channel.name, &channel.config), Refusal::default(), Some(channel_id)).await?;
    Ok(render(&visitor, &page))
}

/// `POST /channels/{id}/edit`: replaced, keeping its secret unless a new one was typed, and
/// its monitoring-as-code mark.
pub(crate) async fn update(Path(id): Path<String>, posted: Posted<ChannelForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let channel_id: ChannelId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    let now = SystemClock::now();
    let current =
        get_channel(&visitor.deps, GetChannel { actor: actor.clone(), channel_id }, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let draft = ChannelDraft { managed: current.managed, ..form.draft() };
    match replace_channel(&visitor.deps, ReplaceChannel { actor, channel_id, draft }, now).await {
        Ok(_) => Ok(see_other(&visitor.link("/channels?notice=channel_saved"))),
        Err(error) => {
            let errors = error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?;
            let form = ChannelForm { secret: String::new(), ..form };
            let page = form_page(&visitor, form, errors, Some(channel_id)).await?;
            Ok(refused(&visitor, &page))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_carry_only_their_kinds_fields_and_no_empty_secret() {
        let form = |kind: &str| ChannelForm {
            kind: kind.into(),
            name: "ops".into(),
            url: " https://example.com/hook ".into(),
            secret: String::new(),
            routing_key: "R0123456789abcdef0123456789abcdef".into(),
            to: "a@example.com, b@example.com\nc@example.com".into(),
        };
        let webhook = form("webhook").draft();
        assert_eq!((webhook.url.as_deref(), webhook.secret, webhook.to), (Some("https://example.com/hook"), None, None));
        let email = form("email").draft();
        assert_eq!(email.url, None);
        assert_eq!(email.to, Some(serde_json::json!(["a@example.com", "b@example.com", "c@example.com"])));
        let pagerduty = form("pagerduty").draft();
        assert_eq!((pagerduty.url, pagerduty.routing_key.is_some()), (None, true));
        for kind in KINDS {
            let base = form(kind.as_str());
            let to = if kind == ChannelKind::Sms { "+14155550100".to_owned() } else { base.to.clone() };
            let (_, config) = ChannelForm { to, ..base }.draft().validate([1; 32]).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert_eq!(config.kind(), kind);
        }
    }
}
