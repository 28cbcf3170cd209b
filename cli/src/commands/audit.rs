//! `vigil audit`.

use super::Session;
use super::members::member;
use super::when::{Way, time};
use crate::args::AuditArgs;
use crate::failure::Failure;
use crate::output::{Output, ago};
use futures::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use vigil_api::{AuditEntry, AuditLogQuery};

fn row(out: &Output, entry: &AuditEntry, now: Timestamp) -> Vec<String> {
    let target = match &entry.target.name {
        Some(name) => format!("{} {name}", entry.target.kind),
        None => format!("{} {}", entry.target.kind, entry.target.id),
    };
    let fields: Vec<&str> = entry.changes.iter().map(|c| c.field.as_str()).collect();
    vec![out.dim(&ago(Some(entry.at), now)), entry.actor_label.clone(), entry.action.clone(), target, fields.join(", ")]
}

/// Runs `vigil audit`: the entries, newest first, read page after page up to `--limit`.
pub async fn run(session: &Session, args: AuditArgs) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let now = Timestamp::now();
    let actor = match args.actor {
        Some(email) if email.contains('@') => Some(format!("user:{}", member(client, &email).await?.user_id)),
        other => other,
    };
    let query = AuditLogQuery {
        actor,
        action: args.action,
        target_kind: args.target_kind,
        target_id: args.target_id,
        since: args.since.map(|text| time(&text, now, Way::Back, "--since")).transpose()?,
        until: args.until.map(|text| time(&text, now, Way::Back, "--until")).transpose()?,
        cursor: None,
        limit: Some(args.page_size),
    };
    let entries: Vec<AuditEntry> = client.audit_log(query).take(args.limit).try_collect().await?;
    if out.json {
        out.json(&entries);
    } else if entries.is_empty() {
        println!("No entry.");
    } else {
        let rows: Vec<_> = entries.iter().map(|e| row(out, e, now)).collect();
        out.table(&["WHEN", "WHO", "ACTION", "TARGET", "CHANGED"], &rows);
    }
    Ok(0)
}
