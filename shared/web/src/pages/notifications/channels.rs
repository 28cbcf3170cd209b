//! `GET /channels`: where messages go. Each channel's target is shown without its secret (only
//! that one is set); a test message is sent from the list and its outcome shown in place.

use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{render, see_other};
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::notifications::{
    DeleteChannel, GetChannel, ListChannels, TestChannel, delete_channel, get_channel, list_channels, test_channel,
};
use vigil_domain::access::Action;
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{AttemptResult, Channel, ChannelConfig, ChannelKind};
use vigil_domain::page::PageRequest;

/// A channel's row.
pub(super) struct ChannelRow {
    id: String,
    name: String,
    kind: String,
    target: String,
    secret: Option<String>,
    managed: bool,
    /// The outcome of a test just sent: delivered or not, and in words.
    outcome: Option<(bool, String)>,
}

#[derive(Template)]
#[template(path = "notifications/channels.html")]
pub(super) struct ChannelsPage {
    shell: Shell,
    sections: Vec<Section>,
    channels: Vec<ChannelRow>,
    may_edit: bool,
    /// A webhook's signing secret made for it, shown this once: the channel's name and the secret.
    pub(super) new_secret: Option<(String, String)>,
}

/// The name of a kind of channel.
pub(super) fn kind_name(tr: &Tr, kind: ChannelKind) -> String {
    tr.t(match kind {
        ChannelKind::Webhook => msg("channels.kind.webhook"),
        ChannelKind::Slack => msg("channels.kind.slack"),
        ChannelKind::Discord => msg("channels.kind.discord"),
        ChannelKind::Teams => msg("channels.kind.teams"),
        ChannelKind::Pagerduty => msg("channels.kind.pagerduty"),
        ChannelKind::Email => msg("channels.kind.email"),
        ChannelKind::Sms => msg("channels.kind.sms"),
    })
    .to_owned()
}

/// Where a channel delivers, without its secret, and which secret it holds.
fn target(tr: &Tr, config: &ChannelConfig) -> (String, Option<String>) {
    let redacted = config.redacted();
    let field = |name: &str| redacted.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let set = |key: &str| Some(tr.t(key).to_owned());
    match config {
        ChannelConfig::Webhook { url, .. } => (url.to_string(), set(msg("channels.secret_set.signing"))),
        ChannelConfig::Slack { .. } | ChannelConfig::Discord { .. } | ChannelConfig::Teams { .. } => {
            (field("url"), set(msg("channels.secret_set.url")))
        }
        ChannelConfig::Pagerduty { .. } => ("—".into(), set(msg("channels.secret_set.routing_key"))),
        ChannelConfig::Email { to } => (to.join(", "), None),
        ChannelConfig::Sms { .. } => ("—".into(), set(msg("channels.secret_set.phone"))),
    }
}

/// A test's outcome in words.
fn outcome(tr: &Tr, result: &AttemptResult) -> (bool, String) {
    match result {
        AttemptResult::Accepted { status_code: Some(code) } => (true, tr.a(msg("channels.test.delivered_code"), "code", code)),
        AttemptResult::Accepted { status_code: None } => (true, tr.t(msg("channels.test.delivered")).to_owned()),
        AttemptResult::Rejected { status_code: Some(code), error, .. } => {
            (false, tr.a2(msg("channels.test.refused_code"), "code", code, "error", error))
        }
        AttemptResult::Rejected { status_code: None, error, .. } => (false, tr.a(msg("channels.test.refused"), "error", error)),
    }
}

fn row(tr: &Tr, channel: &Channel) -> ChannelRow {
    let (target, secret) = target(tr, &channel.config);
    ChannelRow {
        id: channel.id.to_string(),
        name: channel.name.clone(),
        kind: kind_name(tr, channel.config.kind()),
        target,
        secret,
        managed: channel.managed.is_some(),
        outcome: None,
    }
}

/// The list page, with the notice `notice`.
pub(super) async fn page(visitor: &Visitor, notice: Option<&str>) -> Result<ChannelsPage, Failure> {
    let shell = shell(visitor, msg("channels.title"), "channels").await?.with_notice(notice);
    let actor = visitor.member()?.actor.clone();
    let page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    let listed = list_channels(&visitor.deps, ListChannels { actor: actor.clone(), page }, SystemClock::now())
        .await
        .map_err(|e| Failure::of(visitor, e))?;
    Ok(ChannelsPage {
        sections: sections(&shell),
        channels: listed.items.iter().map(|c| row(&visitor.tr, c)).collect(),
        may_edit: actor.may(Action::EditAlerting),
        new_secret: None,
        shell,
    })
}

/// `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /channels`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let page = page(&visitor, query.notice.as_deref()).await?;
    Ok(render(&visitor, &page))
}

/// `POST /channels/{id}/test`: one message sent now; the list again with how the channel
/// answered beside it (htmx swaps that line alone).
pub(crate) async fn test(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let channel_id: ChannelId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    let result =
        test_channel(&visitor.deps, TestChannel { actor, channel_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let mut page = page(&visitor, None).await?;
    let id = channel_id.to_string();
    if let Some(row) = page.channels.iter_mut().find(|row| row.id == id) {
        row.outcome = Some(outcome(&visitor.tr, &result));
    }
    Ok(render(&visitor, &page))
}

/// `GET /channels/{id}/delete`.
pub(crate) async fn confirm_delete(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("channels.delete_title"), "channels").await?;
    let channel_id: ChannelId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let channel =
        get_channel(&visitor.deps, GetChannel { actor, channel_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let tr = &visitor.tr;
    let question = tr.a(msg("channels.delete_confirm"), "name", &channel.name);
    let action = visitor.link(&format!("/channels/{channel_id}/delete"));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("channels.delete")).to_owned(), action, visitor.link("/channels")))
}

/// `POST /channels/{id}/delete`.
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let channel_id: ChannelId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    delete_channel(&visitor.deps, DeleteChannel { actor, channel_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/channels?notice=channel_deleted")))
}
