//! `vigil incidents`.

use super::Session;
use super::resolve;
use crate::args::IncidentCommand;
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use futures::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use vigil_api::{ActRequest, CommentRequest, Incident, IncidentDetail, IncidentQuery, TimelineEvent};

fn row(out: &Output, i: &Incident, now: Timestamp) -> Vec<String> {
    vec![
        out.dim(&short_id(&i.id)),
        out.status(i.status.as_str()),
        format!("{} {}", i.subject.kind, i.subject.name),
        ago(Some(i.opened_at), now),
        i.downtime_seconds.map_or("-".into(), |s| format!("{}m", (s + 59) / 60)),
        i.cause.summary.chars().take(60).collect(),
    ]
}

fn event(event: &TimelineEvent) -> String {
    match event {
        TimelineEvent::Opened { cause } => format!("opened: {}", cause.summary),
        TimelineEvent::Silenced { reason } => format!("silenced: {reason}"),
        TimelineEvent::CheckFailures { failed, checks } => format!("{failed} of {checks} checks failed"),
        TimelineEvent::Acknowledged { by } => format!("acknowledged by {by}"),
        TimelineEvent::Commented { by, text } => format!("{by}: {text}"),
        TimelineEvent::Notified { channel_name, attempts, .. } => format!("notified {channel_name} ({attempts} attempt(s))"),
        TimelineEvent::DeliveryFailed { channel_name, error, .. } => format!("could not notify {channel_name}: {error}"),
        TimelineEvent::Escalated { step, .. } => format!("escalated (step {step})"),
        TimelineEvent::Reminded { count, .. } => format!("reminder {count}"),
        TimelineEvent::Resolved { by } => format!("resolved by {by}"),
    }
}

fn show(out: &Output, detail: &IncidentDetail) {
    if out.json {
        return out.json(detail);
    }
    let i = &detail.incident;
    let now = Timestamp::now();
    println!(
        "{} {}  {}",
        out.bold(&format!("{} {}", i.subject.kind, i.subject.name)),
        out.dim(&i.id.to_string()),
        out.status(i.status.as_str())
    );
    println!("  {}", i.cause.summary);
    for entry in &detail.timeline {
        println!("  {:>9}  {}", out.dim(&ago(Some(entry.at), now)), event(&entry.event));
    }
}

/// Runs `vigil incidents …`.
pub async fn run(session: &Session, command: IncidentCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        IncidentCommand::List { status, limit } => {
            let incidents: Vec<Incident> =
                client.incidents(IncidentQuery { status, ..IncidentQuery::default() }).take(limit).try_collect().await?;
            if out.json {
                out.json(&incidents);
            } else {
                let now = Timestamp::now();
                let rows: Vec<_> = incidents.iter().map(|i| row(out, i, now)).collect();
                out.table(&["ID", "STATUS", "SUBJECT", "OPENED", "LASTED", "CAUSE"], &rows);
            }
        }
        IncidentCommand::Get { incident } => {
            let found = resolve::incident(client, &incident).await?;
            show(out, &client.get_incident(found.id).await?);
        }
        IncidentCommand::Ack { incident, by } => {
            let found = resolve::incident(client, &incident).await?;
            let done = client.acknowledge_incident(found.id, &ActRequest { by, note: None }).await?;
            if out.json {
                out.json(&done);
            } else {
                println!("Acknowledged the incident of {} {}.", done.subject.kind, done.subject.name);
            }
        }
        IncidentCommand::Comment { incident, text, by } => {
            let found = resolve::incident(client, &incident).await?;
            let entry = client.comment_on_incident(found.id, &CommentRequest { text, by }).await?;
            if out.json {
                out.json(&entry);
            } else {
                println!("Commented on the incident of {} {}.", found.subject.kind, found.subject.name);
            }
        }
        IncidentCommand::Resolve { incident, by, note } => {
            let found = resolve::incident(client, &incident).await?;
            let done = client.resolve_incident(found.id, &ActRequest { by, note }).await?;
            if out.json {
                out.json(&done);
            } else {
                println!("Resolved the incident of {} {}.", done.subject.kind, done.subject.name);
            }
        }
    }
    Ok(0)
}
