//! Heartbeat tasks, runs and pings as the API shows them.

use url::Url;
use vigil_api::{Ping, PingUrls, Run, Task};
use vigil_app::tasks::{PingView, RunView, TaskView};
use vigil_domain::heartbeat::{RunState, TaskSchedule};
use vigil_domain::ports::StoredBody;

/// The ping URLs under `base`.
fn ping_urls(base: &str) -> PingUrls {
    PingUrls {
        success: base.to_owned(),
        start: format!("{base}/start"),
        fail: format!("{base}/fail"),
        log: format!("{base}/log"),
        exit_status: format!("{base}/{{exit-status}}"),
    }
}

/// A task, with its ping URLs under `public_url`.
pub(crate) fn task(view: &TaskView, public_url: &Url) -> Task {
    let (task, state) = (&view.record.task, &view.record.state);
    let spec = &task.spec;
    let (period_seconds, cron, timezone) = match &spec.schedule {
        TaskSchedule::Period { seconds } => (Some(*seconds), None, None),
        TaskSchedule::Cron { expr, timezone } => (None, Some(expr.source().to_owned()), Some(timezone.clone())),
    };
    let root = public_url.as_str().trim_end_matches('/');
    let by_token = format!("{root}/ping/{}", task.token);
    let by_slug = match (&view.ping_key, &spec.slug) {
        (Some(key), Some(slug)) => Some(ping_urls(&format!("{root}/ping/{}/{slug}", key.as_str()))),
        _ => None,
    };
    let status = view.assessment.status;
    Task {
        id: task.id,
        name: spec.name.clone(),
        slug: spec.slug.as_ref().map(|s| s.to_string()),
        period_seconds,
        cron,
        timezone,
        grace_seconds: spec.grace_seconds,
        max_run_seconds: spec.max_run_seconds,
        min_run_seconds: spec.min_run_seconds,
        one_shot: spec.one_shot,
        managed: spec.managed.clone(),
        status,
        status_reason: view.assessment.reason.clone(),
        // Known when the status read now is the one last announced.
        status_since: (state.reported.status == status).then_some(state.reported.since),
        expected_at: view.assessment.expected_at,
        next_deadline_at: view.record.next_deadline,
        last_finish_at: state.last_finish.as_ref().map(|f| f.at),
        running: state.open_runs.len() as u64,
        pings: state.pings,
        ping_urls: ping_urls(&by_token),
        ping_url: by_token,
        slug_ping_urls: by_slug,
        revision: task.revision,
        created_at: task.created_at,
        updated_at: task.updated_at,
    }
}

/// A run.
pub(crate) fn run(view: &RunView) -> Run {
    let run = &view.run;
    Run {
        id: run.id.to_string(),
        state: run.state.as_str().to_owned(),
        rid: run.rid.map(|r| r.to_string()),
        started_at: run.started_at(),
        finished_at: run.finished_at(),
        duration_ms: run.duration().map(|d| d.as_millis() as i64),
        exit_status: run.exit_status(),
        reason: if let RunState::Failed(failed) = &run.state { Some(failed.reason.clone()) } else { None },
        log: view.log.clone(),
    }
}

/// A ping.
pub(crate) fn ping(view: &PingView) -> Ping {
    let ping = &view.ping;
    let (received, truncated) = match &ping.body {
        StoredBody::None => (0, false),
        StoredBody::Inline(body) => (body.received, body.truncated),
        StoredBody::External { received, truncated, .. } => (*received, *truncated),
    };
    Ping {
        id: ping.id.to_string(),
        at: ping.at,
        kind: ping.kind.as_str().to_owned(),
        exit_status: ping.kind.exit_status(),
        rid: ping.rid.map(|r| r.to_string()),
        run_id: ping.run_id.map(|r| r.to_string()),
        method: ping.method.clone(),
        body_bytes_received: received,
        body_truncated: truncated,
        body: view.body.clone(),
    }
}
