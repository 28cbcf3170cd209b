//! A monitor's page: its status and settings, response time over 1 h / 24 h / 7 d / 30 d with
//! p50 / p95 / p99 and the mean of each phase, a chart of the chosen range, ninety days of daily
//! uptime (each day a stop of the keyboard that says its figure), transitions and incidents,
//! recent checks with their failure class and kept artefact, the certificate's expiry; and its
//! actions: check now, pause, resume, edit, clone, delete (confirmed).

use super::check_result::{CheckResultFragment, wants_fragment};
use super::sign_in::Empty;
use crate::failure::Failure;
use crate::history::{self, Group};
use crate::i18n::{Tr, msg};
use crate::page::{html, render, see_other};
use crate::shell::{Nav, Shell};
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;
use vigil_app::SystemClock;
use vigil_app::checks::{ListChecks, TriggerCheck, list_checks, trigger_check};
use vigil_app::incidents::{ListIncidents, list_incidents};
use vigil_app::monitors::{
    DeleteMonitor, GetMonitor, PauseMonitor, ResumeMonitor, delete_monitor, get_monitor, pause_monitor, resume_monitor,
};
use vigil_app::status::{HISTORY_DAYS, ListTransitions, MonitorHistory, list_transitions, monitor_history};
use vigil_domain::access::Action;
use vigil_domain::check::{CheckOutcome, FailureClass};
use vigil_domain::digest::Counts;
use vigil_domain::ids::MonitorId;
use vigil_domain::incident::{IncidentStatus, IncidentSubject};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::IncidentQuery;
use vigil_domain::uptime::CheckTally;

/// Response time over one window.
struct Window {
    name: String,
    p50: String,
    p95: String,
    p99: String,
    uptime: String,
    phases: [String; 4],
}

/// One day of the ninety-day bar.
struct Day {
    class: &'static str,
    say: String,
}

/// A recent check's row.
struct CheckRow {
    at: String,
    group: Group,
    outcome: String,
    class: String,
    message: String,
    code: String,
    time: String,
    artefact: Option<String>,
}

/// A transition or an incident, in one time line.
struct Event {
    at: String,
    text: String,
    href: Option<String>,
}

/// A line of the chart.
struct Line {
    class: &'static str,
    points: String,
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    shell: Shell,
    id: String,
    name: String,
    url: String,
    method: String,
    interval: String,
    tags: Vec<String>,
    group: Group,
    status: String,
    since: String,
    paused: bool,
    may_edit: bool,
    windows: Vec<Window>,
    range: &'static str,
    ranges: Vec<(&'static str, String)>,
    lines: Vec<Line>,
    chart_top: String,
    days: Vec<Day>,
    days_label: String,
    checks: Vec<CheckRow>,
    events: Vec<Event>,
    certificate: Option<String>,
    live: String,
}

/// `?range=` and `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MonitorQuery {
    #[serde(default)]
    range: String,
    #[serde(default)]
    notice: Option<String>,
}

const CHART_WIDTH: u32 = 600;
const CHART_HEIGHT: u32 = 120;
const RANGES: [(&str, i64); 4] = [("1h", 1), ("24h", 24), ("7d", 24 * 7), ("30d", 24 * 30)];

fn ms(duration: Option<Duration>) -> f64 {
    duration.map_or(0.0, |d| d.as_micros() as f64 / 1000.0)
}

fn figure(tr: &Tr, duration: Option<Duration>) -> String {
    duration.map_or_else(|| "—".to_owned(), |d| history::milliseconds(tr, d))
}

/// The words of a failure class.
pub(crate) fn failure_class(tr: &Tr, class: FailureClass) -> String {
    tr.t(match class {
        FailureClass::Dns => msg("failure.dns"),
        FailureClass::ConnectionRefused => msg("failure.connection_refused"),
        FailureClass::Connect => msg("failure.connect"),
        FailureClass::Timeout => msg("failure.timeout"),
        FailureClass::Tls => msg("failure.tls"),
        FailureClass::Blocked => msg("failure.blocked"),
        FailureClass::Protocol => msg("failure.protocol"),
        FailureClass::BadStatus => msg("failure.bad_status"),
        FailureClass::AssertionFailed => msg("failure.assertion_failed"),
        FailureClass::BodyTooLarge => msg("failure.body_too_large"),
    })
    .to_owned()
}

