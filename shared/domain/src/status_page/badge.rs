//! Badges: small SVG pictures of a monitor's, task's or component's status, uptime or response
//! time, addressed by an unguessable token (never the monitor's id), and the same facts as a
//! Shields.io endpoint document.

use super::component::ComponentStatus;
use crate::ids::{BadgeId, ComponentId, MonitorId, StatusPageId, TaskId, TenantId};
use crate::notify::{InvalidInput, Problems};
use crate::uptime::UptimeWindow;
use crate::xml::escape as xml;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt::Write as _;

/// What a badge shows the state of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BadgeTarget {
    /// A monitor.
    Monitor {
        /// Which.
        id: MonitorId,
    },
    /// A heartbeat task.
    Task {
        /// Which.
        id: TaskId,
    },
    /// A component of a status page.
    Component {
        /// The page.
        page_id: StatusPageId,
        /// The component.
        id: ComponentId,
    },
}

/// A badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    /// Identity.
    pub id: BadgeId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The token in its URLs: 256 random bits, unique across the installation.
    pub token: String,
    /// What it shows.
    pub target: BadgeTarget,
    /// The text on its left, instead of the kind's own (`status`, `uptime 24h`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
}

/// A badge as an editor asks for it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({"target": "monitor", "id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "label": "API"})))]
#[serde(deny_unknown_fields)]
pub struct BadgeDraft {
    /// `monitor`, `task` or `component`.
    pub target: String,
    /// The monitor's, task's or component's id.
    pub id: String,
    /// The page, for a component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// The text on the badge's left (at most 40 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl BadgeDraft {
    /// Validates the draft: (target, label). Whether the target exists is the use case's to check.
    pub fn validate(self) -> Result<(BadgeTarget, Option<String>), InvalidInput> {
        let mut problems = Problems::default();
        let id = self.id.trim().parse::<uuid::Uuid>().map_err(|_| problems.add("id", format!("`{}` is not an id", self.id))).ok();
        let target = match (self.target.trim(), id) {
            ("monitor", Some(id)) => Some(BadgeTarget::Monitor { id: MonitorId::from_uuid(id) }),
            ("task", Some(id)) => Some(BadgeTarget::Task { id: TaskId::from_uuid(id) }),
            ("component", id) => match self.page_id.as_deref().map(|p| p.trim().parse::<StatusPageId>()) {
                Some(Ok(page_id)) => id.map(|id| BadgeTarget::Component { page_id, id: ComponentId::from_uuid(id) }),
                Some(Err(_)) => {
                    problems.add("page_id", "is not a status page id");
                    None
                }
                None => {
                    problems.add("page_id", "is required for a component");
                    None
                }
            },
            ("monitor" | "task", None) => None,
            (other, _) => {
                problems.add("target", format!("`{other}` is not one of monitor, task, component"));
                None
            }
        };
        let label = self.label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
        if label.as_ref().is_some_and(|l| l.chars().count() > 40) {
            problems.add("label", "must be at most 40 characters");
        }
        problems.finish(|| (target.expect("a target when there is no problem"), label))
    }
}

/// Which picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BadgeKind {
    /// The state now.
    Status,
    /// Uptime over a window.
    Uptime(UptimeWindow),
    /// Mean response time over the last 24 hours (a task: its last run's duration).
    ResponseTime,
}

impl BadgeKind {
    /// Every kind.
    pub const ALL: [BadgeKind; 5] = [
        BadgeKind::Status,
        BadgeKind::Uptime(UptimeWindow::Day),
        BadgeKind::Uptime(UptimeWindow::Week),
        BadgeKind::Uptime(UptimeWindow::Month),
        BadgeKind::ResponseTime,
    ];

    /// The name in URLs: `status`, `uptime-24h`, `uptime-7d`, `uptime-30d`, `response-time`.
    pub const fn as_str(self) -> &'static str {
        match self {
            BadgeKind::Status => "status",
            BadgeKind::Uptime(UptimeWindow::Day) => "uptime-24h",
            BadgeKind::Uptime(UptimeWindow::Week) => "uptime-7d",
            BadgeKind::Uptime(UptimeWindow::Month) => "uptime-30d",
            BadgeKind::ResponseTime => "response-time",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    fn default_label(self) -> &'static str {
        match self {
            BadgeKind::Status => "status",
            BadgeKind::Uptime(UptimeWindow::Day) => "uptime 24h",
            BadgeKind::Uptime(UptimeWindow::Week) => "uptime 7d",
            BadgeKind::Uptime(UptimeWindow::Month) => "uptime 30d",
            BadgeKind::ResponseTime => "response time",
        }
    }
}

