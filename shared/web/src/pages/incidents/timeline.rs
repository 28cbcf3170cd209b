//! An incident's timeline and delivery log in words.

use crate::failure::said;
use crate::i18n::{Tr, msg};
use crate::pages::state_badge::Badge;
use crate::span;
use std::collections::HashMap;
use vigil_domain::ids::ChannelId;
use vigil_domain::incident::{ResolvedBy, TimelineEntry, TimelineEvent};
use vigil_domain::notify::{AttemptResult, ChannelMessage, Delivery, DeliveryAttempt, NotificationKind};

/// One entry, as shown.
pub(super) struct EntryRow {
    /// When.
    pub(super) at: String,
    /// What happened.
    pub(super) text: String,
    /// Words someone wrote (a comment, a resolution's note).
    pub(super) quote: Option<String>,
    /// The CSS class of its marker (`opened`, `comment`…).
    pub(super) kind: &'static str,
}

/// One delivery, as shown.
pub(super) struct DeliveryRow {
    pub(super) channel: String,
    pub(super) about: String,
    pub(super) badge: Badge,
    pub(super) attempts: String,
    pub(super) detail: String,
    pub(super) tries: Vec<String>,
}

/// What a message is about.
pub(super) fn notification(tr: &Tr, kind: &NotificationKind) -> String {
    match kind {
        NotificationKind::Opened => tr.t(msg("incident.about.opened")).to_owned(),
        NotificationKind::Acknowledged => tr.t(msg("incident.about.acknowledged")).to_owned(),
        NotificationKind::Resolved => tr.t(msg("incident.about.resolved")).to_owned(),
        NotificationKind::Escalated { step } => tr.a(msg("incident.about.escalated"), "step", step),
        NotificationKind::Reminder { count } => tr.a(msg("incident.about.reminder"), "count", count),
        NotificationKind::Test => tr.t(msg("incident.about.test")).to_owned(),
    }
}

/// Why nobody is notified, from the sentence the use case stored.
pub(super) fn silence(tr: &Tr, reason: &str) -> String {
    if let Some(name) = reason.strip_prefix("maintenance window `").and_then(|r| r.strip_suffix('`')) {
        return tr.a(msg("incident.silence.window"), "name", name);
    }
    if let Some(until) = reason.strip_prefix("monitor is muted until ").or_else(|| reason.strip_prefix("task is muted until ")) {
        let until = until.parse::<jiff::Timestamp>().map(|at| tr.datetime(at)).unwrap_or_else(|_| until.to_owned());
        return tr.a(msg("incident.silence.muted_until"), "until", until);
    }
    if reason == "monitor is muted" || reason == "task is muted" {
        return tr.t(msg("incident.silence.muted")).to_owned();
    }
    reason.to_owned()
}

