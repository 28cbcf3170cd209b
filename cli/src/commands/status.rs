//! `vigil status`: every monitor and task with its status, and an exit code scripts can use.

use super::Session;
use crate::failure::Failure;
use crate::output::ago;
use futures::TryStreamExt;
use jiff::Timestamp;
use serde_json::json;
use vigil_api::{Monitor, MonitorQuery, MonitorStatus, Task, TaskStatus};

/// Whether a monitor is well: up, or paused on purpose.
pub fn monitor_is_well(status: MonitorStatus) -> bool {
    matches!(status, MonitorStatus::Up | MonitorStatus::Paused)
}

/// Whether a task is well: up or running, paused on purpose, or never pinged yet.
pub fn task_is_well(status: TaskStatus) -> bool {
    matches!(status, TaskStatus::Up | TaskStatus::Running | TaskStatus::Paused | TaskStatus::New)
}

/// Prints the summary; 0 when everything is well, 1 otherwise.
pub async fn status(session: &Session) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let monitors: Vec<Monitor> = client.monitors(MonitorQuery::default()).try_collect().await?;
    let tasks: Vec<Task> = client.tasks().try_collect().await?;
    let unwell = monitors.iter().filter(|m| !monitor_is_well(m.status)).count() + tasks.iter().filter(|t| !task_is_well(t.status)).count();
    if out.json {
        out.json(&json!({"ok": unwell == 0, "not_ok": unwell, "monitors": monitors, "tasks": tasks}));
        return Ok(i32::from(unwell > 0));
    }
    let now = Timestamp::now();
    let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
    for m in &monitors {
        // The list leaves out the last check; it says why a monitor is not well.
        let last = if monitor_is_well(m.status) { None } else { client.get_monitor(m.id).await.ok().and_then(|m| m.last_check) };
        let detail = match last.map(|c| c.outcome) {
            Some(vigil_domain::check::CheckOutcome::Down { failure }) => failure.message,
            Some(vigil_domain::check::CheckOutcome::Error { message }) => message,
            _ => m.url.clone(),
        };
        rows.push((
            monitor_is_well(m.status),
            vec!["monitor".into(), m.name.clone(), out.status(m.status.as_str()), ago(Some(m.status_since), now), detail],
        ));
    }
    for t in &tasks {
        rows.push((
            task_is_well(t.status),
            vec!["task".into(), t.name.clone(), out.status(t.status.as_str()), ago(t.status_since, now), t.status_reason.clone()],
        ));
    }
    // What needs attention first.
    rows.sort_by_key(|(well, _)| *well);
    out.table(&["KIND", "NAME", "STATUS", "SINCE", "DETAIL"], &rows.into_iter().map(|(_, row)| row).collect::<Vec<_>>());
    let total = monitors.len() + tasks.len();
    if total == 0 {
        println!("Nothing is watched yet: `vigil monitors create` or `vigil apply FILE` adds some.");
        Ok(0)
    } else if unwell == 0 {
        println!("\n{}", out.paint("32", &format!("All {total} well.")));
        Ok(0)
    } else {
        println!("\n{}", out.paint("31;1", &format!("{unwell} of {total} not well.")));
        Ok(1)
    }
}
