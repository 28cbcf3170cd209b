//! The charts of a host's page: one metric of one host over the chosen range, drawn on the
//! server as an SVG line (no script needed), with its latest and highest values in words.

use super::{bytes, percent};
use crate::failure::Failure;
use crate::history::polyline;
use crate::i18n::{Tr, msg};
use crate::visitor::Visitor;
use jiff::{SignedDuration, Timestamp};
use vigil_app::hosts::{SeriesQuery, host_metric_series};
use vigil_domain::agent::metric::{MetricKey, MetricName};
use vigil_domain::ids::AgentId;

/// The chart's box.
pub(super) const WIDTH: u32 = 600;
/// The chart's height.
pub(super) const HEIGHT: u32 = 100;

/// The ranges a page offers: value, message, length.
pub(super) const RANGES: [(&str, &str, SignedDuration); 3] = [
    ("1h", msg("hosts.range.hour"), SignedDuration::from_hours(1)),
    ("24h", msg("hosts.range.day"), SignedDuration::from_hours(24)),
    ("7d", msg("hosts.range.week"), SignedDuration::from_hours(24 * 7)),
];

/// How a metric's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    /// 0 to 100.
    Percent,
    /// Bytes per second.
    BytesPerSecond,
    /// A plain number (load).
    Plain,
}

impl Unit {
    /// `value` in words.
    pub(super) fn say(self, tr: &Tr, value: f64) -> String {
        match self {
            Unit::Percent => percent(tr, value),
            Unit::BytesPerSecond => tr.a("hosts.per_second", "size", bytes(tr, value)),
            Unit::Plain => tr.decimal(value, 2),
        }
    }
}

/// One chart.
pub(crate) struct Chart {
    /// Its title.
    pub(crate) title: String,
    /// The SVG polyline's points; empty when there is too little to draw.
    pub(crate) points: String,
    /// What it shows, in words (the SVG's label and the caption).
    pub(crate) said: String,
}

/// The values of `metric` on `agent` over the `span` before `now`, oldest first (each bucket's
/// mean).
pub(super) async fn values(
    visitor: &Visitor,
    agent: AgentId,
    metric: MetricKey,
    span: SignedDuration,
    now: Timestamp,
) -> Result<Vec<f64>, Failure> {
    let actor = &visitor.member()?.actor;
    let query = SeriesQuery { agent, metric, from: now - span, to: now, resolution: None };
    let series = host_metric_series(&visitor.deps, actor, query).await.map_err(|e| Failure::of(visitor, e))?;
    Ok(series.points.iter().map(|p| p.summary.sum / p.summary.count.max(1) as f64).collect())
}

/// The chart of `name` (about `subject`) on `agent`, titled `title`.
pub(super) async fn chart(
    visitor: &Visitor,
    agent: AgentId,
    (name, subject): (MetricName, Option<&str>),
    title: String,
    unit: Unit,
    span: SignedDuration,
    now: Timestamp,
) -> Result<Chart, Failure> {
    let tr = &visitor.tr;
    let Ok(metric) = MetricKey::new(name, subject) else {
        return Ok(Chart { title, points: String::new(), said: tr.t(msg("hosts.no_data")).to_owned() });
    };
    let values = values(visitor, agent, metric, span, now).await?;
    Ok(drawn(tr, title, unit, &values))
}

/// A chart of `values`: percentages on a 0-100 scale, the rest up to their highest.
pub(super) fn drawn(tr: &Tr, title: String, unit: Unit, values: &[f64]) -> Chart {
    let highest = values.iter().copied().fold(0.0_f64, f64::max);
    let top = if unit == Unit::Percent { 100.0 } else { highest };
    let said = match values.last() {
        Some(last) => tr.a2(msg("hosts.chart_said"), "last", unit.say(tr, *last), "highest", unit.say(tr, highest)),
        None => tr.t(msg("hosts.no_data")).to_owned(),
    };
    Chart { points: polyline(values, WIDTH, HEIGHT, top), title, said }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn a_chart_says_its_latest_and_highest_values() {
        let tr = Tr::new(Locale::En, "UTC");
        let chart = drawn(&tr, "CPU".into(), Unit::Percent, &[10.0, 55.5, 20.0]);
        assert_eq!(chart.said, "Now 20.0 %, highest 55.5 %");
        assert_eq!(chart.points.split(' ').count(), 3);
        let empty = drawn(&tr, "CPU".into(), Unit::Percent, &[]);
        assert_eq!((empty.points.as_str(), empty.said.as_str()), ("", "No data in this range yet"));
        let net = drawn(&tr, "eth0".into(), Unit::BytesPerSecond, &[1_500.0, 2_000_000.0]);
        assert_eq!(net.said, "Now 2.0 MB/s, highest 2.0 MB/s");
    }
}
