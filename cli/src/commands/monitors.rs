//! `vigil monitors`.

use super::resolve;
use super::{Session, read_draft};
use crate::args::{MonitorCommand, MonitorFields};
use crate::failure::Failure;
use crate::manifest::gatus::go_duration_ms;
use crate::output::{Output, ago, short_id};
use futures::{StreamExt, TryStreamExt};
use jiff::{SignedDuration, Timestamp};
use vigil_api::{Check, Monitor, MonitorDraft, MonitorQuery, StatusCodeInput};

/// The mark of a monitoring file, as tables show it.
pub fn managed_cell(managed: Option<&vigil_api::Managed>) -> String {
    managed.map_or("-".to_owned(), |m| format!("{}/{}", m.source, m.key))
}

fn draft(fields: MonitorFields) -> Result<MonitorDraft, Failure> {
    let mut draft: MonitorDraft = match &fields.from {
        Some(path) => read_draft(path)?,
        None => MonitorDraft::default(),
    };
    macro_rules! set {
        ($($field:ident <- $flag:expr),*) => { $( if let Some(value) = $flag { draft.$field = Some(value); } )* };
    }
    set!(name <- fields.name, url <- fields.url, method <- fields.method, interval_seconds <- fields.interval, timeout_ms <- fields.timeout,
        body <- fields.body, failure_threshold <- fields.failure_threshold, recovery_threshold <- fields.recovery_threshold);
    if !fields.expected_status.is_empty() {
        draft.expected_status = Some(
            fields
                .expected_status
                .iter()
                .map(|s| s.parse().map_or_else(|_| StatusCodeInput::Pattern(s.clone()), StatusCodeInput::Code))
                .collect(),
        );
    }
    if !fields.assertions.is_empty() {
        draft.assertions = Some(fields.assertions);
    }
    if !fields.tags.is_empty() {
        draft.tags = Some(fields.tags);
    }
    if !fields.headers.is_empty() {
        let mut headers = draft.headers.unwrap_or_default();
        for header in fields.headers {
            let (name, value) =
                header.split_once(':').ok_or_else(|| Failure::usage(format!("--header `{header}` must be `Name: value`")))?;
            headers.insert(name.trim().to_owned(), value.trim().to_owned());
        }
        draft.headers = Some(headers);
    }
    Ok(draft)
}

fn row(out: &Output, m: &Monitor, now: Timestamp) -> Vec<String> {
    vec![
        out.dim(&short_id(&m.id)),
        m.name.clone(),
        out.status(m.status.as_str()),
        ago(Some(m.status_since), now),
        format!("{}s", m.interval_seconds),
        m.url.clone(),
        managed_cell(m.managed.as_ref()),
    ]
}