fn window(tr: &Tr, name: &str, tally: &CheckTally) -> Window {
    let q = |p: f64| figure(tr, tally.latency.quantile(p));
    let phases = &tally.phases;
    Window {
        name: tr.t(name).to_owned(),
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        uptime: history::percent(tr, Counts::from(tally).uptime_percent()),
        phases: [phases.dns, phases.connect, phases.tls, phases.first_byte].map(|p| figure(tr, p.mean())),
    }
}

/// Ninety days ending today in the reader's zone, each with its counts.
fn days(tr: &Tr, hours: &[(Timestamp, CheckTally)], now: Timestamp) -> Vec<Day> {
    let mut by_day: BTreeMap<jiff::civil::Date, Counts> = BTreeMap::new();
    for (hour, tally) in hours {
        by_day.entry(hour.to_zoned_datetime(tr.zone().clone()).date()).or_default().add(Counts::from(tally));
    }
    let today = now.to_zoned_datetime(tr.zone().clone()).date();
    (0..HISTORY_DAYS)
        .rev()
        .filter_map(|back| today.checked_sub(jiff::Span::new().days(back)).ok())
        .map(|date| {
            let counts = by_day.get(&date).copied().unwrap_or_default();
            let uptime = counts.uptime_percent();
            let class = match uptime {
                None => "none",
                Some(p) if p >= 100.0 => "up",
                Some(p) if p >= 99.0 => "warning",
                Some(_) => "down",
            };
            let day = date
                .to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(tr.zone().clone())
                .map(|z| tr.date(z.timestamp()))
                .unwrap_or_else(|_| date.to_string());
            let say = match uptime {
                Some(_) => tr.a2("monitor.day_uptime", "day", day, "uptime", history::percent(tr, uptime)),
                None => tr.a("monitor.day_none", "day", day),
            };
            Day { class, say }
        })
        .collect()
}

fn monitor_id(visitor: &Visitor, id: &str) -> Result<MonitorId, Failure> {
    id.parse().map_err(|_| Failure::not_found(visitor))
}

fn internal(visitor: &Visitor, error: impl std::fmt::Display) -> Failure {
    Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error)
}

/// What a monitor use case's error shows.
macro_rules! refused {
    ($visitor:expr, $error:expr, $kind:path) => {{
        use $kind as E;
        match $error {
            E::Forbidden(_) => Failure::forbidden($visitor),
            E::NotFound => Failure::not_found($visitor),
            other => internal($visitor, other),
        }
    }};
}

