//! `vigil export`: the resources of the server as a monitoring file that applies back with no
//! change. Secrets are never written: channels leave theirs out (the stored one is kept) and
//! credential headers are written masked (sending a mask back keeps the stored value).

use super::model::Manifest;
use super::plan::Current;
use std::collections::{BTreeMap, BTreeSet};
use vigil_api::{ChannelDraft, EscalationStepDraft, Managed, NotifyOn, Recipients, Selector, SelectorDraft, StatusCodeInput};
use vigil_domain::notify::ChannelKind;

/// What an export wrote, and what it left to other files.
#[derive(Debug)]
pub struct Exported {
    /// The file.
    pub manifest: Manifest,
    /// Resources left out because another file manages them.
    pub left_out: usize,
}

/// Gives each resource its logical name: its own when the exported source manages it, else
/// one made from its display name, unique in its section.
struct Keys {
    source: String,
    taken: BTreeSet<String>,
}

impl Keys {
    fn key(&mut self, managed: Option<&Managed>, name: &str) -> String {
        if let Some(managed) = managed.filter(|m| m.source == self.source) {
            self.taken.insert(managed.key.clone());
            return managed.key.clone();
        }
        let slug: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
        let base = if slug.is_empty() { "unnamed".to_owned() } else { slug };
        let mut key = base.clone();
        let mut n = 2;
        while self.taken.contains(&key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(key.clone());
        key
    }
}

/// The source an export writes: `given`, else the one source that manages anything, else
/// `vigil`.
pub fn source_of(current: &Current, given: Option<&str>) -> String {
    if let Some(given) = given {
        return given.to_owned();
    }
    let marks = current
        .channels
        .iter()
        .map(|c| &c.managed)
        .chain(current.monitors.iter().map(|m| &m.managed))
        .chain(current.tasks.iter().map(|t| &t.managed))
        .chain(current.rules.iter().map(|r| &r.managed))
        .chain(current.windows.iter().map(|w| &w.managed));
    let sources: BTreeSet<&str> = marks.flatten().map(|m| m.source.as_str()).collect();
    match sources.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => (*one).to_owned(),
        _ => "vigil".to_owned(),
    }
}

/// `value` (a file as JSON) with its selectors written short: no `all: false`, no empty lists.
pub fn shortened(mut value: serde_json::Value) -> serde_json::Value {
    for section in ["alert_rules", "maintenance_windows"] {
        if let Some(entries) = value.get_mut(section).and_then(serde_json::Value::as_object_mut) {
            for entry in entries.values_mut() {
                if let Some(select) = entry.get_mut("select").and_then(serde_json::Value::as_object_mut) {
                    select.retain(|_, v| !(v == &serde_json::Value::Bool(false) || v.as_array().is_some_and(Vec::is_empty)));
                }
            }
        }
    }
    value
}

