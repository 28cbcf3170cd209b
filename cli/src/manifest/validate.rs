//! `vigil validate`: a monitoring file checked offline, every problem with its place. The
//! shape by the API's own types; monitors, tasks, channels, rules and windows by the domain's
//! own validation (the assertion and cron parsers among it); references between entries
//! resolved; environment variables substituted.

use super::document::{Document, Problem, child_path, interpolate};
use super::model::SECTIONS;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;
use vigil_api::{AlertRuleDraft, ChannelDraft, FieldError, MaintenanceDraft, Managed, MonitorDraft, SelectorDraft, TaskDraft};
use vigil_domain::heartbeat::TaskSpec;
use vigil_domain::monitor::HttpMonitorSpec;
use vigil_domain::notify::ChannelConfig;

/// What a valid file asks for, each entry checked and, for monitors and tasks, with every
/// default filled in (so that it compares with what the server shows).
#[derive(Clone, Debug, Default)]
pub struct Desired {
    /// The file's `source`.
    pub source: String,
    /// Channels by key.
    pub channels: BTreeMap<String, DesiredChannel>,
    /// Monitors by key, complete.
    pub monitors: BTreeMap<String, MonitorDraft>,
    /// Tasks by key, complete.
    pub tasks: BTreeMap<String, TaskDraft>,
    /// Rules by key, their references as written.
    pub rules: BTreeMap<String, AlertRuleDraft>,
    /// Windows by key, their references as written.
    pub windows: BTreeMap<String, MaintenanceDraft>,
}

/// A channel of the file.
#[derive(Clone, Debug)]
pub struct DesiredChannel {
    /// As written, with its name.
    pub draft: ChannelDraft,
    /// As the server would store it; when the file leaves the secret out, a stand-in holds
    /// its place.
    pub config: ChannelConfig,
    /// Whether the file gives the secret (else the stored one is kept).
    pub secret_given: bool,
}

/// The field holding a channel type's secret, if it has one.
pub fn secret_field(kind: &str) -> Option<&'static str> {
    match kind {
        "webhook" => Some("secret"),
        "slack" | "discord" | "teams" => Some("url"),
        "pagerduty" => Some("routing_key"),
        "sms" => Some("to"),
        _ => None,
    }
}

