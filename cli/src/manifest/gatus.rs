//! `vigil import gatus`: a Gatus configuration turned into a Vigil monitoring file. HTTP
//! endpoints become monitors (conditions as assertions: Vigil's language is Gatus's), external
//! endpoints with a heartbeat become tasks, alerting providers that have a Vigil kind become
//! channels, endpoint alerts become alert rules, maintenance becomes windows; everything that
//! does not map is said, with where it is. Secrets are not written: a literal webhook URL or key
//! becomes `${VARIABLE}`, to set from the original.

use super::document::{Document, Problem, child_path};
use super::model::Manifest;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use vigil_api::{
    AlertRuleDraft, ChannelDraft, MaintenanceDraft, MonitorDraft, NotifyOn, SelectorDraft, StatusCodeInput, TaskDraft, WindowSchedule,
};
use vigil_domain::assertion::Assertion;

/// The file made, and what did not map.
#[derive(Debug, Default)]
pub struct Imported {
    /// The Vigil file.
    pub manifest: Manifest,
    /// What did not map, or needs doing by hand (environment variables to set), by place.
    pub notes: Vec<String>,
}

/// The monitors and tasks alerting alike: by channel, whether resolutions are sent, and the
/// reminder period.
type RuleGroups = BTreeMap<(String, bool, Option<u64>), (Vec<String>, Vec<String>)>;

/// Gatus's defaults for an alert.
#[derive(Clone, Debug)]
struct AlertDefaults {
    failure_threshold: u64,
    success_threshold: u64,
    send_on_resolved: bool,
    reminder_seconds: Option<u64>,
}

impl Default for AlertDefaults {
    fn default() -> Self {
        Self { failure_threshold: 3, success_threshold: 2, send_on_resolved: false, reminder_seconds: None }
    }
}

