//! `vigil tasks`.

use super::monitors::managed_cell;
use super::resolve;
use super::{Session, read_draft};
use crate::args::{TaskCommand, TaskFields};
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use futures::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use vigil_api::{Ping, Run, Task, TaskDraft};

fn draft(fields: TaskFields) -> Result<TaskDraft, Failure> {
    let mut draft: TaskDraft = match &fields.from {
        Some(path) => read_draft(path)?,
        None => TaskDraft::default(),
    };
    macro_rules! set {
        ($($field:ident <- $flag:expr),*) => { $( if let Some(value) = $flag { draft.$field = Some(value); } )* };
    }
    set!(name <- fields.name, period_seconds <- fields.period, cron <- fields.cron, timezone <- fields.timezone, grace_seconds <- fields.grace);
    if let Some(slug) = fields.slug {
        draft.slug = Some(Some(slug));
    }
    if let Some(max) = fields.max_run {
        draft.max_run_seconds = Some(Some(max));
    }
    Ok(draft)
}

/// When a task expects its runs, for a person.
pub fn schedule(task: &Task) -> String {
    match (&task.cron, task.period_seconds) {
        (Some(cron), _) => format!("{cron} ({})", task.timezone.as_deref().unwrap_or("UTC")),
        (None, Some(seconds)) => format!("every {seconds}s"),
        _ => "-".into(),
    }
}

fn show(out: &Output, task: &Task) {
    if out.json {
        return out.json(task);
    }
    let now = Timestamp::now();
    println!("{}  {}  {}", out.bold(&task.name), out.status(task.status.as_str()), out.dim(&task.status_reason));
    let lines = [
        ("id", task.id.to_string()),
        ("schedule", format!("{}, {}s of grace", schedule(task), task.grace_seconds)),
        ("expected", ago(task.expected_at, now)),
        ("last run", ago(task.last_finish_at, now)),
        ("ping URL", task.ping_url.clone()),
        ("start", task.ping_urls.start.clone()),
        ("fail", task.ping_urls.fail.clone()),
        ("file", managed_cell(task.managed.as_ref())),
    ];
    for (label, value) in lines {
        println!("  {} {value}", out.dim(&format!("{:<9}", label)));
    }
}

/// Runs `vigil tasks …`.
pub async fn run(session: &Session, command: TaskCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let now = Timestamp::now();
    match command {
        TaskCommand::List => {
            let tasks: Vec<Task> = client.tasks().try_collect().await?;
            if out.json {
                out.json(&tasks);
            } else {
                let rows: Vec<_> = tasks
                    .iter()
                    .map(|t| {
                        vec![
                            out.dim(&short_id(&t.id)),
                            t.name.clone(),
                            out.status(t.status.as_str()),
                            schedule(t),
                            ago(t.last_finish_at, now),
                            ago(t.expected_at, now),
                            managed_cell(t.managed.as_ref()),
                        ]
                    })
                    .collect();
                out.table(&["ID", "NAME", "STATUS", "SCHEDULE", "LAST RUN", "EXPECTED", "FILE"], &rows);
            }
        }
        TaskCommand::Get { task } => show(out, &resolve::task(client, &task).await?),
        TaskCommand::Create(fields) => {
            let created = client.create_task(&draft(fields)?).await?;
            if out.json {
                out.json(&created);
            } else {
                println!("Created task {} ({}). Have the job ping:\n  {}", created.name, created.id, created.ping_url);
            }
        }
        TaskCommand::Edit { task, fields } => {
            let found = resolve::task(client, &task).await?;
            show(out, &client.update_task(found.id, &draft(fields)?).await?);
        }
        TaskCommand::Delete { task } => {
            let found = resolve::task(client, &task).await?;
            client.delete_task(found.id).await?;
            println!("Deleted task {} ({}).", found.name, found.id);
        }
        TaskCommand::Pause { task } => show(out, &client.pause_task(resolve::task(client, &task).await?.id).await?),
        TaskCommand::Resume { task } => show(out, &client.resume_task(resolve::task(client, &task).await?.id).await?),
        TaskCommand::Runs { task, limit } => {
            let found = resolve::task(client, &task).await?;
            let runs: Vec<Run> = client.runs(found.id).take(limit as usize).try_collect().await?;
            if out.json {
                out.json(&runs);
            } else {
                let rows: Vec<_> = runs
                    .iter()
                    .map(|r| {
                        let log = r.log.as_deref().unwrap_or("").trim().lines().last().unwrap_or("").chars().take(60).collect::<String>();
                        vec![
                            out.dim(&short_id(&r.id)),
                            out.status(&r.state),
                            ago(r.started_at.or(r.finished_at), now),
                            r.duration_ms.map_or("-".into(), |d| format!("{:.1}s", d as f64 / 1000.0)),
                            r.exit_status.map_or("-".into(), |e| e.to_string()),
                            log,
                        ]
                    })
                    .collect();
                out.table(&["ID", "STATE", "STARTED", "TOOK", "EXIT", "LOG (LAST LINE)"], &rows);
            }
        }
        TaskCommand::Pings { task, limit } => {
            let found = resolve::task(client, &task).await?;
            let pings: Vec<Ping> = client.pings(found.id).take(limit as usize).try_collect().await?;
            if out.json {
                out.json(&pings);
            } else {
                let rows: Vec<_> = pings
                    .iter()
                    .map(|p| {
                        vec![
                            ago(Some(p.at), now),
                            p.kind.clone(),
                            p.exit_status.map_or("-".into(), |e| e.to_string()),
                            format!("{} B", p.body_bytes_received),
                        ]
                    })
                    .collect();
                out.table(&["WHEN", "KIND", "EXIT", "BODY"], &rows);
            }
        }
    }
    Ok(0)
}