/// The state a badge shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFigure {
    /// A component state.
    Known(ComponentStatus),
    /// Not watched, by request.
    Paused,
    /// Nothing known yet.
    Unknown,
}

/// The figures behind a target's badges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadgeFigures {
    /// The state now.
    pub status: StatusFigure,
    /// Uptime (percent) over 24 hours, 7 days and 30 days.
    pub uptime: [Option<f64>; 3],
    /// Response time in milliseconds.
    pub response_ms: Option<f64>,
}

/// What one badge says: its two texts and colour (a Shields.io colour name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadgeFace {
    /// The left text.
    pub label: String,
    /// The right text.
    pub message: String,
    /// The right side's colour.
    pub colour: &'static str,
}

/// `percent` with two decimals, without trailing zeros beyond one (`99.95%`, `100%`).
fn percent(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

impl BadgeFigures {
    /// The face of the `kind` badge, labelled `label` or the kind's own label.
    pub fn face(&self, kind: BadgeKind, label: Option<&str>) -> BadgeFace {
        let label = label.unwrap_or(kind.default_label()).to_owned();
        let (message, colour) = match kind {
            BadgeKind::Status => match self.status {
                StatusFigure::Known(status) => (
                    status.as_str().replace('_', " "),
                    match status {
                        ComponentStatus::Operational => "brightgreen",
                        ComponentStatus::UnderMaintenance => "blue",
                        ComponentStatus::DegradedPerformance => "yellow",
                        ComponentStatus::PartialOutage => "orange",
                        ComponentStatus::MajorOutage => "red",
                    },
                ),
                StatusFigure::Paused => ("paused".to_owned(), "lightgrey"),
                StatusFigure::Unknown => ("unknown".to_owned(), "lightgrey"),
            },
            BadgeKind::Uptime(window) => {
                let value = self.uptime[UptimeWindow::ALL.iter().position(|w| *w == window).unwrap_or(0)];
                match value {
                    Some(u) => (
                        percent(u),
                        match u {
                            u if u >= 99.9 => "brightgreen",
                            u if u >= 99.0 => "green",
                            u if u >= 97.0 => "yellow",
                            u if u >= 95.0 => "orange",
                            _ => "red",
                        },
                    ),
                    None => ("no data".to_owned(), "lightgrey"),
                }
            }
            BadgeKind::ResponseTime => match self.response_ms {
                Some(ms) => (
                    if ms >= 10_000.0 { format!("{:.1} s", ms / 1000.0) } else { format!("{} ms", ms.round() as i64) },
                    match ms {
                        ms if ms < 300.0 => "brightgreen",
                        ms if ms < 800.0 => "green",
                        ms if ms < 2000.0 => "yellow",
                        _ => "orange",
                    },
                ),
                None => ("no data".to_owned(), "lightgrey"),
            },
        };
        BadgeFace { label, message, colour }
    }
}

/// The hex value of a Shields.io colour name.
fn hex(colour: &str) -> &'static str {
    match colour {
        "brightgreen" => "#4c1",
        "green" => "#97ca00",
        "yellow" => "#dfb317",
        "orange" => "#fe7d37",
        "red" => "#e05d44",
        "blue" => "#007ec6",
        _ => "#9f9f9f",
    }
}

/// Roughly how wide `text` is in 11 px Verdana, in pixels (badges size themselves by it).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' => 3.5,
            ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' => 4.6,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 10.5,
            c if c.is_ascii_uppercase() => 7.6,
            c if c.is_ascii_digit() => 7.0,
            c if c.is_ascii() => 6.6,
            _ => 8.0,
        })
        .sum()
}

