//! `vigil plan`: what applying a file would change on the server. Each entry of the file is
//! matched to the resource its file manages under its logical name; failing that, to a
//! resource nobody manages with the same display name (adopted, not duplicated); failing that,
//! it is created. Resources the file manages but no longer has are deleted, with `--prune`.
//! Updates list their fields, before and after; secrets are compared by fingerprint and never
//! shown.

use super::validate::{Desired, secret_field};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use vigil_api::{AlertRule, Channel, MaintenanceWindow, Managed, Monitor, MonitorQuery, Recipients, Task};
use vigil_client::{Client, Error};
use vigil_domain::monitor::secret_headers;
use vigil_domain::notify::ChannelConfig;

/// The kinds of resource a file holds, in the order they are created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A notification channel.
    Channel,
    /// An HTTP monitor.
    Monitor,
    /// A heartbeat task.
    Task,
    /// An alert rule.
    AlertRule,
    /// A maintenance window.
    MaintenanceWindow,
}

impl Kind {
    /// Every kind, in creation order.
    pub const ALL: [Kind; 5] = [Kind::Channel, Kind::Monitor, Kind::Task, Kind::AlertRule, Kind::MaintenanceWindow];

    /// Its section in a file.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Channel => "channels",
            Kind::Monitor => "monitors",
            Kind::Task => "tasks",
            Kind::AlertRule => "alert_rules",
            Kind::MaintenanceWindow => "maintenance_windows",
        }
    }

    /// Its name for a person.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Channel => "channel",
            Kind::Monitor => "monitor",
            Kind::Task => "task",
            Kind::AlertRule => "alert rule",
            Kind::MaintenanceWindow => "maintenance window",
        }
    }
}

/// What happens to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// It is created.
    Create,
    /// Some of its fields change.
    Update,
    /// It exists, unmanaged, with the entry's name: the file takes it over (and changes what
    /// differs).
    Adopt,
    /// The file no longer has it: deleted with `--prune`.
    Delete,
    /// Nothing changes.
    Unchanged,
}

/// One field that changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value now (`null`: absent).
    pub before: Value,
    /// Its value after.
    pub after: Value,
}

/// What happens to one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Its kind.
    pub kind: Kind,
    /// Its logical name.
    pub key: String,
    /// What happens.
    pub action: Action,
    /// Its id, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The fields that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

/// Everything applying a file would do.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The file's source.
    pub source: String,
    /// One change per resource, by kind then logical name.
    pub changes: Vec<Change>,
    /// The ids of the resources that exist, by kind and logical name.
    #[serde(skip)]
    pub ids: Ids,
}

impl Plan {
    /// How many changes of `action` there are.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// Whether applying changes nothing (deletions aside, unless `prune`).
    pub fn is_empty(&self, prune: bool) -> bool {
        self.changes.iter().all(|c| c.action == Action::Unchanged || (c.action == Action::Delete && !prune))
    }
}

/// The ids of existing resources by logical name.
#[derive(Clone, Debug, Default)]
pub struct Ids(pub BTreeMap<(Kind, String), String>);

impl Ids {
    /// The id a reference of `kind` to `name` stands for: the id of the entry of that name,
    /// `new:<name>` for an entry not created yet, or the reference itself (an id).
    pub fn resolve(&self, kind: Kind, name: &str, desired: &BTreeSet<String>) -> String {
        match self.0.get(&(kind, name.to_owned())) {
            Some(id) => id.clone(),
            None if desired.contains(name) => format!("new:{name}"),
            None => name.to_owned(),
        }
    }
}

/// What the server holds now.
#[derive(Clone, Debug, Default)]
pub struct Current {
    /// Every channel.
    pub channels: Vec<Channel>,
    /// Every monitor.
    pub monitors: Vec<Monitor>,
    /// Every task.
    pub tasks: Vec<Task>,
    /// Every alert rule.
    pub rules: Vec<AlertRule>,
    /// Every maintenance window.
    pub windows: Vec<MaintenanceWindow>,
}

