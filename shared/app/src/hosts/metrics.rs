//! A host's metrics over time: raw samples for short ranges, minute and hour rollups for
//! longer ones; and its latest sample whole.

use super::HostError;
use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::metric::MetricKey;
use vigil_domain::agent::rollup::{MetricSummary, Resolution, roll_up};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::ids::AgentId;
use vigil_domain::monitor::{FieldError, SpecErrors};

/// The resolution of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesResolution {
    /// Every sample.
    Raw,
    /// Rolled up.
    Rolled(Resolution),
}

/// A metric of one host over a time range.
#[derive(Clone, Debug)]
pub struct SeriesQuery {
    /// The host.
    pub agent: AgentId,
    /// The metric.
    pub metric: MetricKey,
    /// From (inclusive).
    pub from: Timestamp,
    /// To (exclusive).
    pub to: Timestamp,
    /// The resolution; chosen from the range when absent (raw up to 2 h, minutes up to 3 days,
    /// hours beyond).
    pub resolution: Option<SeriesResolution>,
}

/// One point of a series: one sample (raw), or the summary of a bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The sample's time, or the bucket's start.
    pub at: Timestamp,
    /// The summary.
    pub summary: MetricSummary,
}

/// A series.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The resolution it has.
    pub resolution: SeriesResolution,
    /// The points, oldest first.
    pub points: Vec<Point>,
}

/// The longest range of each resolution.
const RAW_SPAN: SignedDuration = SignedDuration::from_hours(24);
const MINUTE_SPAN: SignedDuration = SignedDuration::from_hours(24 * 14);
const HOUR_SPAN: SignedDuration = SignedDuration::from_hours(24 * 400);

fn choose(query: &SeriesQuery) -> Result<SeriesResolution, SpecErrors> {
    let span = query.to.duration_since(query.from);
    let fail = |field: &str, message: String| SpecErrors(vec![FieldError { field: field.into(), message }]);
    if span <= SignedDuration::ZERO {
        return Err(fail("to", "must be after `from`".into()));
    }
    let resolution = query.resolution.unwrap_or(if span <= SignedDuration::from_hours(2) {
        SeriesResolution::Raw
    } else if span <= SignedDuration::from_hours(72) {
        SeriesResolution::Rolled(Resolution::Minute)
    } else {
        SeriesResolution::Rolled(Resolution::Hour)
    });
    let (longest, name) = match resolution {
        SeriesResolution::Raw => (RAW_SPAN, "raw samples"),
        SeriesResolution::Rolled(Resolution::Minute) => (MINUTE_SPAN, "minutes"),
        SeriesResolution::Rolled(Resolution::Hour) => (HOUR_SPAN, "hours"),
    };
    if span > longest {
        return Err(fail("from", format!("a range of {name} spans at most {} days", longest.as_hours() / 24)));
    }
    Ok(resolution)
}

/// The metric's series: raw samples, or the stored rollups of the range completed by the
/// rollup of the raw samples after the newest stored bucket (the minute or hour still open).
#[tracing::instrument(name = "host_metric_series", skip_all, fields(tenant = %actor.tenant_id, agent = %query.agent))]
pub async fn host_metric_series(deps: &Deps, actor: &Actor, query: SeriesQuery) -> Result<Series, HostError> {
    actor.require(Action::Read)?;
    let resolution = choose(&query)?;
    let (tenant, agent) = (actor.tenant_id, query.agent);
    deps.stores.hosts.host(tenant, agent).await?.ok_or(HostError::NotFound("host"))?;
    let metrics = &deps.stores.host_metrics;
    let points = match resolution {
        SeriesResolution::Raw => metrics
            .samples(tenant, agent, query.from, query.to)
            .await?
            .iter()
            .filter_map(|s| s.value(&query.metric).map(|v| Point { at: s.at, summary: MetricSummary::of(v, s.at) }))
            .collect(),
        SeriesResolution::Rolled(resolution) => {
            let start = resolution.bucket_start(query.from);
            let mut buckets = BTreeMap::new();
            for rollup in metrics.rollups(tenant, agent, resolution, start, query.to).await? {
                buckets.insert(rollup.start, rollup);
            }
            let tail_from = buckets.keys().next_back().map_or(start, |last| *last + resolution.length());
            if tail_from < query.to {
                let raw = metrics.samples(tenant, agent, tail_from, query.to).await?;
                for rollup in roll_up(&raw, resolution) {
                    buckets.entry(rollup.start).or_insert(rollup);
                }
            }
            buckets.values().filter_map(|r| r.metrics.get(&query.metric).map(|summary| Point { at: r.start, summary: *summary })).collect()
        }
    };
    Ok(Series { resolution, points })
}

/// The host's latest sample, whole.
#[tracing::instrument(name = "latest_sample", skip_all, fields(tenant = %actor.tenant_id, agent = %agent))]
pub async fn latest_sample(deps: &Deps, actor: &Actor, agent: AgentId) -> Result<Option<HostSample>, HostError> {
    actor.require(Action::Read)?;
    let host = deps.stores.hosts.host(actor.tenant_id, agent).await?.ok_or(HostError::NotFound("host"))?;
    let Some(at) = host.progress.last_sample_at else { return Ok(None) };
    let samples = deps.stores.host_metrics.samples(actor.tenant_id, agent, at, at + SignedDuration::from_millis(1)).await?;
    Ok(samples.into_iter().next_back())
}