impl BadgeFace {
    /// The badge as a flat SVG, 20 px high, readable by screen readers (`role="img"`, a title).
    pub fn svg(&self) -> String {
        let left = (text_width(&self.label) + 10.0).round();
        let right = (text_width(&self.message) + 10.0).round();
        let width = left + right;
        let (label, message) = (xml(&self.label), xml(&self.message));
        let mut svg = String::with_capacity(1200);
        let _ = write!(
            svg,
            concat!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{l}: {m}">"##,
                r##"<title>{l}: {m}</title>"##,
                r##"<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>"##,
                r##"<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>"##,
                r##"<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{rw}" height="20" fill="{c}"/><rect width="{w}" height="20" fill="url(#s)"/></g>"##,
                r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">"##,
                r##"<text x="{lx}" y="15" fill="#010101" fill-opacity=".3">{l}</text><text x="{lx}" y="14">{l}</text>"##,
                r##"<text x="{mx}" y="15" fill="#010101" fill-opacity=".3">{m}</text><text x="{mx}" y="14">{m}</text>"##,
                r##"</g></svg>"##
            ),
            w = width,
            lw = left,
            rw = right,
            lx = left / 2.0,
            mx = left + right / 2.0,
            c = hex(self.colour),
            l = label,
            m = message,
        );
        svg
    }

    /// The Shields.io endpoint document (<https://shields.io/badges/endpoint-badge>).
    pub fn shields(&self) -> serde_json::Value {
        json!({"schemaVersion": 1, "label": self.label, "message": self.message, "color": self.colour})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_say_the_figure_in_its_colour() {
        let figures = BadgeFigures {
            status: StatusFigure::Known(ComponentStatus::PartialOutage),
            uptime: [Some(99.95), Some(100.0), None],
            response_ms: Some(123.4),
        };
        let cases = [
            (BadgeKind::Status, None, "status", "partial outage", "orange"),
            (BadgeKind::Uptime(UptimeWindow::Day), None, "uptime 24h", "99.95%", "brightgreen"),
            (BadgeKind::Uptime(UptimeWindow::Week), Some("API"), "API", "100%", "brightgreen"),
            (BadgeKind::Uptime(UptimeWindow::Month), None, "uptime 30d", "no data", "lightgrey"),
            (BadgeKind::ResponseTime, None, "response time", "123 ms", "brightgreen"),
        ];
        for (kind, label, want_label, want_message, want_colour) in cases {
            let face = figures.face(kind, label);
            assert_eq!((face.label.as_str(), face.message.as_str(), face.colour), (want_label, want_message, want_colour), "{kind:?}");
        }
        assert_eq!(BadgeFigures { status: StatusFigure::Paused, ..figures }.face(BadgeKind::Status, None).message, "paused");
        assert_eq!(percent(97.0), "97%");
        assert_eq!(percent(99.456), "99.46%");
        for kind in BadgeKind::ALL {
            assert_eq!(BadgeKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn the_svg_escapes_and_sizes_its_texts() {
        let face = BadgeFace { label: "a<b & \"c\"".into(), message: "up".into(), colour: "red" };
        let svg = face.svg();
        assert!(svg.contains("a&lt;b &amp; &quot;c&quot;: up"));
        assert!(!svg.contains("a<b"));
        let wide = BadgeFace { label: "x".into(), message: "a much longer message".into(), colour: "red" }.svg();
        let width = |svg: &str| svg.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse::<f64>().unwrap();
        assert!(width(&wide) > width(&svg) - 30.0 && width(&wide) > 100.0);
        assert_eq!(face.shields()["schemaVersion"], 1);
    }

    #[test]
    fn drafts_name_their_target() {
        let id = uuid::Uuid::from_u128(5).to_string();
        let ok = BadgeDraft { target: "monitor".into(), id: id.clone(), ..Default::default() }.validate().unwrap();
        assert_eq!(ok.0, BadgeTarget::Monitor { id: MonitorId::from_uuid(uuid::Uuid::from_u128(5)) });
        let fields = |d: BadgeDraft| d.validate().unwrap_err().0.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(BadgeDraft { target: "component".into(), id: id.clone(), ..Default::default() }), ["page_id"]);
        assert_eq!(
            fields(BadgeDraft { target: "host".into(), id: "x".into(), label: Some("l".repeat(41)), ..Default::default() }),
            ["id", "target", "label"]
        );
    }
}