/// Reads and checks `text`; `default_source` is the file's name without its extension, and
/// `env` gives the environment's variables.
pub fn load(text: &str, default_source: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Desired, Vec<Problem>> {
    let mut document = Document::parse(text).map_err(|p| vec![p])?;
    let mut problems = interpolate(&mut document, env);
    // A value whose variable is missing is reported once, not again for being malformed.
    let unset: BTreeSet<String> = problems.iter().map(|p| p.path.clone()).collect();
    let Value::Object(root) = &document.value else {
        return Err(vec![
            document.problem("", "must be a mapping of sections: source, channels, monitors, tasks, alert_rules, maintenance_windows"),
        ]);
    };
    for key in root.keys() {
        if !SECTIONS.contains(&key.as_str()) && key != "source" && key != "$schema" {
            problems.push(document.problem(key, format!("`{key}` is not a section; the sections are source, {}", SECTIONS.join(", "))));
        }
    }
    let source = match root.get("source") {
        None | Some(Value::Null) => default_source.to_owned(),
        Some(Value::String(source)) => source.clone(),
        Some(_) => {
            problems.push(document.problem("source", "must be text"));
            default_source.to_owned()
        }
    };
    for problem in (Managed { source: source.clone(), key: "x".into() }).problems("source") {
        problems.push(document.problem("source", problem.message));
    }
    let mut desired = Desired { source, ..Desired::default() };
    let read = Reader { document: &document };
    let channels: BTreeMap<String, ChannelDraft> = read.section("channels", &mut problems);
    let monitors: BTreeMap<String, MonitorDraft> = read.section("monitors", &mut problems);
    let tasks: BTreeMap<String, TaskDraft> = read.section("tasks", &mut problems);
    let rules: BTreeMap<String, AlertRuleDraft> = read.section("alert_rules", &mut problems);
    let windows: BTreeMap<String, MaintenanceDraft> = read.section("maintenance_windows", &mut problems);

    for (key, mut draft) in channels {
        let path = child_path("channels", &key);
        draft.name.get_or_insert_with(|| key.clone());
        let secret = draft.kind.as_deref().and_then(secret_field);
        let secret_given = match secret {
            Some("secret") => draft.secret.is_some(),
            Some("url") => draft.url.is_some(),
            Some("routing_key") => draft.routing_key.is_some(),
            Some("to") => draft.to.is_some(),
            _ => true,
        };
        let mut checked = draft.clone();
        match secret {
            Some("url") => checked.url = checked.url.or_else(|| Some("https://stored.secret.invalid/kept".into())),
            Some("routing_key") => checked.routing_key = checked.routing_key.or_else(|| Some("K".repeat(32))),
            Some("to") => checked.to = checked.to.or_else(|| Some(Value::String("+10000000000".into()))),
            _ => {}
        }
        match checked.validate([0; 32]) {
            Ok((_, config)) => {
                desired.channels.insert(key, DesiredChannel { draft, config, secret_given });
            }
            Err(errors) => read.field_problems(&path, errors.0, &mut problems),
        }
    }
    for (key, mut draft) in monitors {
        let path = child_path("monitors", &key);
        draft.name.get_or_insert_with(|| key.clone());
        match HttpMonitorSpec::from_draft(&draft) {
            Ok(spec) => {
                let mut complete = spec.to_draft();
                complete.managed = None;
                desired.monitors.insert(key, complete);
            }
            Err(errors) => read.field_problems(&path, errors.0, &mut problems),
        }
    }
    for (key, mut draft) in tasks {
        let path = child_path("tasks", &key);
        draft.name.get_or_insert_with(|| key.clone());
        match TaskSpec::from_draft(&draft) {
            Ok(spec) => {
                let mut complete = spec.to_draft();
                complete.managed = None;
                desired.tasks.insert(key, complete);
            }
            Err(errors) => read.field_problems(&path, errors.0, &mut problems),
        }
    }
    let keys = Keys { channels: read.keys("channels"), monitors: read.keys("monitors"), tasks: read.keys("tasks") };
    for (key, mut draft) in rules {
        let path = child_path("alert_rules", &key);
        draft.name.get_or_insert_with(|| key.clone());
        let mut stand_in = draft.clone();
        stand_in.channels = stand_in.channels.map(|list| keys.check_all(&list, "channels", &read.at(&path, "channels"), &mut problems));
        if let Some(steps) = &mut stand_in.escalation {
            for (i, step) in steps.iter_mut().enumerate() {
                step.channels =
                    keys.check_all(&step.channels, "channels", &read.at(&path, &format!("escalation[{i}].channels")), &mut problems);
            }
        }
        stand_in.select = stand_in.select.map(|select| keys.check_selector(select, &read.at(&path, "select"), &mut problems));
        match stand_in.validate() {
            Ok(_) => {
                desired.rules.insert(key, draft);
            }
            Err(errors) => read.field_problems(&path, errors.0, &mut problems),
        }
    }
    for (key, mut draft) in windows {
        let path = child_path("maintenance_windows", &key);
        draft.name.get_or_insert_with(|| key.clone());
        let mut stand_in = draft.clone();
        stand_in.select = stand_in.select.map(|select| keys.check_selector(select, &read.at(&path, "select"), &mut problems));
        match stand_in.validate() {
            Ok(_) => {
                desired.windows.insert(key, draft);
            }
            Err(errors) => read.field_problems(&path, errors.0, &mut problems),
        }
    }
    if problems.is_empty() {
        Ok(desired)
    } else {
        problems.retain(|p| !unset.contains(&p.path) || p.message.contains("environment variable"));
        problems.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.path.cmp(&b.path)));
        problems.dedup();
        Err(problems)
    }
}

/// Reads the entries of the document.
struct Reader<'a> {
    document: &'a Document,
}

/// A place with its document, for reference checks.
struct At<'a> {
    document: &'a Document,
    path: String,
}

