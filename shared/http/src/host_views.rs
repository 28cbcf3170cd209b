//! Hosts, rules, actions, connection events and metrics as the API shows them.

use vigil_api::{ConnectionEvent, FiringRule, Host, HostAction, HostInfo, HostRule, RuleOnHost, Series, SeriesPoint};
use vigil_app::hosts::{HostView, RuleView, SeriesResolution};
use vigil_domain::agent::metric::{MetricKey, MetricName};
use vigil_domain::agent::protocol::HostInfo as Info;
use vigil_domain::agent::rollup::Resolution;
use vigil_domain::agent::rule::{Direction, RuleCondition, RuleStatus};
use vigil_domain::host::rule::describe;
use vigil_domain::host::{ActionOutcome, ActionRecord, ConnectionEvent as Event, ConnectionKind, Enrolment};

fn info(info: &Info) -> HostInfo {
    HostInfo {
        hostname: info.hostname.clone(),
        os: info.os.clone(),
        kernel: info.kernel.clone(),
        arch: info.arch.clone(),
        cpu_cores: info.cpu_cores,
        agent_version: info.agent_version.clone(),
    }
}

/// A host.
pub(crate) fn host(view: &HostView) -> Host {
    let h = &view.host;
    Host {
        id: h.id,
        name: h.name.clone(),
        tags: h.tags.iter().cloned().collect(),
        status: view.status,
        info: info(&h.info),
        enrolled_at: h.enrolled_at,
        revoked_at: h.revoked_at,
        last_seen_at: h.progress.last_seen_at,
        last_sample_at: h.progress.last_sample_at,
        acked_through: h.progress.acked_through,
        dropped_total: h.progress.dropped_total,
        firing: view
            .firing
            .iter()
            .map(|(rule, since)| FiringRule { rule_id: rule.id, name: rule.name.clone(), silence: rule.is_silence(), since: *since })
            .collect(),
    }
}

/// An enrolment, with its token when it was just made.
pub(crate) fn enrolment(e: &Enrolment, token: Option<String>) -> vigil_api::Enrolment {
    vigil_api::Enrolment {
        id: e.id,
        name: e.name.clone(),
        tags: e.tags.iter().cloned().collect(),
        silent_after_seconds: e.silent_after_seconds,
        created_at: e.created_at,
        expires_at: e.expires_at,
        created_by: e.created_by.clone(),
        token,
    }
}

/// A rule with its state on each host.
pub(crate) fn rule(view: &RuleView) -> HostRule {
    let rule = &view.rule;
    let mut out = HostRule {
        id: rule.id,
        name: rule.name.clone(),
        host: rule.host,
        kind: String::new(),
        metric: None,
        direction: None,
        open_at: None,
        resolve_at: None,
        window_seconds: None,
        silent_seconds: None,
        description: describe(&rule.condition),
        created_at: rule.created_at,
        created_by: rule.created_by.clone(),
        hosts: view
            .hosts
            .iter()
            .map(|(id, name, state)| RuleOnHost {
                host_id: *id,
                host_name: name.clone(),
                status: if state.status == RuleStatus::Firing { "firing" } else { "clear" }.into(),
                since: state.since,
            })
            .collect(),
    };
    match &rule.condition {
        RuleCondition::Threshold(threshold) => {
            let container = threshold.metric().name() == MetricName::ContainerDown;
            out.kind = if container { "container" } else { "threshold" }.into();
            out.metric = Some(threshold.metric().to_string());
            out.direction = Some(if threshold.direction() == Direction::Above { "above" } else { "below" }.into());
            out.open_at = Some(threshold.open_at());
            out.resolve_at = threshold.resolve_at();
            out.window_seconds = Some(threshold.window().as_secs().max(0) as u64);
        }
        RuleCondition::Silent(silence) => {
            out.kind = "silence".into();
            out.silent_seconds = Some(silence.after().as_secs().max(0) as u64);
        }
    }
    out
}

/// An action request and its outcome.
pub(crate) fn action(record: &ActionRecord) -> HostAction {
    let mut out = HostAction {
        id: record.id,
        host_id: record.agent_id,
        host_name: record.host_name.clone(),
        action: record.action.to_string(),
        requested_by: record.requested_by_label.clone(),
        requested_at: record.requested_at,
        expires_at: record.expires_at,
        status: record.outcome.as_str().into(),
        answered_at: None,
        exit_code: None,
        duration_ms: None,
        timed_out: None,
        output_tail: None,
        output_dropped_bytes: None,
        refusal: None,
        refusal_detail: None,
    };
    match &record.outcome {
        ActionOutcome::Completed { received_at, duration_ms, exit_code, timed_out, output_tail, output_dropped_bytes, .. } => {
            out.answered_at = Some(*received_at);
            out.exit_code = *exit_code;
            out.duration_ms = Some(*duration_ms);
            out.timed_out = Some(*timed_out);
            out.output_tail = Some(output_tail.clone());
            out.output_dropped_bytes = Some(*output_dropped_bytes);
        }
        ActionOutcome::Refused { received_at, reason } => {
            out.answered_at = Some(*received_at);
            out.refusal = serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_owned));
            out.refusal_detail = Some(reason.to_string());
        }
        ActionOutcome::Pending | ActionOutcome::Undelivered => {}
    }
    out
}

/// A connection event.
pub(crate) fn connection(event: &Event) -> ConnectionEvent {
    let mut out = ConnectionEvent {
        id: event.id,
        at: event.at,
        kind: String::new(),
        address: None,
        agent_version: None,
        reason: None,
        detail: None,
        seen_by: None,
    };
    match &event.kind {
        ConnectionKind::Connected { address, agent_version } => {
            out.kind = "connected".into();
            out.address = address.clone();
            out.agent_version = Some(agent_version.clone());
        }
        ConnectionKind::Disconnected { reason, detail, seen_by } => {
            out.kind = "disconnected".into();
            out.reason = serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_owned));
            out.detail = detail.clone();
            out.seen_by = serde_json::to_value(seen_by).ok().and_then(|v| v.as_str().map(str::to_owned));
        }
    }
    out
}

/// The name of a resolution in the API.
pub(crate) fn resolution_name(resolution: SeriesResolution) -> &'static str {
    match resolution {
        SeriesResolution::Raw => "raw",
        SeriesResolution::Rolled(Resolution::Minute) => "minute",
        SeriesResolution::Rolled(Resolution::Hour) => "hour",
    }
}

/// A series.
pub(crate) fn series(metric: &MetricKey, series: &vigil_app::hosts::Series) -> Series {
    Series {
        metric: metric.to_string(),
        resolution: resolution_name(series.resolution).into(),
        points: series
            .points
            .iter()
            .map(|p| SeriesPoint {
                at: p.at,
                count: p.summary.count,
                mean: p.summary.mean(),
                min: p.summary.min,
                max: p.summary.max,
                last: p.summary.last,
            })
            .collect(),
    }
}
