//! `GET /hosts/{id}`: one host: what it is and how it is (state, system, last report), charts
//! of its CPU, memory, load, disks and network over an hour, a day or a week, its containers
//! with their state, health and CPU, the rules firing on it, its remote actions with their
//! outcomes (and, for admins, the form to run one), and its latest connections.

use super::charts::{Chart, RANGES, Unit, chart, values};
use super::list::{Figures, NoticeQuery};
use super::shell;
use crate::failure::{Failure, said};
use crate::history::sparkline;
use crate::i18n::{Tr, msg};
use crate::live;
use crate::page::render;
use crate::pages::state_badge::Badge;
use crate::shell::Shell;
use crate::span;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use vigil_app::SystemClock;
use vigil_app::hosts::{get_host, latest_sample, list_actions, list_connections};
use vigil_domain::access::Action;
use vigil_domain::agent::metric::{MetricKey, MetricName};
use vigil_domain::agent::protocol::DisconnectReason;
use vigil_domain::agent::sample::{ContainerHealth, ContainerSample, ContainerState, HostSample};
use vigil_domain::host::{ActionOutcome, ActionRecord, ConnectionEvent, ConnectionKind};
use vigil_domain::ids::AgentId;
use vigil_domain::page::PageRequest;

/// A container's row.
struct ContainerRow {
    name: String,
    image: String,
    state: Badge,
    restarts: u64,
    cpu: String,
    memory: String,
    /// Its CPU over the range, as a sparkline's points.
    trend: String,
}

/// An action's row.
struct ActionRow {
    action: String,
    by: String,
    at: String,
    badge: Badge,
    result: String,
    output: String,
}

#[derive(Template)]
#[template(path = "hosts/host.html")]
struct HostPage {
    shell: Shell,
    id: String,
    badge: Badge,
    facts: Vec<(String, String)>,
    figures: Figures,
    firing: Vec<String>,
    range: String,
    ranges: Vec<(String, String)>,
    charts: Vec<Chart>,
    containers: Option<Vec<ContainerRow>>,
    actions: Vec<ActionRow>,
    action_names: Vec<String>,
    connections: Vec<(String, String)>,
    may_manage: bool,
    revoked: bool,
    live: &'static str,
}

/// `?range=` and `?notice=`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct HostQuery {
    range: Option<String>,
    #[serde(flatten)]
    notice: NoticeQuery,
}

fn container_state(tr: &Tr, c: &ContainerSample) -> Badge {
    let key = match (c.state, c.health) {
        (ContainerState::Running, Some(ContainerHealth::Unhealthy)) => msg("hosts.container.unhealthy"),
        (ContainerState::Running, Some(ContainerHealth::Starting)) => msg("hosts.container.starting"),
        (ContainerState::Running, _) => msg("hosts.container.running"),
        (ContainerState::Paused, _) => msg("hosts.container.paused"),
        (ContainerState::Restarting, _) => msg("hosts.container.restarting"),
        (ContainerState::Created, _) => msg("hosts.container.created"),
        (ContainerState::Removing | ContainerState::Exited | ContainerState::Dead, _) => msg("hosts.container.stopped"),
        (ContainerState::Other, _) => msg("hosts.container.unknown"),
    };
    let (tone, mark) = if c.is_up() {
        ("good", "✓")
    } else if c.state == ContainerState::Running {
        ("warn", "▲")
    } else {
        ("bad", "✕")
    };
    Badge { tone, mark, text: tr.t(key).to_owned() }
}

fn action_row(tr: &Tr, record: &ActionRecord) -> ActionRow {
    let (result, output) = match &record.outcome {
        ActionOutcome::Completed { exit_code, duration_ms, timed_out, output_tail, .. } => {
            let took = span::millis(tr, *duration_ms as i64);
            let result = match (exit_code, timed_out) {
                (_, true) => tr.a(msg("hosts.action.timed_out"), "took", took),
                (Some(code), false) => tr.a2(msg("hosts.action.exited"), "code", code, "took", took),
                (None, false) => tr.a(msg("hosts.action.killed"), "took", took),
            };
            (result, output_tail.clone())
        }
        ActionOutcome::Refused { reason, .. } => (said(tr, &reason.to_string()), String::new()),
        ActionOutcome::Undelivered => (tr.t(msg("hosts.action.not_connected")).to_owned(), String::new()),
        ActionOutcome::Pending => (String::new(), String::new()),
    };
    ActionRow {
        action: record.action.to_string(),
        by: record.requested_by_label.clone(),
        at: tr.datetime(record.requested_at),
        badge: Badge::action(tr, &record.outcome),
        result,
        output,
    }
}

