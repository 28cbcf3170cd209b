//! The small drawings of a monitor's history that lists and pages share: the bar of its newest
//! checks and the response-time sparkline, drawn as SVG geometry on the server (no script, no
//! inline style: colours come from the classes in app.css), and the status groups by which the
//! overview counts and filters.

use crate::i18n::{Tr, msg};
use std::time::Duration;
use vigil_domain::digest::{BriefOutcome, CheckBrief, Counts};
use vigil_domain::heartbeat::TaskStatus;
use vigil_domain::monitor::MonitorStatus;

/// How the overview groups statuses: what it counts and filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Group {
    /// Failing: Down.
    Down,
    /// Not quite either: Suspicious, Recovering, Late.
    Warning,
    /// Passing: Up, Running.
    Up,
    /// Not judged yet: Pending, New.
    Pending,
    /// Not watched: Paused.
    Paused,
}

impl Group {
    /// Every group, worst first.
    pub(crate) const ALL: [Group; 5] = [Group::Down, Group::Warning, Group::Up, Group::Pending, Group::Paused];

    /// The name in URLs and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Group::Down => "down",
            Group::Warning => "warning",
            Group::Up => "up",
            Group::Pending => "pending",
            Group::Paused => "paused",
        }
    }

    /// A group by name.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == name)
    }

    /// The group's name in words.
    pub(crate) fn label(self, tr: &Tr) -> String {
        tr.t(match self {
            Group::Down => msg("overview.group.down"),
            Group::Warning => msg("overview.group.warning"),
            Group::Up => msg("overview.group.up"),
            Group::Pending => msg("overview.group.pending"),
            Group::Paused => msg("overview.group.paused"),
        })
        .to_owned()
    }

    /// A glyph that says the group without colour (beside the status in words).
    pub(crate) fn glyph(self) -> &'static str {
        match self {
            Group::Down => "✕",
            Group::Warning => "!",
            Group::Up => "✓",
            Group::Pending => "…",
            Group::Paused => "‖",
        }
    }
}

/// A monitor's status: its group and its name in words.
pub(crate) fn monitor_status(tr: &Tr, status: MonitorStatus) -> (Group, String) {
    let (group, key) = match status {
        MonitorStatus::Pending => (Group::Pending, msg("status.pending")),
        MonitorStatus::Up => (Group::Up, msg("status.up")),
        MonitorStatus::Suspicious => (Group::Warning, msg("status.suspicious")),
        MonitorStatus::Down => (Group::Down, msg("status.down")),
        MonitorStatus::Recovering => (Group::Warning, msg("status.recovering")),
        MonitorStatus::Paused => (Group::Paused, msg("status.paused")),
    };
    (group, tr.t(key).to_owned())
}

/// A heartbeat task's status: its group and its name in words.
pub(crate) fn task_status(tr: &Tr, status: TaskStatus) -> (Group, String) {
    let (group, key) = match status {
        TaskStatus::New => (Group::Pending, msg("status.new")),
        TaskStatus::Up => (Group::Up, msg("status.up")),
        TaskStatus::Running => (Group::Up, msg("status.running")),
        TaskStatus::Late => (Group::Warning, msg("status.late")),
        TaskStatus::Down => (Group::Down, msg("status.down")),
        TaskStatus::Paused => (Group::Paused, msg("status.paused")),
    };
    (group, tr.t(key).to_owned())
}

/// Width of one check's cell in the bar, gap included.
const CELL: u32 = 4;

/// The checks of one outcome in the bar, drawn as one path of cells: a thousand monitors'
/// overview sends a few paths each, not fifty elements with a tooltip (7 KB a monitor before).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BarPath {
    /// `up`, `down` or `error`.
    pub(crate) class: &'static str,
    /// The cells, each a 3 px wide rectangle at its place.
    pub(crate) d: String,
}

/// The bar of newest checks, oldest on the left, and its text alternative.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bar {
    /// One path per outcome present, in the order up, down, error.
    pub(crate) paths: Vec<BarPath>,
    /// The drawing's width.
    pub(crate) width: u32,
    /// What it shows, in words ("50 checks: 48 up, 2 down").
    pub(crate) label: String,
}

/// The bar of `recent` (newest first, as digests keep them).
pub(crate) fn bar(tr: &Tr, recent: &[CheckBrief]) -> Bar {
    let mut counts = Counts::default();
    let mut paths: Vec<BarPath> = ["up", "down", "error"].into_iter().map(|class| BarPath { class, d: String::new() }).collect();
    for (i, check) in recent.iter().rev().enumerate() {
        let (slot, count) = match check.outcome {
            BriefOutcome::Up => (0, Counts { up: 1, ..Counts::default() }),
            BriefOutcome::Down(_) => (1, Counts { down: 1, ..Counts::default() }),
            BriefOutcome::Error => (2, Counts { errors: 1, ..Counts::default() }),
        };
        counts.add(count);
        paths[slot].d.push_str(&format!("M{} 0h3v16h-3z", i as u32 * CELL));
    }
    paths.retain(|p| !p.d.is_empty());
    let (up, failed) = (tr.number(counts.up as i64), tr.number((counts.down + counts.errors) as i64));
    let label = tr.a2("overview.bar_label", "up", up, "down", failed);
    Bar { width: (recent.len() as u32 * CELL).max(CELL), paths, label }
}