impl Reader<'_> {
    fn at(&self, entry: &str, field: &str) -> At<'_> {
        At { document: self.document, path: child_path(entry, field) }
    }

    fn keys(&self, section: &str) -> BTreeSet<String> {
        self.document.value.get(section).and_then(Value::as_object).map(|entries| entries.keys().cloned().collect()).unwrap_or_default()
    }

    /// The entries of `section`, each read as a `T`; a problem for each that is not one.
    fn section<T: DeserializeOwned>(&self, section: &str, problems: &mut Vec<Problem>) -> BTreeMap<String, T> {
        let mut entries = BTreeMap::new();
        match self.document.value.get(section) {
            None | Some(Value::Null) => {}
            Some(Value::Object(raw)) => {
                for (key, value) in raw {
                    let path = child_path(section, key);
                    for problem in (Managed { source: "x".into(), key: key.clone() }).problems("key") {
                        problems.push(self.document.problem(&path, format!("the logical name {}", problem.message)));
                    }
                    if value.get("managed").is_some() {
                        problems.push(self.document.problem(
                            &child_path(&path, "managed"),
                            "is set by `vigil apply`, from the file's `source` and this entry's logical name",
                        ));
                        continue;
                    }
                    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
                        Ok(entry) => {
                            entries.insert(key.clone(), entry);
                        }
                        Err(error) => {
                            let inner = error.path().to_string();
                            let message = error.inner().to_string();
                            if inner == "." {
                                let shape = vigil_api::shape::field_error(".", &message);
                                let message = if shape.field == "body" {
                                    format!("{section} entries are mappings: {}", shape.message)
                                } else {
                                    format!("{}: {}", shape.field, shape.message)
                                };
                                problems.push(self.document.problem(&path, message));
                            } else {
                                let shape = vigil_api::shape::field_error(&inner, &message);
                                // `managed` is the API's; a file never writes it.
                                let message = shape.message.replace(", managed", "");
                                problems.push(self.document.problem(&child_path(&path, &shape.field), message));
                            }
                        }
                    }
                }
            }
            Some(_) => problems.push(self.document.problem(section, "must be a mapping of logical names to entries")),
        }
        entries
    }

    fn field_problems(&self, entry: &str, errors: Vec<FieldError>, problems: &mut Vec<Problem>) {
        problems.extend(errors.into_iter().map(|e| self.document.problem(&child_path(entry, &e.field), e.message)));
    }
}

/// The logical names of the file, for references.
struct Keys {
    channels: BTreeSet<String>,
    monitors: BTreeSet<String>,
    tasks: BTreeSet<String>,
}