impl Current {
    /// Reads everything, calling `step` after each kind.
    pub async fn read(client: &Client, step: &(dyn Fn(&str) + Sync)) -> Result<Current, Error> {
        let channels = client.channels().try_collect().await?;
        step("channels");
        let monitors = client.monitors(MonitorQuery::default()).try_collect().await?;
        step("monitors");
        let tasks = client.tasks().try_collect().await?;
        step("tasks");
        let rules = client.alert_rules().await?;
        step("alert rules");
        let windows = client.maintenance_windows().await?;
        step("maintenance windows");
        Ok(Current { channels, monitors, tasks, rules, windows })
    }
}

/// A resource of the server, as plans compare it.
trait Resource {
    fn id(&self) -> String;
    fn name(&self) -> &str;
    fn managed(&self) -> Option<&Managed>;
}

macro_rules! resource {
    ($($type:ty),*) => {$(
        impl Resource for $type {
            fn id(&self) -> String { self.id.to_string() }
            fn name(&self) -> &str { &self.name }
            fn managed(&self) -> Option<&Managed> { self.managed.as_ref() }
        }
    )*};
}
resource!(Channel, Monitor, Task, AlertRule, MaintenanceWindow);

/// The resource a desired entry stands for, if it exists.
enum Found<'a, T> {
    Mine(&'a T),
    Adopted(&'a T),
    Missing,
}

/// Entries matched to resources, and the resources of the file it no longer has.
type Matched<'a, T> = (BTreeMap<String, Found<'a, T>>, Vec<(String, &'a T)>);

/// Matches entries to resources, and lists the resources of the file that it no longer has.
fn matches<'a, T: Resource>(source: &str, items: &'a [T], wanted: &BTreeMap<String, String>) -> Matched<'a, T> {
    let mine: BTreeMap<&str, &T> =
        items.iter().filter_map(|item| item.managed().filter(|m| m.source == source).map(|m| (m.key.as_str(), item))).collect();
    let mut unmanaged: BTreeMap<&str, Vec<&T>> = BTreeMap::new();
    for item in items.iter().filter(|item| item.managed().is_none()) {
        unmanaged.entry(item.name()).or_default().push(item);
    }
    let mut found = BTreeMap::new();
    for (key, name) in wanted {
        let item = match (mine.get(key.as_str()), unmanaged.get(name.as_str()).map(Vec::as_slice)) {
            (Some(item), _) => Found::Mine(*item),
            (None, Some([only])) => Found::Adopted(*only),
            _ => Found::Missing,
        };
        found.insert(key.clone(), item);
    }
    let gone = mine.into_iter().filter(|(key, _)| !wanted.contains_key(*key)).map(|(key, item)| (key.to_owned(), item)).collect();
    (found, gone)
}

/// The fields of `after` that differ from `before` (both objects), in `after`'s order, then
/// those only `before` has.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = Map::new();
    let (b, a) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut changes = Vec::new();
    for (field, value) in a {
        let old = b.get(field).cloned().unwrap_or(Value::Null);
        if &old != value {
            changes.push(FieldChange { field: field.clone(), before: old, after: value.clone() });
        }
    }
    for (field, value) in b {
        if !a.contains_key(field) && !value.is_null() {
            changes.push(FieldChange { field: field.clone(), before: value.clone(), after: Value::Null });
        }
    }
    changes
}

fn mark(managed: Option<&Managed>) -> Value {
    managed.map_or(Value::Null, |m| Value::String(format!("{}/{}", m.source, m.key)))
}

fn with_mark(mut value: Value, managed: Option<&Managed>) -> Value {
    if let Value::Object(fields) = &mut value {
        fields.remove("managed");
        fields.insert("managed".into(), mark(managed));
    }
    value
}