/// The sparkline's size.
pub(crate) const SPARK_WIDTH: u32 = 100;
/// The sparkline's height.
pub(crate) const SPARK_HEIGHT: u32 = 24;

/// The `points` of a polyline through `values` (oldest first), scaled to the sparkline's box
/// from zero to the largest value; empty below two values.
pub(crate) fn sparkline(values: &[f64]) -> String {
    let top = values.iter().copied().fold(f64::MIN_POSITIVE, f64::max);
    polyline(values, SPARK_WIDTH, SPARK_HEIGHT, top)
}

/// The `points` of a polyline through `values` spread over `width`, scaled from zero at the
/// bottom of `height` to `top` one pixel below its top; empty below two values.
pub(crate) fn polyline(values: &[f64], width: u32, height: u32, top: f64) -> String {
    if values.len() < 2 {
        return String::new();
    }
    let top = top.max(f64::MIN_POSITIVE);
    let step = f64::from(width) / (values.len() - 1) as f64;
    let height = f64::from(height);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, height - (v / top).min(1.0) * (height - 2.0) - 1.0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The response times of `recent` (newest first) in milliseconds, oldest first.
pub(crate) fn response_times(recent: &[CheckBrief]) -> Vec<f64> {
    recent.iter().rev().filter_map(|c| c.response_time()).map(|d| d.as_micros() as f64 / 1000.0).collect()
}

/// A duration in milliseconds, for the locale.
pub(crate) fn milliseconds(tr: &Tr, time: Duration) -> String {
    tr.a("overview.ms", "ms", tr.number(time.as_millis() as i64))
}

/// An uptime percentage for the locale, or a dash without any judged check.
pub(crate) fn percent(tr: &Tr, value: Option<f64>) -> String {
    match value {
        Some(p) if p >= 100.0 => tr.a("overview.percent", "value", tr.number(100)),
        // Never round 99.996 up to a perfect 100.
        Some(p) => tr.a("overview.percent", "value", tr.decimal((p * 100.0).floor() / 100.0, 2)),
        None => "—".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use vigil_domain::accounts::Locale;
    use vigil_domain::check::FailureClass;

    fn brief(i: i64, outcome: BriefOutcome, ms: Option<u32>) -> CheckBrief {
        let at = Timestamp::from_second(1_767_225_600 + i * 60).unwrap();
        CheckBrief { planned_at: at, started_at: at, outcome, response_us: ms.map(|m| m * 1000) }
    }

    #[test]
    fn the_bar_runs_oldest_to_newest_and_says_what_it_shows() {
        let tr = Tr::new(Locale::En, "UTC");
        let recent = [
            brief(3, BriefOutcome::Up, Some(80)),
            brief(2, BriefOutcome::Down(FailureClass::Timeout), None),
            brief(1, BriefOutcome::Error, None),
            brief(0, BriefOutcome::Up, Some(1500)),
        ];
        let bar = bar(&tr, &recent);
        let paths: Vec<_> = bar.paths.iter().map(|p| (p.class, p.d.as_str())).collect();
        assert_eq!(paths, [("up", "M0 0h3v16h-3zM12 0h3v16h-3z"), ("down", "M8 0h3v16h-3z"), ("error", "M4 0h3v16h-3z")]);
        assert_eq!(bar.width, 16);
        assert_eq!(bar.label, "Last checks: 2 up, 2 failed");
        assert!(super::bar(&tr, &[]).paths.is_empty());
    }

    #[test]
    fn sparkline_points_scale_to_the_box() {
        let cases: [(&[f64], &str); 4] =
            [(&[], ""), (&[5.0], ""), (&[0.0, 10.0], "0.0,23.0 100.0,1.0"), (&[10.0, 5.0, 10.0], "0.0,1.0 50.0,12.0 100.0,1.0")];
        for (values, want) in cases {
            assert_eq!(sparkline(values), want, "{values:?}");
        }
    }

    #[test]
    fn percentages_never_round_up_to_perfect() {
        let (en, fr) = (Tr::new(Locale::En, "UTC"), Tr::new(Locale::Fr, "UTC"));
        let cases =
            [(Some(100.0), "100 %", "100 %"), (Some(99.996), "99.99 %", "99,99 %"), (Some(50.0), "50.00 %", "50,00 %"), (None, "—", "—")];
        for (value, english, french) in cases {
            assert_eq!(percent(&en, value), english);
            assert_eq!(percent(&fr, value).replace(['\u{202f}', '\u{a0}'], " "), french);
        }
    }

    #[test]
    fn every_status_has_a_group_and_words() {
        let tr = Tr::new(Locale::En, "UTC");
        assert_eq!(monitor_status(&tr, MonitorStatus::Suspicious), (Group::Warning, "Suspicious".to_owned()));
        assert_eq!(task_status(&tr, TaskStatus::Late), (Group::Warning, "Late".to_owned()));
        for group in Group::ALL {
            assert_eq!(Group::parse(group.as_str()), Some(group));
        }
    }
}