/// The file of `current` for `source`: what it manages and what nobody manages.
pub fn export(current: &Current, source: &str) -> Exported {
    let ours = |managed: &Option<Managed>| managed.as_ref().is_none_or(|m| m.source == source);
    let mut left_out = 0;
    let mut keep = |managed: &Option<Managed>| {
        let kept = ours(managed);
        left_out += usize::from(!kept);
        kept
    };
    let mut manifest = Manifest { source: Some(source.to_owned()), ..Manifest::default() };
    let mut names: BTreeMap<String, String> = BTreeMap::new();

    let mut keys = Keys { source: source.to_owned(), taken: BTreeSet::new() };
    for channel in current.channels.iter().filter(|c| keep(&c.managed)) {
        let key = keys.key(channel.managed.as_ref(), &channel.name);
        names.insert(channel.id.to_string(), key.clone());
        let draft = ChannelDraft {
            name: Some(channel.name.clone()),
            kind: Some(channel.kind.as_str().to_owned()),
            url: (channel.kind == ChannelKind::Webhook).then(|| channel.url.clone()).flatten(),
            to: match (&channel.to, channel.kind) {
                (Some(Recipients::Many(to)), ChannelKind::Email) => Some(serde_json::json!(to)),
                _ => None,
            },
            ..ChannelDraft::default()
        };
        manifest.channels.insert(key, draft);
    }
    let mut keys = Keys { source: source.to_owned(), taken: BTreeSet::new() };
    for monitor in current.monitors.iter().filter(|m| keep(&m.managed)) {
        let key = keys.key(monitor.managed.as_ref(), &monitor.name);
        names.insert(monitor.id.to_string(), key.clone());
        let mut draft = monitor.to_draft();
        draft.managed = None;
        // Defaults are left out, to keep the file short.
        draft.method = draft.method.filter(|m| m != "GET");
        draft.headers = draft.headers.filter(|h| !h.is_empty());
        draft.timeout_ms = draft.timeout_ms.filter(|t| *t != 10_000);
        draft.interval_seconds = draft.interval_seconds.filter(|i| *i != 60);
        draft.expected_status = draft.expected_status.filter(|e| e.as_slice() != [StatusCodeInput::Pattern("2xx".into())]);
        draft.assertions = draft.assertions.filter(|a| !a.is_empty());
        draft.failure_threshold = draft.failure_threshold.filter(|t| *t != 2);
        draft.recovery_threshold = draft.recovery_threshold.filter(|t| *t != 1);
        draft.follow_redirects = draft.follow_redirects.filter(|f| !f);
        draft.verify_tls = draft.verify_tls.filter(|v| !v);
        draft.tags = draft.tags.filter(|t| !t.is_empty());
        manifest.monitors.insert(key, draft);
    }
    let mut keys = Keys { source: source.to_owned(), taken: BTreeSet::new() };
    for task in current.tasks.iter().filter(|t| keep(&t.managed)) {
        let key = keys.key(task.managed.as_ref(), &task.name);
        names.insert(task.id.to_string(), key.clone());
        let mut draft = task.to_draft();
        draft.managed = None;
        draft.slug = draft.slug.filter(Option::is_some);
        draft.max_run_seconds = draft.max_run_seconds.filter(Option::is_some);
        draft.min_run_seconds = draft.min_run_seconds.filter(Option::is_some);
        draft.one_shot = draft.one_shot.filter(|o| *o);
        manifest.tasks.insert(key, draft);
    }
    let name_of = |id: String| names.get(&id).cloned().unwrap_or(id);
    let select = |s: &Selector| SelectorDraft {
        all: s.all,
        monitors: s.monitors.iter().map(|id| name_of(id.to_string())).collect(),
        tasks: s.tasks.iter().map(|id| name_of(id.to_string())).collect(),
        tags: s.tags.clone(),
    };
    let mut keys = Keys { source: source.to_owned(), taken: BTreeSet::new() };
    for rule in current.rules.iter().filter(|r| keep(&r.managed)) {
        let key = keys.key(rule.managed.as_ref(), &rule.name);
        let draft = vigil_api::AlertRuleDraft {
            name: Some(rule.name.clone()),
            select: Some(select(&rule.select)),
            channels: Some(rule.channels.iter().map(|c| name_of(c.to_string())).collect()),
            notify_on: Some(rule.notify_on).filter(|n| *n != NotifyOn::default()),
            escalation: Some(
                rule.escalation
                    .iter()
                    .map(|s| EscalationStepDraft {
                        after_seconds: s.after_seconds,
                        channels: s.channels.iter().map(|c| name_of(c.to_string())).collect(),
                    })
                    .collect::<Vec<_>>(),
            )
            .filter(|e| !e.is_empty()),
            repeat_every_seconds: rule.repeat_every_seconds,
            managed: None,
        };
        manifest.alert_rules.insert(key, draft);
    }
    let mut keys = Keys { source: source.to_owned(), taken: BTreeSet::new() };
    for window in current.windows.iter().filter(|w| keep(&w.managed)) {
        let key = keys.key(window.managed.as_ref(), &window.name);
        let draft = vigil_api::MaintenanceDraft {
            name: Some(window.name.clone()),
            select: Some(select(&window.select)),
            schedule: window.schedule.clone(),
            managed: None,
            public: window.public.clone(),
        };
        manifest.maintenance_windows.insert(key, draft);
    }
    Exported { manifest, left_out }
}

/// The comment at the top of an exported file.
pub const HEADER: &str = "Exported by `vigil export`: `vigil apply` of this file changes nothing.
Secrets are not written: channels keep the secret stored on the server (give one to change it,
from the environment: `url: ${SLACK_WEBHOOK_URL}`), and credential headers are shown masked
(a masked value keeps the stored one).";