/// Reads a Go duration (`1h30m`, `30s`, `500ms`) as milliseconds.
pub fn go_duration_ms(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        total += (number * factor).round() as u64;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// A logical name made of `parts`: lowercase letters, digits and dashes.
fn slug(parts: &[&str]) -> String {
    let joined = parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("-").to_lowercase();
    let dashed: String = joined.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let slug = dashed.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if slug.is_empty() { "unnamed".into() } else { slug }
}

/// `$NAME` (Gatus's other spelling) written as `${NAME}`, the one Vigil reads.
fn braced(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '$' && text[i + 1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '_') {
            let name: String = text[i + 1..].chars().take_while(|n| n.is_ascii_alphanumeric() || *n == '_').collect();
            out.push_str(&format!("${{{name}}}"));
            for _ in 0..name.chars().count() {
                chars.next();
            }
        } else if c == '$' && text[i + 1..].starts_with('$') {
            out.push_str("$$");
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

struct Importer<'a> {
    document: &'a Document,
    imported: Imported,
}

impl Importer<'_> {
    fn note(&mut self, path: &str, message: impl Into<String>) {
        let problem: Problem = self.document.problem(path, message);
        self.imported.notes.push(problem.to_string());
    }

    /// A secret of the Gatus file: a reference to a variable is kept, a literal value becomes
    /// one (to set from the Gatus file).
    fn secret(&mut self, path: &str, value: &str, variable: &str) -> String {
        if value.contains('$') {
            return braced(value);
        }
        self.note(path, format!("the secret is not written out: set {variable} to the value of the Gatus file"));
        format!("${{{variable}}}")
    }

    fn channel(&mut self, provider: &str, config: &Value) -> Option<(String, ChannelDraft)> {
        let path = child_path("alerting", provider);
        let text = |field: &str| config.get(field).and_then(Value::as_str).map(str::to_owned);
        let mut draft = ChannelDraft { name: Some(format!("{provider} (from Gatus)")), ..ChannelDraft::default() };
        let variable = |field: &str| format!("{}_{}", provider.to_uppercase().replace('-', "_"), field.to_uppercase().replace('-', "_"));
        match provider {
            "slack" | "discord" | "teams" | "teams-workflows" => {
                draft.kind = Some(if provider.starts_with("teams") { "teams" } else { provider }.to_owned());
                let url = text("webhook-url")?;
                draft.url = Some(self.secret(&child_path(&path, "webhook-url"), &url, &variable("webhook-url")));
            }
            "pagerduty" => {
                draft.kind = Some("pagerduty".into());
                let key = text("integration-key")?;
                draft.routing_key = Some(self.secret(&child_path(&path, "integration-key"), &key, &variable("integration-key")));
            }
            "custom" => {
                draft.kind = Some("webhook".into());
                draft.url = Some(braced(&text("url")?));
                self.note(&path, "becomes a signed webhook: Vigil POSTs its own JSON (Standard Webhooks), so `method`, `body`, `headers` and placeholders are not used");
            }
            "email" => {
                draft.kind = Some("email".into());
                let to: Vec<String> = text("to")?.split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
                draft.to = Some(json!(to));
                self.note(&path, "the SMTP server (`from`, `host`, `port`, `username`, `password`) is `vigil serve`'s --smtp-* settings, not the channel's");
            }
            "twilio" => {
                draft.kind = Some("sms".into());
                let to = text("to")?.replace(['-', ' '], "");
                draft.to = Some(Value::String(self.secret(&child_path(&path, "to"), &to, &variable("to"))));
                self.note(&path, "SMS go through Amazon SNS on AWS (Twilio's `sid`, `token` and `from` are not used)");
            }
            _ => {
                self.note(
                    &path,
                    format!("Vigil has no `{provider}` channel (it has webhook, slack, discord, teams, pagerduty, email, sms)"),
                );
                return None;
            }
        }
        if config.get("overrides").is_some() {
            self.note(&child_path(&path, "overrides"), "per-group overrides are not mapped: make a channel and an alert rule per group");
        }
        Some((slug(&[provider]), draft))
    }
}

/// Imports the Gatus configuration `text`, the monitoring file's source being `source`.
pub fn import(text: &str, source: &str) -> Result<Imported, Problem> {
    let document = Document::parse(text)?;
    let mut importer = Importer { document: &document, imported: Imported::default() };
    let root = document.value.as_object().cloned().unwrap_or_default();
    importer.imported.manifest.source = Some(source.to_owned());

    let mut channels: BTreeMap<String, String> = BTreeMap::new();
    let mut defaults: BTreeMap<String, AlertDefaults> = BTreeMap::new();
    if let Some(Value::Object(providers)) = root.get("alerting") {
        for (provider, config) in providers {
            if let Some((key, draft)) = importer.channel(provider, config) {
                importer.imported.manifest.channels.insert(key.clone(), draft);
                channels.insert(provider.clone(), key);
            }
            let mut alert = AlertDefaults::default();
            if let Some(default) = config.get("default-alert") {
                read_alert(default, &mut alert);
            }
            defaults.insert(provider.clone(), alert);
        }
    }

    // Rules group the subjects alerting through one provider the same way.
    let mut rules: RuleGroups = BTreeMap::new();
    let mut keys = BTreeSet::new();
    let unique = |keys: &mut BTreeSet<String>, base: String| {
        let mut key = base.clone();
        let mut n = 2;
        while !keys.insert(key.clone()) {
            key = format!("{base}-{n}");
            n += 1;
        }
        key
    };

    for (i, endpoint) in root.get("endpoints").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
        let path = format!("endpoints[{i}]");
        let name = endpoint.get("name").and_then(Value::as_str).unwrap_or("unnamed");
        let group = endpoint.get("group").and_then(Value::as_str).unwrap_or("");
        let url = endpoint.get("url").and_then(Value::as_str).unwrap_or("");
        if endpoint.get("enabled") == Some(&Value::Bool(false)) {
            importer.note(&path, format!("`{name}` is disabled in Gatus: not imported"));
            continue;
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) || endpoint.get("dns").is_some() || endpoint.get("ssh").is_some() {
            let kind = match (endpoint.get("dns"), endpoint.get("ssh"), url.split_once("://")) {
                (Some(_), _, _) => "DNS".to_owned(),
                (_, Some(_), _) => "SSH".to_owned(),
                (_, _, Some((scheme, _))) => scheme.to_uppercase(),
                _ => "non-HTTP".to_owned(),
            };
            importer.note(
                &child_path(&path, "url"),
                format!(
                    "`{name}`: Vigil monitors HTTP(S); {} {kind} endpoint is not imported",
                    if kind.starts_with(['I', 'S', 'N']) && kind != "non-HTTP" { "an" } else { "a" }
                ),
            );
            continue;
        }
        let key = unique(&mut keys, slug(&[group, name]));
        let mut draft = MonitorDraft { name: Some(name.to_owned()), url: Some(braced(url)), ..MonitorDraft::default() };
        draft.method = endpoint.get("method").and_then(Value::as_str).map(str::to_owned);
        draft.body = endpoint.get("body").and_then(Value::as_str).map(braced);
        if let Some(Value::Object(headers)) = endpoint.get("headers") {
            draft.headers = Some(headers.iter().map(|(k, v)| (k.clone(), braced(v.as_str().unwrap_or_default()))).collect());
        }
        let interval = endpoint.get("interval").and_then(Value::as_str).unwrap_or("60s");
        match go_duration_ms(interval) {
            Some(ms) => draft.interval_seconds = Some((ms / 1000).max(1) as u32),
            None => {
                importer.note(&child_path(&path, "interval"), format!("`{interval}` is not a duration: Vigil's default (60 s) is used"))
            }
        }
        // Gatus judges by the conditions alone; so does the monitor, whatever the status.
        draft.expected_status = Some(vec![StatusCodeInput::Pattern("100-599".into())]);
        let mut assertions = Vec::new();
        for (j, condition) in endpoint.get("conditions").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
            let text = condition.as_str().unwrap_or_default();
            match Assertion::parse(text) {
                Ok(_) => assertions.push(text.to_owned()),
                Err(error) => importer.note(&format!("{path}.conditions[{j}]"), format!("`{text}` is not imported: {error}")),
            }
        }
        draft.assertions = Some(assertions).filter(|a| !a.is_empty());
        if !group.is_empty() {
            draft.tags = Some(vec![format!("group:{}", slug(&[group]))]);
        }
        if let Some(Value::Object(client)) = endpoint.get("client") {
            for (field, value) in client {
                match (field.as_str(), value) {
                    ("timeout", Value::String(t)) => match go_duration_ms(t) {
                        Some(ms) => draft.timeout_ms = Some(ms),
                        None => importer.note(&format!("{path}.client.timeout"), format!("`{t}` is not a duration")),
                    },
                    ("insecure", Value::Bool(insecure)) => draft.verify_tls = Some(!insecure),
                    ("ignore-redirect", Value::Bool(ignore)) => draft.follow_redirects = Some(!ignore),
                    _ => importer.note(&format!("{path}.client.{field}"), "not mapped: Vigil's checks have no such setting"),
                }
            }
        }
        for field in ["graphql", "dns", "ssh", "ui", "extra-labels"] {
            if endpoint.get(field).is_some() {
                importer.note(&child_path(&path, field), "not mapped");
            }
        }
        let alerts = read_alerts(&mut importer, &path, endpoint, &defaults, &channels);
        if let Some(first) = alerts.first() {
            let failure = alerts.iter().map(|a| a.1.failure_threshold).min().unwrap_or(first.1.failure_threshold);
            let success = alerts.iter().map(|a| a.1.success_threshold).min().unwrap_or(first.1.success_threshold);
            if alerts.iter().any(|a| a.1.failure_threshold != failure) {
                importer.note(
                    &child_path(&path, "alerts"),
                    "alerts with different failure thresholds: the monitor goes down at the lowest, and every rule notifies then",
                );
            }
            draft.failure_threshold = Some(failure.clamp(1, 20) as u8);
            draft.recovery_threshold = Some(success.clamp(1, 20) as u8);
        }
        for (channel, alert) in alerts {
            rules.entry((channel, alert.send_on_resolved, alert.reminder_seconds)).or_default().0.push(key.clone());
        }
        if let Some(windows) = endpoint.get("maintenance-windows").and_then(Value::as_array) {
            for (j, window) in windows.iter().enumerate() {
                let window_path = format!("{path}.maintenance-windows[{j}]");
                if let Some(draft) = read_window(
                    &mut importer,
                    &window_path,
                    window,
                    SelectorDraft { monitors: vec![key.clone()], ..SelectorDraft::default() },
                ) {
                    let window_key = unique(&mut keys, format!("{key}-maintenance"));
                    importer.imported.manifest.maintenance_windows.insert(window_key, draft);
                }
            }
        }
        importer.imported.manifest.monitors.insert(key, draft);
    }

    for (i, endpoint) in root.get("external-endpoints").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
        let path = format!("external-endpoints[{i}]");
        let name = endpoint.get("name").and_then(Value::as_str).unwrap_or("unnamed");
        let group = endpoint.get("group").and_then(Value::as_str).unwrap_or("");
        if endpoint.get("enabled") == Some(&Value::Bool(false)) {
            importer.note(&path, format!("`{name}` is disabled in Gatus: not imported"));
            continue;
        }
        let key = unique(&mut keys, slug(&[group, name]));
        let mut draft = TaskDraft { name: Some(name.to_owned()), ..TaskDraft::default() };
        match endpoint.pointer("/heartbeat/interval").and_then(Value::as_str).and_then(go_duration_ms) {
            Some(ms) => {
                draft.period_seconds = Some((ms / 1000).max(1) as u32);
                draft.grace_seconds = Some(60);
            }
            None => importer
                .note(&path, format!("`{name}` has no heartbeat interval: imported with Vigil's default (a ping a day, an hour of grace)")),
        }
        importer.note(
            &path,
            format!("`{name}` is pushed by a job: point it at the task's ping URL (`vigil tasks get {key}`); the Gatus token is not used"),
        );
        for (channel, alert) in read_alerts(&mut importer, &path, endpoint, &defaults, &channels) {
            rules.entry((channel, alert.send_on_resolved, alert.reminder_seconds)).or_default().1.push(key.clone());
        }
        importer.imported.manifest.tasks.insert(key, draft);
    }

    let mut rule_keys = BTreeSet::new();
    for ((channel, resolved, reminder), (monitors, tasks)) in rules {
        let key = unique(&mut rule_keys, format!("{channel}-alerts"));
        let rule = AlertRuleDraft {
            name: Some(format!("{channel} alerts (from Gatus)")),
            select: Some(SelectorDraft { monitors, tasks, ..SelectorDraft::default() }),
            channels: Some(vec![channel]),
            notify_on: Some(NotifyOn { opened: true, acknowledged: true, resolved }).filter(|n| *n != NotifyOn::default()),
            repeat_every_seconds: reminder.map(|s| s as u32),
            ..AlertRuleDraft::default()
        };
        importer.imported.manifest.alert_rules.insert(key, rule);
    }

    if let Some(maintenance) = root.get("maintenance") {
        if maintenance.get("enabled") == Some(&Value::Bool(false)) {
            importer.note("maintenance", "disabled in Gatus: not imported");
        } else if let Some(draft) =
            read_window(&mut importer, "maintenance", maintenance, SelectorDraft { all: true, ..SelectorDraft::default() })
        {
            importer.imported.manifest.maintenance_windows.insert("maintenance".into(), draft);
        }
    }
    for section in root.keys() {
        if !["alerting", "endpoints", "external-endpoints", "maintenance"].contains(&section.as_str()) {
            let message = match section.as_str() {
                "storage"
                | "web"
                | "ui"
                | "security"
                | "metrics"
                | "concurrency"
                | "disable-monitoring-lock"
                | "skip-invalid-config-update"
                | "connectivity"
                | "tunneling"
                | "remote" => "server settings: `vigil serve` has its own (see its --help)",
                "suites" => "suites (chained requests) have no Vigil counterpart",
                "announcements" => "announcements have no Vigil counterpart yet",
                _ => "not mapped",
            };
            importer.note(section, message);
        }
    }
    Ok(importer.imported)
}