fn show(out: &Output, m: &Monitor) {
    if out.json {
        return out.json(m);
    }
    let now = Timestamp::now();
    let status = m.status.as_str();
    println!("{}  {}", out.bold(&m.name), out.status(status));
    let lines = [
        ("id", m.id.to_string()),
        ("url", format!("{} {}", m.method, m.url)),
        ("since", ago(Some(m.status_since), now)),
        ("every", format!("{}s, timeout {} ms", m.interval_seconds, m.timeout_ms)),
        (
            "expects",
            m.expected_status
                .iter()
                .map(|s| match s {
                    StatusCodeInput::Code(c) => c.to_string(),
                    StatusCodeInput::Pattern(p) => p.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("down after", format!("{} failed checks in a row, up after {} passed", m.failure_threshold, m.recovery_threshold)),
        ("next check", ago(m.next_check_at, now)),
        ("tags", if m.tags.is_empty() { "-".into() } else { m.tags.join(", ") }),
        ("file", managed_cell(m.managed.as_ref())),
    ];
    for (label, value) in lines {
        println!("  {} {value}", out.dim(&format!("{:<11}", label)));
    }
    for (i, assertion) in m.assertions.iter().enumerate() {
        println!("  {} {assertion}", out.dim(&format!("{:<11}", if i == 0 { "asserts" } else { "" })));
    }
    if let Some(check) = &m.last_check {
        println!("  {} {}", out.dim(&format!("{:<11}", "last check")), describe_check(out, check, now));
    }
}

fn describe_check(out: &Output, check: &Check, now: Timestamp) -> String {
    format!("{} ({:.0} ms, {})", check_result(out, check), check.timings_ms.total, ago(Some(check.started_at), now))
}

/// What a check found: its result, the HTTP status and why it failed.
fn check_result(out: &Output, check: &Check) -> String {
    let (result, why) = match &check.outcome {
        vigil_domain::check::CheckOutcome::Up => ("up", String::new()),
        vigil_domain::check::CheckOutcome::Down { failure } => ("down", format!(" {}", failure.message)),
        vigil_domain::check::CheckOutcome::Error { message } => ("error", format!(" {message}")),
    };
    let status = check.status_code.map_or(String::new(), |s| format!(" {s}"));
    let why = if why.is_empty() { why } else { format!(":{why}") };
    format!("{}{status}{why}", out.status(result))
}

/// A check's row in `monitors checks`: its whole id, since a monitor's check ids differ only
/// in their first characters (the planned time; the rest comes from the monitor's id), and the
/// result without its time, which the row's own column shows.
fn check_row(out: &Output, check: &Check, now: Timestamp) -> Vec<String> {
    let result = format!("{} ({:.0} ms)", check_result(out, check), check.timings_ms.total);
    vec![out.dim(&check.id.to_string()), ago(Some(check.started_at), now), result]
}

/// Runs `vigil monitors …`.
pub async fn run(session: &Session, command: MonitorCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let now = Timestamp::now();
    match command {
        MonitorCommand::List { tag, status } => {
            let monitors: Vec<Monitor> = client.monitors(MonitorQuery { tag, status, ..MonitorQuery::default() }).try_collect().await?;
            if out.json {
                out.json(&monitors);
            } else {
                let rows: Vec<_> = monitors.iter().map(|m| row(out, m, now)).collect();
                out.table(&["ID", "NAME", "STATUS", "SINCE", "EVERY", "URL", "FILE"], &rows);
            }
        }
        MonitorCommand::Get { monitor } => {
            let found = resolve::monitor(client, &monitor).await?;
            show(out, &client.get_monitor(found.id).await?);
        }
        MonitorCommand::Create(fields) => {
            let created = client.create_monitor(&draft(fields)?).await?;
            if !out.json {
                println!("Created monitor {} ({}); it is checked now and every {}s.", created.name, created.id, created.interval_seconds);
            } else {
                out.json(&created);
            }
        }
        MonitorCommand::Edit { monitor, fields } => {
            let found = resolve::monitor(client, &monitor).await?;
            let changed = client.update_monitor(found.id, &draft(fields)?, Some(found.revision)).await?;
            show(out, &changed);
        }
        MonitorCommand::Delete { monitor } => {
            let found = resolve::monitor(client, &monitor).await?;
            client.delete_monitor(found.id).await?;
            println!("Deleted monitor {} ({}).", found.name, found.id);
        }
        MonitorCommand::Pause { monitor } => show(out, &client.pause_monitor(resolve::monitor(client, &monitor).await?.id).await?),
        MonitorCommand::Resume { monitor } => show(out, &client.resume_monitor(resolve::monitor(client, &monitor).await?.id).await?),
        MonitorCommand::Check { monitor } => {
            let found = resolve::monitor(client, &monitor).await?;
            let checked = client.check_monitor(found.id).await?;
            if out.json {
                out.json(&checked);
            } else {
                println!("{}: {}", found.name, describe_check(out, &checked.check, Timestamp::now()));
                println!("Status: {}", out.status(checked.status.as_str()));
            }
        }
        MonitorCommand::Checks { monitor, limit } => {
            let found = resolve::monitor(client, &monitor).await?;
            let checks: Vec<Check> = client.checks(found.id).take(limit as usize).try_collect().await?;
            if out.json {
                out.json(&checks);
            } else {
                let rows: Vec<_> = checks.iter().map(|c| check_row(out, c, now)).collect();
                out.table(&["ID", "WHEN", "RESULT"], &rows);
            }
        }
        MonitorCommand::Uptime { monitor } => {
            let found = resolve::monitor(client, &monitor).await?;
            let uptime = client.uptime(found.id).await?;
            if out.json {
                out.json(&uptime);
            } else {
                let rows: Vec<_> = uptime
                    .windows
                    .iter()
                    .map(|w| {
                        vec![
                            serde_json::to_value(w.window).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                            w.uptime_percent.map_or("-".into(), |p| format!("{p:.3} %")),
                            format!("{} / {}", w.up, w.up + w.down),
                            w.latency.as_ref().map_or("-".into(), |l| format!("{:.0} ms", l.p50_ms)),
                            w.latency.as_ref().map_or("-".into(), |l| format!("{:.0} ms", l.p95_ms)),
                        ]
                    })
                    .collect();
                out.table(&["WINDOW", "UPTIME", "CHECKS UP", "P50", "P95"], &rows);
            }
        }
        MonitorCommand::Mute { monitor, duration } => {
            let found = resolve::monitor(client, &monitor).await?;
            let until = match duration {
                Some(text) => {
                    let ms =
                        go_duration_ms(&text).ok_or_else(|| Failure::usage(format!("--for `{text}` is not a duration like 30m or 2h")))?;
                    Some(Timestamp::now() + SignedDuration::from_millis(ms as i64))
                }
                None => None,
            };
            let mute = client.mute_monitor(found.id, until).await?;
            match mute.until {
                Some(until) => println!("Muted {} until {until}.", found.name),
                None => println!("Muted {} until unmuted.", found.name),
            }
        }
        MonitorCommand::Unmute { monitor } => {
            let found = resolve::monitor(client, &monitor).await?;
            client.unmute_monitor(found.id).await?;
            println!("Unmuted {}.", found.name);
        }
    }
    Ok(0)
}
