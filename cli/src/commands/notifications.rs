//! `vigil channels`, `vigil rules` and `vigil windows`.

use super::monitors::managed_cell;
use super::{Session, read_draft, resolve};
use crate::args::{ChannelCommand, RuleCommand, RuleFields, SelectFlags, WindowCommand, WindowFields};
use crate::failure::Failure;
use crate::output::short_id;
use futures::TryStreamExt;
use serde_json::{Value, json};
use vigil_api::{AlertRuleDraft, Channel, ChannelDraft, MaintenanceDraft, Recipients, Selector, SelectorDraft};
use vigil_client::Client;

fn recipients(channel: &Channel) -> String {
    match &channel.to {
        Some(Recipients::One(one)) => one.clone(),
        Some(Recipients::Many(many)) => many.join(", "),
        None => channel.url.clone().or_else(|| channel.routing_key.clone()).unwrap_or_default(),
    }
}

/// Runs `vigil channels …`.
pub async fn channels(session: &Session, command: ChannelCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        ChannelCommand::List => {
            let channels: Vec<Channel> = client.channels().try_collect().await?;
            if out.json {
                out.json(&channels);
            } else {
                let rows: Vec<_> = channels
                    .iter()
                    .map(|c| {
                        vec![
                            out.dim(&short_id(&c.id)),
                            c.name.clone(),
                            c.kind.as_str().to_owned(),
                            recipients(c),
                            managed_cell(c.managed.as_ref()),
                        ]
                    })
                    .collect();
                out.table(&["ID", "NAME", "TYPE", "TO", "FILE"], &rows);
            }
        }
        ChannelCommand::Get { channel } => {
            let found = resolve::channel(client, &channel).await?;
            if out.json {
                out.json(&found);
            } else {
                println!("{}  {}  {}", out.bold(&found.name), found.kind.as_str(), out.dim(&found.id.to_string()));
                println!("  {} {}", out.dim(&format!("{:<8}", "to")), recipients(&found));
                println!("  {} {}", out.dim(&format!("{:<8}", "file")), managed_cell(found.managed.as_ref()));
            }
        }
        ChannelCommand::Create(fields) => {
            let mut draft: ChannelDraft = match &fields.from {
                Some(path) => read_draft(path)?,
                None => ChannelDraft::default(),
            };
            draft.name = fields.name.or(draft.name);
            draft.kind = fields.kind.or(draft.kind);
            draft.url = fields.url.or(draft.url);
            draft.routing_key = fields.routing_key.or(draft.routing_key);
            match fields.to.as_slice() {
                [] => {}
                [one] if draft.kind.as_deref() == Some("sms") => draft.to = Some(Value::String(one.clone())),
                many => draft.to = Some(json!(many)),
            }
            let created = client.create_channel(&draft).await?;
            if out.json {
                out.json(&created);
            } else {
                println!("Created channel {} ({}).", created.name, created.id);
                if let (Some(secret), "webhook") = (&created.secret, created.kind.as_str()) {
                    println!("Its signing secret, shown only this once:\n\n    {secret}\n");
                }
            }
        }
        ChannelCommand::Delete { channel } => {
            let found = resolve::channel(client, &channel).await?;
            client.delete_channel(found.id).await?;
            println!("Deleted channel {} ({}).", found.name, found.id);
        }
        ChannelCommand::Test { channel } => {
            let found = resolve::channel(client, &channel).await?;
            let test = client.test_channel(found.id).await?;
            if out.json {
                out.json(&test);
            } else if test.delivered {
                println!("{} took the test message{}.", found.name, test.status_code.map_or(String::new(), |s| format!(" ({s})")));
            } else {
                println!("{} refused the test message: {}", found.name, test.error.unwrap_or_default());
                return Ok(1);
            }
        }
    }
    Ok(0)
}

fn selector_text(select: &Selector) -> String {
    let mut parts = Vec::new();
    if select.all {
        parts.push("everything".to_owned());
    }
    parts.extend(select.tags.iter().map(|t| format!("tag {t}")));
    if !select.monitors.is_empty() {
        parts.push(format!("{} monitor(s)", select.monitors.len()));
    }
    if !select.tasks.is_empty() {
        parts.push(format!("{} task(s)", select.tasks.len()));
    }
    parts.join(", ")
}

/// A selector from flags, its monitors and tasks resolved to ids.
async fn selector(client: &Client, flags: SelectFlags) -> Result<SelectorDraft, Failure> {
    let mut select = SelectorDraft { all: flags.all, tags: flags.tags.into_iter().collect(), ..SelectorDraft::default() };
    for monitor in &flags.monitors {
        select.monitors.push(resolve::monitor(client, monitor).await?.id.to_string());
    }
    for task in &flags.tasks {
        select.tasks.push(resolve::task(client, task).await?.id.to_string());
    }
    Ok(select)
}

async fn rule_draft(client: &Client, fields: RuleFields) -> Result<AlertRuleDraft, Failure> {
    let mut draft: AlertRuleDraft = match &fields.from {
        Some(path) => read_draft(path)?,
        None => AlertRuleDraft::default(),
    };
    draft.name = fields.name.or(draft.name);
    if fields.select.given() {
        draft.select = Some(selector(client, fields.select).await?);
    }
    if !fields.channels.is_empty() {
        let mut ids = Vec::new();
        for channel in &fields.channels {
            ids.push(resolve::channel(client, channel).await?.id.to_string());
        }
        draft.channels = Some(ids);
    }
    Ok(draft)
}