/// `GET /monitors/{id}`.
pub(crate) async fn show(visitor: Visitor, Path(id): Path<String>, Query(query): Query<MonitorQuery>) -> Result<Response, Failure> {
    let id = monitor_id(&visitor, &id)?;
    let shell = Shell::member(&visitor, msg("monitor.title"), Nav::Overview).await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let view = get_monitor(&visitor.deps, GetMonitor { actor: actor.clone(), monitor_id: id }, now)
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::monitors::GetMonitorError))?;
    let history = monitor_history(&visitor.deps, MonitorHistory { actor: actor.clone(), monitor_id: id }, now)
        .await
        .map_err(|e| internal(&visitor, e))?;
    let recent =
        list_checks(&visitor.deps, ListChecks { actor: actor.clone(), monitor_id: id, page: PageRequest { cursor: None, limit: 60 } }, now)
            .await
            .map_err(|e| internal(&visitor, e))?
            .items;
    let transitions = list_transitions(
        &visitor.deps,
        ListTransitions { actor: actor.clone(), monitor_id: id, page: PageRequest { cursor: None, limit: 20 } },
        now,
    )
    .await
    .map_err(|e| internal(&visitor, e))?
    .items;
    let incident_query = IncidentQuery {
        status: None,
        subject: Some(IncidentSubject::Monitor(id)),
        opened_from: None,
        opened_before: None,
        page: PageRequest { cursor: None, limit: 20 },
    };
    let incidents = list_incidents(&visitor.deps, ListIncidents { actor: actor.clone(), query: incident_query }, now)
        .await
        .map_err(|e| internal(&visitor, e))?
        .items;

    let record = &view.record;
    let spec = &record.monitor.spec;
    let (group, status) = history::monitor_status(tr, record.health.status);
    let names = [msg("monitor.window_1h"), msg("monitor.window_24h"), msg("monitor.window_7d"), msg("monitor.window_30d")];
    let windows = names.iter().zip(&history.windows).map(|(name, tally)| window(tr, name, tally)).collect();

    let range = RANGES.iter().find(|(name, _)| *name == query.range).copied().unwrap_or(RANGES[1]);
    let since = now - SignedDuration::from_hours(range.1);
    let hours: Vec<&CheckTally> =
        history.hours.iter().filter(|(at, _)| *at >= since).map(|(_, t)| t).filter(|t| t.latency.count > 0).collect();
    // An hour's percentiles need hours; over the last hour, or with one hour of checks, the
    // chart draws each check instead.
    let (lines, top) = if range.0 == "1h" || hours.len() < 2 {
        let values: Vec<f64> =
            recent.iter().rev().filter(|c| c.started_at >= since && c.status_code.is_some()).map(|c| ms(Some(c.timings.total))).collect();
        let top = values.iter().copied().fold(0.0, f64::max);
        (vec![Line { class: "p50", points: history::polyline(&values, CHART_WIDTH, CHART_HEIGHT, top) }], top)
    } else {
        let series = |q: f64| hours.iter().map(|t| ms(t.latency.quantile(q))).collect::<Vec<f64>>();
        let (p50, p95, p99) = (series(0.5), series(0.95), series(0.99));
        let top = p99.iter().copied().fold(0.0, f64::max);
        let line = |class, values: &[f64]| Line { class, points: history::polyline(values, CHART_WIDTH, CHART_HEIGHT, top) };
        (vec![line("p50", &p50), line("p95", &p95), line("p99", &p99)], top)
    };

    let base = visitor.link(&format!("/v1/monitors/{id}/checks/"));
    let checks = recent
        .iter()
        .take(20)
        .map(|check| {
            let (group, outcome, class, message) = match &check.outcome {
                CheckOutcome::Up => (Group::Up, tr.t(msg("overview.check_up")).to_owned(), String::new(), String::new()),
                CheckOutcome::Down { failure } => {
                    (Group::Down, tr.t(msg("overview.check_down")).to_owned(), failure_class(tr, failure.class), failure.message.clone())
                }
                CheckOutcome::Error { message } => {
                    (Group::Pending, tr.t(msg("overview.check_error")).to_owned(), String::new(), message.clone())
                }
            };
            CheckRow {
                at: tr.datetime(check.started_at),
                group,
                outcome,
                class,
                message,
                code: check.status_code.map(|c| c.to_string()).unwrap_or_default(),
                time: check.status_code.map(|_| history::milliseconds(tr, check.timings.total)).unwrap_or_default(),
                artefact: matches!(check.outcome, CheckOutcome::Down { .. }).then(|| format!("{base}{}", check.id)),
            }
        })
        .collect();

    let mut timeline: Vec<(Timestamp, Event)> = transitions
        .iter()
        .map(|t| {
            let (from, to) = (history::monitor_status(tr, t.from).1, history::monitor_status(tr, t.to).1);
            (t.at, Event { at: tr.datetime(t.at), text: tr.a2("monitor.transition", "from", from, "to", to), href: None })
        })
        .collect();
    for incident in &incidents {
        let core = incident.core();
        let key = match incident.status() {
            IncidentStatus::Open => msg("monitor.incident_open"),
            IncidentStatus::Acknowledged => msg("monitor.incident_acknowledged"),
            IncidentStatus::Resolved => msg("monitor.incident_resolved"),
        };
        let href = Some(visitor.link(&format!("/incidents/{}", core.id)));
        timeline.push((core.opened_at, Event { at: tr.datetime(core.opened_at), text: tr.t(key).to_owned(), href }));
    }
    timeline.sort_by_key(|event| std::cmp::Reverse(event.0));

    let certificate = view.last_check.as_ref().and_then(|c| c.certificate_expires_at).map(|at| {
        let days = (at - now).as_secs().div_euclid(86_400);
        tr.a2("monitor.certificate", "date", tr.date(at), "days", tr.number(days))
    });
    let ranges = RANGES.iter().zip(names).map(|((r, _), name)| (*r, tr.t(name).to_owned())).collect();
    let page = MonitorPage {
        id: id.to_string(),
        name: spec.name.clone(),
        url: spec.url.to_string(),
        method: spec.method.to_string(),
        interval: tr.a("monitor.every", "seconds", tr.number(i64::from(spec.interval.seconds()))),
        tags: spec.tags.iter().cloned().collect(),
        group,
        status,
        since: tr.datetime(record.health.since),
        paused: record.health.status == vigil_domain::monitor::MonitorStatus::Paused,
        may_edit: actor.may(Action::EditMonitors),
        windows,
        range: range.0,
        ranges,
        lines,
        chart_top: history::milliseconds(tr, Duration::from_micros((top * 1000.0) as u64)),
        days: days(tr, &history.hours, now),
        days_label: tr.a("monitor.days_label", "days", HISTORY_DAYS),
        checks,
        events: timeline.into_iter().map(|(_, e)| e).take(20).collect(),
        certificate,
        live: crate::live::mode(&visitor.deps).to_owned(),
        shell: Shell { title: spec.name.clone(), ..shell },
    };
    Ok(render(&visitor, &page))
}