/// The plan of `desired` against `current`.
pub fn plan(desired: &Desired, current: &Current) -> Plan {
    let source = desired.source.as_str();
    let mark_of = |key: &str| Managed { source: source.to_owned(), key: key.to_owned() };
    let mut changes = Vec::new();
    let mut ids = Ids::default();

    let names = |entries: Vec<(&String, Option<&String>)>| {
        entries.into_iter().map(|(k, n)| (k.clone(), n.cloned().unwrap_or_else(|| k.clone()))).collect::<BTreeMap<_, _>>()
    };

    // Matching first, so that references resolve before anything is compared.
    let channel_names = names(desired.channels.iter().map(|(k, c)| (k, c.draft.name.as_ref())).collect());
    let (channels, gone_channels) = matches(source, &current.channels, &channel_names);
    let monitor_names = names(desired.monitors.iter().map(|(k, m)| (k, m.name.as_ref())).collect());
    let (monitors, gone_monitors) = matches(source, &current.monitors, &monitor_names);
    let task_names = names(desired.tasks.iter().map(|(k, t)| (k, t.name.as_ref())).collect());
    let (tasks, gone_tasks) = matches(source, &current.tasks, &task_names);
    let rule_names = names(desired.rules.iter().map(|(k, r)| (k, r.name.as_ref())).collect());
    let (rules, gone_rules) = matches(source, &current.rules, &rule_names);
    let window_names = names(desired.windows.iter().map(|(k, w)| (k, w.name.as_ref())).collect());
    let (windows, gone_windows) = matches(source, &current.windows, &window_names);
    fn record<T: Resource>(ids: &mut Ids, kind: Kind, found: &BTreeMap<String, Found<'_, T>>) {
        for (key, item) in found {
            if let Found::Mine(item) | Found::Adopted(item) = item {
                ids.0.insert((kind, key.clone()), item.id());
            }
        }
    }
    record(&mut ids, Kind::Channel, &channels);
    record(&mut ids, Kind::Monitor, &monitors);
    record(&mut ids, Kind::Task, &tasks);
    record(&mut ids, Kind::AlertRule, &rules);
    record(&mut ids, Kind::MaintenanceWindow, &windows);

    let mut push = |kind: Kind, key: &str, found: Option<(&dyn Resource, bool)>, before: Value, after: Value| {
        let (action, id, fields) = match found {
            None => (Action::Create, None, Vec::new()),
            Some((item, adopted)) => {
                let fields = diff(&before, &after);
                let action = if adopted {
                    Action::Adopt
                } else if fields.is_empty() {
                    Action::Unchanged
                } else {
                    Action::Update
                };
                (action, Some(item.id()), fields)
            }
        };
        changes.push(Change { kind, key: key.to_owned(), action, id, fields });
    };
    fn split<'a, T>(found: &'a Found<'a, T>) -> Option<(&'a T, bool)> {
        match found {
            Found::Mine(item) => Some((item, false)),
            Found::Adopted(item) => Some((item, true)),
            Found::Missing => None,
        }
    }

    for (key, wanted) in &desired.channels {
        let now = split(&channels[key]);
        let before = now.map_or(Value::Null, |(c, _)| with_mark(channel_now(c), c.managed.as_ref()));
        let after = with_mark(channel_wanted(wanted, now.map(|(c, _)| c)), Some(&mark_of(key)));
        push(Kind::Channel, key, now.map(|(c, a)| (c as &dyn Resource, a)), before, after);
    }
    for (key, wanted) in &desired.monitors {
        let now = split(&monitors[key]);
        let before = now.map_or(Value::Null, |(m, _)| with_mark(monitor_now(m), m.managed.as_ref()));
        let after = with_mark(monitor_wanted(wanted, now.map(|(m, _)| m)), Some(&mark_of(key)));
        push(Kind::Monitor, key, now.map(|(m, a)| (m as &dyn Resource, a)), before, after);
    }
    for (key, wanted) in &desired.tasks {
        let now = split(&tasks[key]);
        let before = now.map_or(Value::Null, |(t, _)| {
            let mut draft = t.to_draft();
            draft.managed = None;
            with_mark(serde_json::to_value(draft).unwrap_or_default(), t.managed.as_ref())
        });
        let after = with_mark(serde_json::to_value(wanted).unwrap_or_default(), Some(&mark_of(key)));
        push(Kind::Task, key, now.map(|(t, a)| (t as &dyn Resource, a)), before, after);
    }
    let refs = References::of(desired, &ids);
    for (key, wanted) in &desired.rules {
        let now = split(&rules[key]);
        let before = now.map_or(Value::Null, |(r, _)| with_mark(rule_now(r), r.managed.as_ref()));
        let after = with_mark(refs.rule(wanted), Some(&mark_of(key)));
        push(Kind::AlertRule, key, now.map(|(r, a)| (r as &dyn Resource, a)), before, after);
    }
    for (key, wanted) in &desired.windows {
        let now = split(&windows[key]);
        let before = now.map_or(Value::Null, |(w, _)| with_mark(window_now(w), w.managed.as_ref()));
        let after = with_mark(refs.window(wanted), Some(&mark_of(key)));
        push(Kind::MaintenanceWindow, key, now.map(|(w, a)| (w as &dyn Resource, a)), before, after);
    }

    let mut deletions = |kind: Kind, gone: Vec<(String, &dyn Resource)>| {
        for (key, item) in gone {
            changes.push(Change { kind, key, action: Action::Delete, id: Some(item.id()), fields: Vec::new() });
        }
    };
    deletions(Kind::Channel, gone_channels.into_iter().map(|(k, i)| (k, i as &dyn Resource)).collect());
    deletions(Kind::Monitor, gone_monitors.into_iter().map(|(k, i)| (k, i as &dyn Resource)).collect());
    deletions(Kind::Task, gone_tasks.into_iter().map(|(k, i)| (k, i as &dyn Resource)).collect());
    deletions(Kind::AlertRule, gone_rules.into_iter().map(|(k, i)| (k, i as &dyn Resource)).collect());
    deletions(Kind::MaintenanceWindow, gone_windows.into_iter().map(|(k, i)| (k, i as &dyn Resource)).collect());
    changes.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.key.cmp(&b.key)));
    Plan { source: desired.source.clone(), changes, ids }
}

