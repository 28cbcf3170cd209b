//! The overview: the first page after signing in. Counts by status, then every monitor and
//! heartbeat task in one list (status in words and glyph, not colour alone; the bar of the last
//! 50 checks or runs; the response-time or run-duration sparkline; uptime over 24 h, 7 d and
//! 30 d), filtered, searched
//! and sorted by a form that works without script; `?view=wall` is the dense mode for a big
//! screen.

use crate::failure::Failure;
use crate::history::{self, Bar, Group};
use crate::i18n::msg;
use crate::page::{render, see_other};
use crate::run_bar::{duration_sparkline, run_bar};
use crate::shell::{Nav, Shell};
use crate::span;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::needs_set_up;
use vigil_app::status::{Overview, OverviewError, OverviewView, overview};
use vigil_domain::uptime::UptimeWindow;

/// One monitor or task in the list.
pub(crate) struct Row {
    /// Its page.
    pub(crate) href: String,
    /// Its name.
    pub(crate) name: String,
    /// The URL checked, or the task's slug.
    pub(crate) target: String,
    /// "Monitor" or "Heartbeat task".
    pub(crate) kind: String,
    /// Status group, for the glyph, the class and the filter.
    pub(crate) group: Group,
    /// The status in words.
    pub(crate) status: String,
    /// Its tags.
    pub(crate) tags: Vec<String>,
    /// The bar of its newest checks or runs.
    pub(crate) bar: Option<Bar>,
    /// What the bar's column says on a narrow screen ("Last 50 checks", "Last 50 runs").
    pub(crate) bar_column: &'static str,
    /// Sparkline points (two timed checks or runs or more).
    pub(crate) spark: String,
    /// What the sparkline's column says on a narrow screen.
    pub(crate) spark_column: &'static str,
    /// The newest response time or run duration, in words.
    pub(crate) latest: String,
    /// Uptime over 24 h, 7 d and 30 d.
    pub(crate) uptime: [Uptime; 3],
    /// The 24 h uptime, for sorting.
    day_uptime: Option<f64>,
}

/// An uptime figure in words.
pub(crate) struct Uptime {
    /// The percentage, or a dash.
    pub(crate) text: String,
    /// Whether it is counted over only part of its window (a task's runs were not all read).
    pub(crate) partial: bool,
}

/// A status group and how many are in it.
pub(crate) struct GroupCount {
    /// The group.
    pub(crate) group: Group,
    /// Its name.
    pub(crate) label: String,
    /// How many monitors and tasks, for the locale.
    pub(crate) figure: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    shell: Shell,
    counts: Vec<GroupCount>,
    rows: Vec<Row>,
    total: usize,
    shown: String,
    tags: Vec<String>,
    filter: Filter,
    wall: bool,
    may_edit: bool,
    live: String,
    /// Whether tasks are listed too, so that the columns' headings name runs as well as checks.
    with_tasks: bool,
}

/// `?notice=` after a change.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    pub(crate) notice: Option<String>,
}

/// The overview's filters, from its query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Filter {
    /// `?notice=` after a change.
    #[serde(default)]
    pub(crate) notice: Option<String>,
    /// A status group.
    #[serde(default)]
    pub(crate) status: String,
    /// A tag.
    #[serde(default)]
    pub(crate) tag: String,
    /// Words in the name or target.
    #[serde(default)]
    pub(crate) q: String,
    /// `name` (the default), `status` (worst first) or `uptime` (lowest first).
    #[serde(default)]
    pub(crate) sort: String,
    /// `wall` for the dense mode.
    #[serde(default)]
    pub(crate) view: String,
}

impl Filter {
    fn keeps(&self, row: &Row) -> bool {
        let status = Group::parse(&self.status).is_none_or(|g| g == row.group);
        let tag = self.tag.is_empty() || row.tags.contains(&self.tag);
        let needle = self.q.trim().to_lowercase();
        let words = needle.is_empty() || row.name.to_lowercase().contains(&needle) || row.target.to_lowercase().contains(&needle);
        status && tag && words
    }

    fn sort(&self, rows: &mut [Row]) {
        let by_name = |a: &Row, b: &Row| a.name.to_lowercase().cmp(&b.name.to_lowercase());
        match self.sort.as_str() {
            "status" => rows.sort_by(|a, b| a.group.cmp(&b.group).then_with(|| by_name(a, b))),
            "uptime" => rows.sort_by(|a, b| {
                let key = |r: &Row| r.day_uptime.unwrap_or(f64::INFINITY);
                key(a).total_cmp(&key(b)).then_with(|| by_name(a, b))
            }),
            _ => rows.sort_by(by_name),
        }
    }
}