/// Runs `vigil rules …`.
pub async fn rules(session: &Session, command: RuleCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        RuleCommand::List => {
            let rules = client.alert_rules().await?;
            if out.json {
                out.json(&rules);
            } else {
                let rows: Vec<_> = rules
                    .iter()
                    .map(|r| {
                        vec![
                            out.dim(&short_id(&r.id)),
                            r.name.clone(),
                            selector_text(&r.select),
                            r.channels.len().to_string(),
                            r.escalation.len().to_string(),
                            managed_cell(r.managed.as_ref()),
                        ]
                    })
                    .collect();
                out.table(&["ID", "NAME", "SELECTS", "CHANNELS", "ESCALATION STEPS", "FILE"], &rows);
            }
        }
        RuleCommand::Get { rule } => out_item(out, &resolve::rule(client, &rule).await?),
        RuleCommand::Create(fields) => {
            let created = client.create_alert_rule(&rule_draft(client, fields).await?).await?;
            if out.json {
                out.json(&created);
            } else {
                println!("Created alert rule {} ({}).", created.name, created.id);
            }
        }
        RuleCommand::Delete { rule } => {
            let found = resolve::rule(client, &rule).await?;
            client.delete_alert_rule(found.id).await?;
            println!("Deleted alert rule {} ({}).", found.name, found.id);
        }
    }
    Ok(0)
}

/// Prints a rule or a window: nested as they are, JSON reads best for people too.
fn out_item(out: &crate::output::Output, item: &impl serde::Serialize) {
    out.json(item);
}

async fn window_draft(client: &Client, fields: WindowFields) -> Result<MaintenanceDraft, Failure> {
    let schedule = match (&fields.starts_at, &fields.until, &fields.at, fields.minutes) {
        (Some(starts_at), Some(ends_at), None, None) => json!({"type": "one_off", "starts_at": starts_at, "ends_at": ends_at}),
        (None, None, Some(start), Some(minutes)) => json!({
            "type": "recurring", "timezone": fields.timezone.clone().unwrap_or_else(|| "UTC".into()),
            "days": fields.days, "start": start, "duration_minutes": minutes,
        }),
        (None, None, None, None) if fields.from.is_some() => Value::Null,
        _ => return Err(Failure::usage("give --from-time and --until (one-off), or --at and --minutes (recurring)")),
    };
    let mut draft: Value = match &fields.from {
        Some(path) => read_draft(path)?,
        None => json!({}),
    };
    if !schedule.is_null() {
        draft["schedule"] = schedule;
    }
    if let Some(name) = &fields.name {
        draft["name"] = json!(name);
    }
    if fields.select.given() {
        draft["select"] = serde_json::to_value(selector(client, fields.select).await?).unwrap_or_default();
    }
    serde_json::from_value(draft).map_err(|e| Failure::usage(format!("not a maintenance window: {e}")))
}

/// Runs `vigil windows …`.
pub async fn windows(session: &Session, command: WindowCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        WindowCommand::List => {
            let windows = client.maintenance_windows().await?;
            if out.json {
                out.json(&windows);
            } else {
                let rows: Vec<_> = windows
                    .iter()
                    .map(|w| {
                        let when = serde_json::to_value(&w.schedule).map(|v| schedule_text(&v)).unwrap_or_default();
                        let active = if w.active { out.status("active") } else { out.dim("inactive") };
                        vec![
                            out.dim(&short_id(&w.id)),
                            w.name.clone(),
                            selector_text(&w.select),
                            when,
                            active,
                            managed_cell(w.managed.as_ref()),
                        ]
                    })
                    .collect();
                out.table(&["ID", "NAME", "SELECTS", "WHEN", "NOW", "FILE"], &rows);
            }
        }
        WindowCommand::Get { window } => out_item(out, &resolve::window(client, &window).await?),
        WindowCommand::Create(fields) => {
            let created = client.create_maintenance_window(&window_draft(client, *fields).await?).await?;
            if out.json {
                out.json(&created);
            } else {
                println!(
                    "Created maintenance window {} ({}){}.",
                    created.name,
                    created.id,
                    if created.active { ", active now" } else { "" }
                );
            }
        }
        WindowCommand::Delete { window } => {
            let found = resolve::window(client, &window).await?;
            client.delete_maintenance_window(found.id).await?;
            println!("Deleted maintenance window {} ({}).", found.name, found.id);
        }
    }
    Ok(0)
}

fn schedule_text(schedule: &Value) -> String {
    let text = |field: &str| schedule[field].as_str().unwrap_or_default().to_owned();
    match schedule["type"].as_str() {
        Some("one_off") => format!("{} to {}", text("starts_at"), text("ends_at")),
        _ => {
            let days: Vec<&str> = schedule["days"].as_array().map(|d| d.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let days = if days.is_empty() { "daily".to_owned() } else { days.join(",") };
            format!("{days} {} for {} min ({})", text("start"), schedule["duration_minutes"], text("timezone"))
        }
    }
}
