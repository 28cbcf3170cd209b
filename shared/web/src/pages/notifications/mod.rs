//! Notifications: channels (made for each kind, tested in place, secrets never shown back),
//! alert rules with escalation steps, maintenance windows and mutes on monitors.

mod channel_form;
mod channels;
mod mutes;
mod rule_form;
mod rules;
mod selection;
mod window_form;
mod windows;

pub(crate) use selection::{Choice, Subjects, values};

use crate::failure::Failure;
use crate::i18n::msg;
use crate::shell::{Nav, Shell};
use crate::visitor::Visitor;
use axum::Router;
use axum::routing::{get, post};
use vigil_app::Deps;

/// The routes of the notification pages.
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/channels", get(channels::show).post(channel_form::create))
        .route("/channels/new", get(channel_form::new))
        .route("/channels/{id}/edit", get(channel_form::edit).post(channel_form::update))
        .route("/channels/{id}/test", post(channels::test))
        .route("/channels/{id}/delete", get(channels::confirm_delete).post(channels::delete))
        .route("/rules", get(rules::show).post(rule_form::create))
        .route("/rules/new", get(rule_form::new))
        .route("/rules/{id}/edit", get(rule_form::edit).post(rule_form::update))
        .route("/rules/{id}/delete", get(rules::confirm_delete).post(rules::delete))
        .route("/windows", get(windows::show).post(window_form::create))
        .route("/windows/new", get(window_form::new))
        .route("/windows/{id}/edit", get(window_form::edit).post(window_form::update))
        .route("/windows/{id}/delete", get(windows::confirm_delete).post(windows::delete))
        .route("/mutes", get(mutes::show).post(mutes::mute))
        .route("/mutes/{monitor}/unmute", post(mutes::unmute))
}

/// The frame of a notification page at `section` (`channels`, `rules`, `windows`, `mutes`).
async fn shell(visitor: &Visitor, title_key: &str, section: &'static str) -> Result<Shell, Failure> {
    Ok(Shell { section, ..Shell::member(visitor, title_key, Nav::Alerting).await? })
}

/// An id from a path, or a 404 page.
fn path_id<T: std::str::FromStr>(visitor: &Visitor, text: &str) -> Result<T, Failure> {
    text.parse().map_err(|_| Failure::not_found(visitor))
}

/// The sub-navigation's entries: section, path, title.
const SECTIONS: [(&str, &str, &str); 4] = [
    ("channels", "/channels", msg("channels.title")),
    ("rules", "/rules", msg("rules.title")),
    ("windows", "/windows", msg("windows.title")),
    ("mutes", "/mutes", msg("mutes.title")),
];

/// One entry of the sub-navigation.
pub(crate) struct Section {
    /// Its link.
    pub(crate) href: String,
    /// Its title.
    pub(crate) title: String,
    /// Whether the page is in it.
    pub(crate) current: bool,
}

/// The sub-navigation of `shell`'s section.
fn sections(shell: &Shell) -> Vec<Section> {
    SECTIONS
        .iter()
        .map(|(section, path, key)| Section {
            href: shell.link(path),
            title: shell.tr.t(key).to_owned(),
            current: shell.section == *section,
        })
        .collect()
}