/// Why a connection ended, in words.
fn reason_key(reason: DisconnectReason) -> &'static str {
    match reason {
        DisconnectReason::AgentStopping => msg("hosts.reason.agent_stopping"),
        DisconnectReason::ServerStopping => msg("hosts.reason.server_stopping"),
        DisconnectReason::ConnectionLost => msg("hosts.reason.connection_lost"),
        DisconnectReason::EnrolmentRefused => msg("hosts.reason.enrolment_refused"),
        DisconnectReason::AuthenticationFailed => msg("hosts.reason.authentication_failed"),
        DisconnectReason::CredentialRevoked => msg("hosts.reason.credential_revoked"),
        DisconnectReason::ProtocolError => msg("hosts.reason.protocol_error"),
        DisconnectReason::Superseded => msg("hosts.reason.superseded"),
    }
}

fn connection(tr: &Tr, event: &ConnectionEvent) -> (String, String) {
    let what = match &event.kind {
        ConnectionKind::Connected { agent_version, .. } => tr.a(msg("hosts.connected"), "version", agent_version),
        ConnectionKind::Disconnected { reason, detail, .. } => {
            let why = tr.t(reason_key(*reason)).to_owned();
            match detail {
                Some(detail) => tr.a2(msg("hosts.disconnected_detail"), "why", why, "detail", detail),
                None => tr.a(msg("hosts.disconnected"), "why", why),
            }
        }
    };
    (tr.datetime(event.at), what)
}