/// An entry in words; `channels` names the channels by id.
pub(super) fn entry(tr: &Tr, entry: &TimelineEntry, channels: &HashMap<ChannelId, String>) -> EntryRow {
    let row = |kind, text: String, quote: Option<String>| EntryRow { at: tr.datetime(entry.at), text, quote, kind };
    match &entry.event {
        TimelineEvent::Opened { cause } => row("opened", tr.a(msg("incident.event.opened"), "cause", said(tr, &cause.summary)), None),
        TimelineEvent::Silenced { reason } => row("quiet", tr.a(msg("incident.event.silenced"), "reason", silence(tr, reason)), None),
        TimelineEvent::CheckFailures { failed, checks } => row(
            "quiet",
            tr.a2(msg("incident.event.check_failures"), "failed", tr.number(*failed as i64), "checks", tr.number(*checks as i64)),
            None,
        ),
        TimelineEvent::Acknowledged { by } => row("acknowledged", tr.a(msg("incident.event.acknowledged"), "by", by), None),
        TimelineEvent::Commented { by, text } => row("comment", tr.a(msg("incident.event.commented"), "by", by), Some(text.clone())),
        TimelineEvent::Notified { channel_name, notification: kind, attempts, .. } => row(
            "quiet",
            format!(
                "{} {}",
                tr.a2(msg("incident.event.notified"), "channel", channel_name, "about", notification(tr, kind)),
                tr.n(msg("incident.attempts"), i64::from(*attempts))
            ),
            None,
        ),
        TimelineEvent::DeliveryFailed { channel_name, notification: kind, attempts, error, .. } => row(
            "failed",
            format!(
                "{} {}",
                tr.a2(msg("incident.event.delivery_failed"), "channel", channel_name, "about", notification(tr, kind)),
                tr.n(msg("incident.attempts"), i64::from(*attempts))
            ),
            Some(error.clone()),
        ),
        TimelineEvent::Escalated { step, channels: notified, .. } => {
            let names: Vec<&str> = notified.iter().map(|id| channels.get(id).map_or("?", String::as_str)).collect();
            row("escalated", tr.a2(msg("incident.event.escalated"), "step", step, "channels", names.join(", ")), None)
        }
        TimelineEvent::Reminded { count, .. } => row("quiet", tr.a(msg("incident.event.reminded"), "count", count), None),
        TimelineEvent::Resolved { by } => {
            let (text, note) = resolved_by(tr, by);
            row("resolved", text, note)
        }
    }
}

/// How an incident ended, and the note its resolver left.
pub(super) fn resolved_by(tr: &Tr, by: &ResolvedBy) -> (String, Option<String>) {
    match by {
        ResolvedBy::Recovery => (tr.t(msg("incident.event.resolved_recovery")).to_owned(), None),
        ResolvedBy::SubjectPaused => (tr.t(msg("incident.event.resolved_paused")).to_owned(), None),
        ResolvedBy::SubjectDeleted => (tr.t(msg("incident.event.resolved_deleted")).to_owned(), None),
        ResolvedBy::Person { name, note } => (tr.a(msg("incident.event.resolved_by"), "name", name), note.clone()),
    }
}

fn attempt(tr: &Tr, attempt: &DeliveryAttempt) -> String {
    let result = match &attempt.result {
        AttemptResult::Accepted { status_code: Some(code) } => tr.a(msg("incident.attempt.accepted_code"), "code", code),
        AttemptResult::Accepted { status_code: None } => tr.t(msg("incident.attempt.accepted")).to_owned(),
        AttemptResult::Rejected { status_code: Some(code), error, .. } => {
            tr.a2(msg("incident.attempt.rejected_code"), "code", code, "error", error)
        }
        AttemptResult::Rejected { status_code: None, error, .. } => tr.a(msg("incident.attempt.rejected"), "error", error),
    };
    format!(
        "{} · {} · {} · {result}",
        tr.a(msg("incident.attempt.number"), "number", attempt.number),
        tr.datetime(attempt.at),
        span::millis(tr, attempt.duration_ms as i64)
    )
}

/// A delivery with its attempts in words.
pub(super) fn delivery(
    tr: &Tr,
    delivery: &Delivery,
    message: &ChannelMessage,
    attempts: &[DeliveryAttempt],
    channels: &HashMap<ChannelId, String>,
) -> DeliveryRow {
    let mut detail = Vec::new();
    if let Some(code) = delivery.last_status_code {
        detail.push(tr.a(msg("incident.delivery.status_code"), "code", code));
    }
    if let Some(error) = &delivery.last_error {
        detail.push(error.clone());
    }
    if let Some(next) = delivery.next_attempt_at {
        detail.push(tr.a(msg("incident.delivery.next_attempt"), "at", tr.datetime(next)));
    }
    DeliveryRow {
        channel: channels.get(&message.channel_id).cloned().unwrap_or_else(|| message.channel_id.to_string()),
        about: notification(tr, &message.notification.kind),
        badge: Badge::delivery(tr, delivery.status),
        attempts: tr.number(i64::from(delivery.attempts)),
        detail: detail.join(" · "),
        tries: attempts.iter().map(|a| attempt(tr, a)).collect(),
    }
}