fn monitor_now(monitor: &Monitor) -> Value {
    let mut draft = monitor.to_draft();
    draft.managed = None;
    serde_json::to_value(draft).unwrap_or_default()
}

/// A monitor of the file, its credential headers as the server would show them: the stored
/// mask when the value is that mask or the stored value (by fingerprint), the value's own mask
/// otherwise (marked as new when the masks alone look alike).
fn monitor_wanted(wanted: &vigil_api::MonitorDraft, now: Option<&Monitor>) -> Value {
    let mut draft = wanted.clone();
    if let Some(headers) = &mut draft.headers {
        for (name, value) in headers.iter_mut() {
            if !secret_headers::is_secret_header(name) {
                continue;
            }
            let stored_mask = now.and_then(|m| m.headers.get(name));
            let stored_print = now.and_then(|m| m.header_fingerprints.get(name));
            let same = stored_mask == Some(value) || stored_print == Some(&vigil_domain::fingerprint::of_secret(value));
            let mask = secret_headers::mask_header_value(value);
            *value = match stored_mask {
                Some(stored) if same => stored.clone(),
                Some(stored) if *stored == mask => format!("{mask} (a new value)"),
                _ => mask,
            };
        }
    }
    serde_json::to_value(draft).unwrap_or_default()
}

fn channel_now(channel: &Channel) -> Value {
    let kind = channel.kind.as_str();
    json!({
        "name": channel.name,
        "type": kind,
        "url": if kind == "webhook" { channel.url.clone() } else { None },
        "to": match (&channel.to, kind) { (Some(Recipients::Many(to)), "email") => json!(to), _ => Value::Null },
        "secret": channel.secret_fingerprint.as_ref().map(|f| format!("fingerprint {f}")),
    })
}

fn channel_wanted(wanted: &super::validate::DesiredChannel, now: Option<&Channel>) -> Value {
    let config = &wanted.config;
    let kind = config.kind().as_str();
    let secret = match (wanted.secret_given, now) {
        (true, _) if secret_field(kind).is_some() && !(kind == "webhook" && wanted.draft.secret.is_none()) => {
            config.secret_fingerprint().map(|f| format!("fingerprint {f}"))
        }
        // Left out: the stored one is kept (a new webhook gets a random one).
        (_, Some(now)) if now.kind.as_str() == kind => now.secret_fingerprint.as_ref().map(|f| format!("fingerprint {f}")),
        _ => config.secret_fingerprint().map(|_| "(new)".to_owned()),
    };
    json!({
        "name": wanted.draft.name,
        "type": kind,
        "url": match config { ChannelConfig::Webhook { url, .. } => Some(url.to_string()), _ => None },
        "to": match config { ChannelConfig::Email { to } => json!(to), _ => Value::Null },
        "secret": secret,
    })
}