fn read_alert(config: &Value, alert: &mut AlertDefaults) {
    if let Some(n) = config.get("failure-threshold").and_then(Value::as_u64) {
        alert.failure_threshold = n;
    }
    if let Some(n) = config.get("success-threshold").and_then(Value::as_u64) {
        alert.success_threshold = n;
    }
    if let Some(b) = config.get("send-on-resolved").and_then(Value::as_bool) {
        alert.send_on_resolved = b;
    }
    if let Some(ms) = config.get("minimum-reminder-interval").and_then(Value::as_str).and_then(go_duration_ms).filter(|ms| *ms > 0) {
        alert.reminder_seconds = Some(ms / 1000);
    }
}

/// The alerts of an endpoint: (channel key, settings), for the providers that became channels.
fn read_alerts(
    importer: &mut Importer<'_>,
    path: &str,
    endpoint: &Value,
    defaults: &BTreeMap<String, AlertDefaults>,
    channels: &BTreeMap<String, String>,
) -> Vec<(String, AlertDefaults)> {
    let mut out = Vec::new();
    for (i, alert) in endpoint.get("alerts").and_then(Value::as_array).cloned().unwrap_or_default().iter().enumerate() {
        let alert_path = format!("{path}.alerts[{i}]");
        let kind = alert.get("type").and_then(Value::as_str).unwrap_or_default();
        if alert.get("enabled") == Some(&Value::Bool(false)) {
            continue;
        }
        let Some(channel) = channels.get(kind) else {
            importer.note(&alert_path, format!("no `{kind}` channel came from `alerting`: this alert is not imported"));
            continue;
        };
        let mut settings = defaults.get(kind).cloned().unwrap_or_default();
        read_alert(alert, &mut settings);
        for field in ["description", "provider-override"] {
            if alert.get(field).is_some() {
                importer.note(&child_path(&alert_path, field), "not mapped: Vigil writes its own messages, to the channel as it is");
            }
        }
        out.push((channel.clone(), settings));
    }
    out
}