/// The rows of everything in `view`, unfiltered.
pub(crate) fn rows(visitor: &Visitor, view: &OverviewView) -> Vec<Row> {
    let tr = &visitor.tr;
    let monitors = view.monitors.iter().map(|(record, digest)| {
        let monitor = &record.monitor;
        let (group, status) = history::monitor_status(tr, record.health.status);
        let windows = UptimeWindow::ALL.map(|w| digest.counts(w).uptime_percent());
        Row {
            href: visitor.link(&format!("/monitors/{}", monitor.id)),
            name: monitor.spec.name.clone(),
            target: monitor.spec.url.to_string(),
            kind: tr.t(msg("overview.kind_monitor")).to_owned(),
            group,
            status,
            tags: monitor.spec.tags.iter().cloned().collect(),
            bar: Some(history::bar(tr, &digest.recent)),
            bar_column: msg("overview.last_checks"),
            spark: history::sparkline(&history::response_times(&digest.recent)),
            spark_column: msg("overview.response"),
            latest: digest.recent.first().and_then(|c| c.response_time()).map_or_else(String::new, |t| history::milliseconds(tr, t)),
            uptime: windows.map(|p| Uptime { text: history::percent(tr, p), partial: false }),
            day_uptime: windows[0],
        }
    });
    let tasks = view.tasks.iter().map(|(task, digest)| {
        let (group, status) = history::task_status(tr, task.assessment.status);
        let spec = &task.record.task.spec;
        let windows = UptimeWindow::ALL.map(|w| digest.counts(w).uptime_percent());
        let uptime =
            UptimeWindow::ALL.map(|w| Uptime { text: history::percent(tr, digest.counts(w).uptime_percent()), partial: !digest.covers(w) });
        Row {
            href: visitor.link(&format!("/tasks/{}", task.record.task.id)),
            name: spec.name.clone(),
            target: spec.slug.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            kind: tr.t(msg("overview.kind_task")).to_owned(),
            group,
            status,
            tags: Vec::new(),
            bar: Some(run_bar(tr, &digest.recent)),
            bar_column: msg("overview.last_runs"),
            spark: duration_sparkline(&digest.recent),
            spark_column: msg("overview.duration"),
            latest: digest.recent.iter().find_map(|r| r.duration).map_or_else(String::new, |d| span::millis(tr, d.as_millis() as i64)),
            uptime,
            day_uptime: windows[0],
        }
    });
    monitors.chain(tasks).collect()
}

fn failure(visitor: &Visitor, error: OverviewError) -> Failure {
    match error {
        OverviewError::Forbidden(_) => Failure::forbidden(visitor),
        OverviewError::Store(error) => Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error),
    }
}

/// `GET /`: set-up on a fresh installation, the sign-in page for strangers, the overview for
/// members.
pub(crate) async fn show(visitor: Visitor, Query(filter): Query<Filter>) -> Result<Response, Failure> {
    if visitor.member.is_none() && needs_set_up(&visitor.deps).await.map_err(|e| Failure::account(&visitor, e))? {
        return Ok(see_other(&visitor.link("/setup")));
    }
    let shell = Shell::member(&visitor, msg("overview.title"), Nav::Overview).await?.with_notice(filter.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let may_edit = actor.may(vigil_domain::access::Action::EditMonitors);
    let view = overview(&visitor.deps, Overview { actor }, SystemClock::now()).await.map_err(|e| failure(&visitor, e))?;
    let all = rows(&visitor, &view);
    let with_tasks = !view.tasks.is_empty();
    let counts = Group::ALL
        .into_iter()
        .map(|group| {
            let count = all.iter().filter(|r| r.group == group).count();
            GroupCount { group, label: group.label(&visitor.tr), figure: visitor.tr.number(count as i64) }
        })
        .collect();
    let mut tags: Vec<String> = all.iter().flat_map(|r| r.tags.iter().cloned()).collect();
    tags.sort();
    tags.dedup();
    let total = all.len();
    let mut rows: Vec<Row> = all.into_iter().filter(|r| filter.keeps(r)).collect();
    filter.sort(&mut rows);
    let shown = visitor.tr.a2("overview.shown", "shown", visitor.tr.number(rows.len() as i64), "total", visitor.tr.number(total as i64));
    let live = crate::live::mode(&visitor.deps).to_owned();
    let page = OverviewPage { shell, counts, rows, total, shown, tags, wall: filter.view == "wall", filter, may_edit, live, with_tasks };
    Ok(render(&visitor, &page))
}
