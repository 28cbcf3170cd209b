//! JSON views of heartbeat tasks, runs and pings.

use jiff::Timestamp;
use serde::Serialize;
use url::Url;
use vigil_app::tasks::{PingView, RunView, TaskView};
use vigil_domain::heartbeat::{RunState, TaskSchedule};
use vigil_domain::ports::StoredBody;

/// The ping URLs of a task.
#[derive(Debug, Serialize)]
pub(crate) struct PingUrls {
    success: String,
    start: String,
    fail: String,
    log: String,
    exit_status: String,
}

impl PingUrls {
    fn under(base: &str) -> Self {
        Self {
            success: base.to_owned(),
            start: format!("{base}/start"),
            fail: format!("{base}/fail"),
            log: format!("{base}/log"),
            exit_status: format!("{base}/{{exit-status}}"),
        }
    }
}

/// A task.
#[derive(Debug, Serialize)]
pub(crate) struct TaskBody {
    id: String,
    name: String,
    slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cron: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<String>,
    grace_seconds: u32,
    max_run_seconds: Option<u32>,
    min_run_seconds: Option<u32>,
    one_shot: bool,
    status: &'static str,
    status_reason: String,
    status_since: Option<Timestamp>,
    expected_at: Option<Timestamp>,
    next_deadline_at: Option<Timestamp>,
    last_finish_at: Option<Timestamp>,
    running: usize,
    pings: u64,
    ping_url: String,
    ping_urls: PingUrls,
    slug_ping_urls: Option<PingUrls>,
    revision: u64,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl TaskBody {
    pub(crate) fn new(view: &TaskView, public_url: &Url) -> Self {
        let (task, state) = (&view.record.task, &view.record.state);
        let spec = &task.spec;
        let (period_seconds, cron, timezone) = match &spec.schedule {
            TaskSchedule::Period { seconds } => (Some(*seconds), None, None),
            TaskSchedule::Cron { expr, timezone } => (None, Some(expr.source().to_owned()), Some(timezone.clone())),
        };
        let root = public_url.as_str().trim_end_matches('/');
        let by_token = format!("{root}/ping/{}", task.token);
        let by_slug = match (&view.ping_key, &spec.slug) {
            (Some(key), Some(slug)) => Some(PingUrls::under(&format!("{root}/ping/{}/{slug}", key.as_str()))),
            _ => None,
        };
        let status = view.assessment.status;
        Self {
            id: task.id.to_string(),
            name: spec.name.clone(),
            slug: spec.slug.as_ref().map(|s| s.to_string()),
            period_seconds,
            cron,
            timezone,
            grace_seconds: spec.grace_seconds,
            max_run_seconds: spec.max_run_seconds,
            min_run_seconds: spec.min_run_seconds,
            one_shot: spec.one_shot,
            status: status.as_str(),
            status_reason: view.assessment.reason.clone(),
            // Known when the status read now is the one last announced.
            status_since: (state.reported.status == status).then_some(state.reported.since),
            expected_at: view.assessment.expected_at,
            next_deadline_at: view.record.next_deadline,
            last_finish_at: state.last_finish.as_ref().map(|f| f.at),
            running: state.open_runs.len(),
            pings: state.pings,
            ping_urls: PingUrls::under(&by_token),
            ping_url: by_token,
            slug_ping_urls: by_slug,
            revision: task.revision,
            created_at: task.created_at,
            updated_at: task.updated_at,
        }
    }
}

/// A run.
#[derive(Debug, Serialize)]
pub(crate) struct RunBody {
    id: String,
    state: &'static str,
    rid: Option<String>,
    started_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
    duration_ms: Option<i64>,
    exit_status: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    log: Option<String>,
}

impl RunBody {
    pub(crate) fn new(view: &RunView) -> Self {
        let run = &view.run;
        Self {
            id: run.id.to_string(),
            state: run.state.as_str(),
            rid: run.rid.map(|r| r.to_string()),
            started_at: run.started_at(),
            finished_at: run.finished_at(),
            duration_ms: run.duration().map(|d| d.as_millis() as i64),
            exit_status: run.exit_status(),
            reason: if let RunState::Failed(failed) = &run.state { Some(failed.reason.clone()) } else { None },
            log: view.log.clone(),
        }
    }
}

/// A ping.
#[derive(Debug, Serialize)]
pub(crate) struct PingBody {
    id: String,
    at: Timestamp,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_status: Option<u8>,
    rid: Option<String>,
    run_id: Option<String>,
    method: String,
    body_bytes_received: u64,
    body_truncated: bool,
    body: Option<String>,
}

impl PingBody {
    pub(crate) fn new(view: &PingView) -> Self {
        let ping = &view.ping;
        let (received, truncated) = match &ping.body {
            StoredBody::None => (0, false),
            StoredBody::Inline(body) => (body.received, body.truncated),
            StoredBody::External { received, truncated, .. } => (*received, *truncated),
        };
        Self {
            id: ping.id.to_string(),
            at: ping.at,
            kind: ping.kind.as_str(),
            exit_status: ping.kind.exit_status(),
            rid: ping.rid.map(|r| r.to_string()),
            run_id: ping.run_id.map(|r| r.to_string()),
            method: ping.method.clone(),
            body_bytes_received: received,
            body_truncated: truncated,
            body: view.body.clone(),
        }
    }
}