fn read_window(importer: &mut Importer<'_>, path: &str, window: &Value, select: SelectorDraft) -> Option<MaintenanceDraft> {
    let start = window.get("start").and_then(Value::as_str);
    let minutes = window.get("duration").and_then(Value::as_str).and_then(go_duration_ms).map(|ms| (ms / 60_000) as u32);
    let (Some(start), Some(minutes)) = (start, minutes) else {
        importer.note(path, "needs `start` and `duration`: not imported");
        return None;
    };
    let days = window
        .get("every")
        .and_then(Value::as_array)
        .map(|days| days.iter().filter_map(Value::as_str).map(|d| d.chars().take(3).collect::<String>().to_lowercase()).collect::<Vec<_>>())
        .unwrap_or_default();
    let schedule = serde_json::from_value::<WindowSchedule>(json!({
        "type": "recurring",
        "timezone": window.get("timezone").and_then(Value::as_str).unwrap_or("UTC"),
        "days": days,
        "start": start,
        "duration_minutes": minutes,
    }));
    match schedule {
        Ok(schedule) => Some(MaintenanceDraft {
            name: Some("Maintenance (from Gatus)".into()),
            select: Some(select),
            schedule,
            managed: None,
            public: None,
        }),
        Err(error) => {
            importer.note(path, format!("not imported: {error}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        for (text, ms) in [
            ("30s", Some(30_000)),
            ("5m", Some(300_000)),
            ("1h30m", Some(5_400_000)),
            ("500ms", Some(500)),
            ("1.5s", Some(1500)),
            ("", None),
            ("10x", None),
        ] {
            assert_eq!(go_duration_ms(text), ms, "{text}");
        }
    }

    #[test]
    fn variables_take_vigils_spelling() {
        assert_eq!(braced("https://h/$TOKEN/x"), "https://h/${TOKEN}/x");
        assert_eq!(braced("${A} and $$5"), "${A} and $$5");
    }
}