fn rule_now(rule: &AlertRule) -> Value {
    json!({
        "name": rule.name,
        "select": rule.select,
        "channels": rule.channels,
        "notify_on": rule.notify_on,
        "escalation": rule.escalation,
        "repeat_every_seconds": rule.repeat_every_seconds,
    })
}

fn window_now(window: &MaintenanceWindow) -> Value {
    json!({"name": window.name, "select": window.select, "schedule": window.schedule})
}

/// References of rules and windows, resolved to ids as far as they exist.
pub struct References<'a> {
    ids: &'a Ids,
    channels: BTreeSet<String>,
    monitors: BTreeSet<String>,
    tasks: BTreeSet<String>,
}

impl<'a> References<'a> {
    /// The references of `desired`, with `ids`.
    pub fn of(desired: &Desired, ids: &'a Ids) -> Self {
        Self {
            ids,
            channels: desired.channels.keys().cloned().collect(),
            monitors: desired.monitors.keys().cloned().collect(),
            tasks: desired.tasks.keys().cloned().collect(),
        }
    }

    fn channels(&self, names: &[String]) -> Vec<String> {
        names.iter().map(|n| self.ids.resolve(Kind::Channel, n, &self.channels)).collect()
    }

    /// `select` with its monitors and tasks resolved.
    pub fn select(&self, select: &vigil_api::SelectorDraft) -> vigil_api::SelectorDraft {
        vigil_api::SelectorDraft {
            all: select.all,
            monitors: select.monitors.iter().map(|n| self.ids.resolve(Kind::Monitor, n, &self.monitors)).collect(),
            tasks: select.tasks.iter().map(|n| self.ids.resolve(Kind::Task, n, &self.tasks)).collect(),
            tags: select.tags.clone(),
        }
    }

    /// `rule` with its references resolved.
    pub fn rule_draft(&self, rule: &vigil_api::AlertRuleDraft) -> vigil_api::AlertRuleDraft {
        let mut resolved = rule.clone();
        resolved.channels = rule.channels.as_deref().map(|c| self.channels(c));
        resolved.select = rule.select.as_ref().map(|s| self.select(s));
        if let Some(steps) = &mut resolved.escalation {
            for step in steps {
                step.channels = self.channels(&step.channels);
            }
        }
        resolved
    }

    /// `window` with its references resolved.
    pub fn window_draft(&self, window: &vigil_api::MaintenanceDraft) -> vigil_api::MaintenanceDraft {
        let mut resolved = window.clone();
        resolved.select = window.select.as_ref().map(|s| self.select(s));
        resolved
    }

    fn selector_value(&self, select: Option<&vigil_api::SelectorDraft>) -> Value {
        let select = select.map(|s| self.select(s)).unwrap_or_default();
        let sorted = |items: Vec<String>| items.into_iter().map(|i| i.to_lowercase()).collect::<BTreeSet<_>>();
        json!({"all": select.all, "monitors": sorted(select.monitors), "tasks": sorted(select.tasks), "tags": select.tags})
    }

    fn rule(&self, rule: &vigil_api::AlertRuleDraft) -> Value {
        let resolved = self.rule_draft(rule);
        json!({
            "name": resolved.name,
            "select": self.selector_value(rule.select.as_ref()),
            "channels": resolved.channels.unwrap_or_default(),
            "notify_on": resolved.notify_on.unwrap_or_default(),
            "escalation": resolved.escalation.unwrap_or_default().iter().map(|s| json!({"after_seconds": s.after_seconds, "channels": s.channels})).collect::<Vec<_>>(),
            "repeat_every_seconds": resolved.repeat_every_seconds,
        })
    }

    fn window(&self, window: &vigil_api::MaintenanceDraft) -> Value {
        json!({"name": window.name, "select": self.selector_value(window.select.as_ref()), "schedule": window.schedule})
    }
}