impl Keys {
    /// `names`, each a logical name of `section` or an id, replaced by a stand-in id; a
    /// problem for each that is neither.
    fn check_all(&self, names: &[String], section: &str, at: &At<'_>, problems: &mut Vec<Problem>) -> Vec<String> {
        let known = match section {
            "channels" => &self.channels,
            "monitors" => &self.monitors,
            _ => &self.tasks,
        };
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                if let Some(index) = known.iter().position(|k| k == name) {
                    // Distinct stand-ins, so that a name given twice is still seen twice.
                    Uuid::from_u128(index as u128 + 1).to_string()
                } else if name.parse::<Uuid>().is_ok() {
                    name.clone()
                } else {
                    let choices = if known.is_empty() {
                        format!("the file has no {section}")
                    } else {
                        format!("the {section} of this file are {}", known.iter().cloned().collect::<Vec<_>>().join(", "))
                    };
                    problems.push(
                        at.document.problem(&format!("{}[{i}]", at.path), format!("`{name}` is not in `{section}` ({choices}), nor an id")),
                    );
                    Uuid::nil().to_string()
                }
            })
            .collect()
    }

    fn check_selector(&self, mut select: SelectorDraft, at: &At<'_>, problems: &mut Vec<Problem>) -> SelectorDraft {
        let monitors = At { document: at.document, path: child_path(&at.path, "monitors") };
        let tasks = At { document: at.document, path: child_path(&at.path, "tasks") };
        select.monitors = self.check_all(&select.monitors, "monitors", &monitors, problems);
        select.tasks = self.check_all(&select.tasks, "tasks", &tasks, problems);
        select
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    const GOOD: &str = r#"
source: prod
channels:
  ops-hook: {type: webhook, url: "https://ops.example.com/vigil"}
  alerts: {type: slack}
monitors:
  api:
    url: https://api.example.com/health
    assertions: ["[BODY].status == UP"]
    tags: [prod]
tasks:
  backup: {cron: "0 2 * * *", timezone: Europe/Riga}
alert_rules:
  prod: {select: {tags: [prod], monitors: [api]}, channels: [ops-hook, alerts]}
maintenance_windows:
  sundays:
    select: {tasks: [backup]}
    schedule: {type: recurring, timezone: Europe/Paris, days: [sun], start: "02:00", duration_minutes: 90}
"#;

    #[test]
    fn a_good_file_is_read_with_defaults_filled() {
        let desired = load(GOOD, "vigil", &no_env).unwrap();
        assert_eq!(desired.source, "prod");
        let api = &desired.monitors["api"];
        assert_eq!(api.name.as_deref(), Some("api"), "the name defaults to the key");
        assert_eq!(api.interval_seconds, Some(60), "defaults filled");
        assert!(!desired.channels["alerts"].secret_given, "a Slack channel without its URL keeps the stored one");
        assert!(!desired.channels["ops-hook"].secret_given, "a webhook's secret is kept, or generated for a new one");
        assert_eq!(desired.rules["prod"].channels.as_deref(), Some(&["ops-hook".to_owned(), "alerts".to_owned()][..]));
        assert_eq!(desired.windows.len(), 1);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let text = r#"source: prod
monitors:
  api:
    url: https://api.example.com/health
    assertions:
      - "[STATUS] == 200"
      - "[STAUS] == 200"
    interval_seconds: sixty
  web:
    url: ftp://example.com
    colour: blue
tasks:
  backup: {cron: "61 * * * *"}
alert_rules:
  prod: {select: {monitors: [api, nowhere]}, channels: [ghost]}
extra: 1
"#;
        let problems = load(text, "vigil", &no_env).unwrap_err();
        let found: Vec<(String, usize)> = problems.iter().map(|p| (p.path.clone(), p.position.map_or(0, |p| p.line))).collect();
        let expected = [
            ("monitors.api.interval_seconds", 8),
            ("monitors.web.colour", 11),
            ("tasks.backup.cron", 13),
            ("alert_rules.prod.select.monitors[1]", 15),
            ("alert_rules.prod.channels[0]", 15),
            ("extra", 16),
        ];
        for (path, line) in expected {
            assert!(found.iter().any(|(p, l)| p == path && *l == line), "{path} at line {line} in {problems:#?}");
        }
        assert!(problems.iter().any(|p| p.message.contains("five fields") || p.message.contains("minute")), "{problems:#?}");
        // The interval problem stops `api` there; fixing it would reveal the assertion.
        let fixed = text.replace("interval_seconds: sixty", "interval_seconds: 60");
        let problems = load(&fixed, "vigil", &no_env).unwrap_err();
        let assertion = problems.iter().find(|p| p.path == "monitors.api.assertions[1]").expect("the assertion parser's verdict");
        assert_eq!(assertion.position.map(|p| p.line), Some(7));
        assert!(assertion.message.contains("STATUS"), "{assertion:?}");
    }

    #[test]
    fn managed_marks_and_unset_variables_are_refused() {
        let text = "monitors:\n  api:\n    url: https://h/${TOKEN}\n  web:\n    url: https://w\n    managed: {source: a, key: b}\n";
        let problems = load(text, "vigil", &no_env).unwrap_err();
        assert!(problems.iter().any(|p| p.path == "monitors.api.url" && p.message.contains("TOKEN")), "{problems:?}");
        assert!(problems.iter().any(|p| p.path == "monitors.web.managed"), "{problems:?}");
        let env = |name: &str| (name == "TOKEN").then(|| "t0k3n".to_owned());
        let text = "monitors:\n  api:\n    url: https://h/${TOKEN}\n";
        assert_eq!(load(text, "vigil", &env).unwrap().monitors["api"].url.as_deref(), Some("https://h/t0k3n"));
    }
}