/// The charts of the host over `span`: CPU, memory, load, each filesystem, each interface.
async fn charts(visitor: &Visitor, agent: AgentId, sample: Option<&HostSample>, span: jiff::SignedDuration) -> Result<Vec<Chart>, Failure> {
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let mut wanted = vec![
        (MetricName::CpuPercent, None, tr.t(msg("hosts.cpu")).to_owned(), Unit::Percent),
        (MetricName::MemoryUsedPercent, None, tr.t(msg("hosts.memory")).to_owned(), Unit::Percent),
        (MetricName::Load1, None, tr.t(msg("hosts.load")).to_owned(), Unit::Plain),
    ];
    if let Some(sample) = sample {
        for disk in &sample.disks {
            wanted.push((
                MetricName::DiskUsedPercent,
                Some(disk.mount.clone()),
                tr.a(msg("hosts.disk_chart"), "mount", &disk.mount),
                Unit::Percent,
            ));
        }
        // Loopback traffic says nothing about the host's health; four interfaces at most.
        for net in sample.network.iter().filter(|n| n.interface != "lo").take(4) {
            let name = net.interface.clone();
            wanted.push((
                MetricName::NetRxBytesPerSecond,
                Some(name.clone()),
                tr.a(msg("hosts.received"), "interface", &name),
                Unit::BytesPerSecond,
            ));
            wanted.push((
                MetricName::NetTxBytesPerSecond,
                Some(name.clone()),
                tr.a(msg("hosts.sent"), "interface", &name),
                Unit::BytesPerSecond,
            ));
        }
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (name, subject, title, unit) in wanted {
        out.push(chart(visitor, agent, (name, subject.as_deref()), title, unit, span, now).await?);
    }
    Ok(out)
}

async fn container_rows(
    visitor: &Visitor,
    agent: AgentId,
    sample: Option<&HostSample>,
    span: jiff::SignedDuration,
) -> Result<Option<Vec<ContainerRow>>, Failure> {
    let tr = &visitor.tr;
    let Some(containers) = sample.and_then(|s| s.containers.as_ref()) else { return Ok(None) };
    let now = SystemClock::now();
    let mut rows = Vec::with_capacity(containers.len());
    for c in containers {
        let trend = match MetricKey::new(MetricName::ContainerCpuPercent, Some(&c.name)) {
            Ok(metric) => sparkline(&values(visitor, agent, metric, span, now).await?),
            Err(_) => String::new(),
        };
        rows.push(ContainerRow {
            name: c.name.clone(),
            image: c.image.clone(),
            state: container_state(tr, c),
            restarts: c.restart_count,
            cpu: c.cpu_percent.map_or_else(|| "—".to_owned(), |p| super::percent(tr, p)),
            memory: c.memory_bytes.map_or_else(|| "—".to_owned(), |b| super::bytes(tr, b as f64)),
            trend,
        });
    }
    Ok(Some(rows))
}

/// `GET /hosts/{id}`.
pub(crate) async fn show(Path(id): Path<String>, visitor: Visitor, Query(query): Query<HostQuery>) -> Result<Response, Failure> {
    let agent: AgentId = id.parse().map_err(|_| Failure::not_found(&visitor))?;
    let actor = visitor.member()?.actor.clone();
    let view = get_host(&visitor.deps, &actor, agent).await.map_err(|e| Failure::of(&visitor, e))?;
    let shell = shell(&visitor, msg("hosts.title")).await?.with_notice(query.notice.notice.as_deref());
    let shell = Shell { title: view.host.name.clone(), ..shell };
    let tr = &visitor.tr;
    let (range, _, span) = RANGES.iter().find(|(value, _, _)| Some(*value) == query.range.as_deref()).copied().unwrap_or(RANGES[0]);
    let sample = latest_sample(&visitor.deps, &actor, agent).await.map_err(|e| Failure::of(&visitor, e))?;
    let host = &view.host;
    let info = &host.info;
    let never = || tr.t(msg("hosts.never")).to_owned();
    let facts = vec![
        (tr.t(msg("hosts.system")).to_owned(), format!("{} {} ({})", info.os, info.kernel, info.arch)),
        (tr.t(msg("hosts.cores")).to_owned(), tr.number(i64::from(info.cpu_cores))),
        (tr.t(msg("hosts.agent")).to_owned(), info.agent_version.clone()),
        (tr.t(msg("hosts.last_seen")).to_owned(), host.progress.last_seen_at.map_or_else(never, |at| tr.datetime(at))),
        (tr.t(msg("hosts.up_for")).to_owned(), sample.as_ref().map_or_else(never, |s| span::seconds(tr, s.uptime_seconds as i64))),
        (tr.t(msg("hosts.enrolled")).to_owned(), tr.datetime(host.enrolled_at)),
        (
            tr.t(msg("hosts.tags")).to_owned(),
            if host.tags.is_empty() { "—".into() } else { host.tags.iter().cloned().collect::<Vec<_>>().join(", ") },
        ),
    ];
    let history = list_actions(&visitor.deps, &actor, Some(agent), PageRequest { cursor: None, limit: 20 })
        .await
        .map_err(|e| Failure::of(&visitor, e))?;
    let mut action_names: Vec<String> = history.items.iter().map(|a| a.action.to_string()).collect();
    action_names.sort();
    action_names.dedup();
    let connections = list_connections(&visitor.deps, &actor, agent, PageRequest { cursor: None, limit: 10 })
        .await
        .map_err(|e| Failure::of(&visitor, e))?;
    let page = HostPage {
        id: agent.to_string(),
        badge: Badge::host(tr, view.status),
        facts,
        figures: Figures::of(tr, sample.as_ref()),
        firing: view
            .firing
            .iter()
            .map(|(rule, since)| tr.a2(msg("hosts.firing_since"), "rule", &rule.name, "since", tr.datetime(*since)))
            .collect(),
        range: range.to_owned(),
        ranges: RANGES.iter().map(|(value, key, _)| ((*value).to_owned(), tr.t(key).to_owned())).collect(),
        charts: charts(&visitor, agent, sample.as_ref(), span).await?,
        containers: container_rows(&visitor, agent, sample.as_ref(), span).await?,
        actions: history.items.iter().map(|a| action_row(tr, a)).collect(),
        action_names,
        connections: connections.items.iter().map(|e| connection(tr, e)).collect(),
        may_manage: actor.may(Action::ManageHosts),
        revoked: host.revoked_at.is_some(),
        live: live::mode(&visitor.deps),
        shell,
    };
    Ok(render(&visitor, &page))
}