/// `POST /monitors/{id}/check`: one check now; the page comes back with it at the top, or,
/// asked by the page's script, what it found as a fragment ([`CheckResultFragment`]).
pub(crate) async fn check_now(Path(id): Path<String>, headers: HeaderMap, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let id = monitor_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    let now = SystemClock::now();
    let run = trigger_check(&visitor.deps, TriggerCheck { actor: actor.clone(), monitor_id: id }, now)
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::checks::TriggerCheckError))?;
    if !wants_fragment(&headers) {
        return Ok(see_other(&visitor.link(&format!("/monitors/{id}?notice=checked#checks"))));
    }
    let view = get_monitor(&visitor.deps, GetMonitor { actor, monitor_id: id }, now)
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::monitors::GetMonitorError))?;
    let mut response = html(&CheckResultFragment::of(&visitor.tr, &view.record.monitor.spec, &run));
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// `POST /monitors/{id}/pause`.
pub(crate) async fn pause(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let id = monitor_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    pause_monitor(&visitor.deps, PauseMonitor { actor, monitor_id: id }, SystemClock::now())
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::monitors::PauseMonitorError))?;
    Ok(see_other(&visitor.link(&format!("/monitors/{id}?notice=paused"))))
}

/// `POST /monitors/{id}/resume`.
pub(crate) async fn resume(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let id = monitor_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    resume_monitor(&visitor.deps, ResumeMonitor { actor, monitor_id: id }, SystemClock::now())
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::monitors::ResumeMonitorError))?;
    Ok(see_other(&visitor.link(&format!("/monitors/{id}?notice=resumed"))))
}

/// `POST /monitors/{id}/delete` (the form asks to confirm first).
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let id = monitor_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    delete_monitor(&visitor.deps, DeleteMonitor { actor, monitor_id: id }, SystemClock::now())
        .await
        .map_err(|e| refused!(&visitor, e, vigil_app::monitors::DeleteMonitorError))?;
    Ok(see_other(&visitor.link("/?notice=monitor_deleted")))
}
