//! Rollups: the samples of a minute or an hour summed up per metric (count, sum, min, max,
//! last). Summaries merge, so minute rollups fold into hour rollups, and rollups of batches that
//! arrived apart fold into one, with the same result as rolling up all samples at once.

use super::metric::MetricKey;
use super::sample::HostSample;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The length of a rollup's bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
}

impl Resolution {
    /// The bucket's length.
    pub const fn length(self) -> SignedDuration {
        match self {
            Resolution::Minute => SignedDuration::from_mins(1),
            Resolution::Hour => SignedDuration::from_hours(1),
        }
    }

    /// The start of the bucket holding `at` (buckets are aligned on the Unix epoch, so on whole
    /// minutes and hours of UTC).
    pub fn bucket_start(self, at: Timestamp) -> Timestamp {
        let length = self.length().as_secs();
        let second = at.as_second().div_euclid(length) * length;
        Timestamp::from_second(second).unwrap_or(at)
    }
}

/// One metric over one bucket.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// Samples.
    pub count: u64,
    /// Their sum (the mean is `sum / count`).
    pub sum: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
    /// The latest value.
    pub last: f64,
    /// When the latest was taken.
    pub last_at: Timestamp,
}

impl MetricSummary {
    /// A summary of one value.
    pub fn of(value: f64, at: Timestamp) -> Self {
        Self { count: 1, sum: value, min: value, max: value, last: value, last_at: at }
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum / self.count as f64 }
    }

    /// Folds `other` in; the result does not depend on the order of folding (but for the
    /// rounding of `sum`), and ties of `last_at` keep the larger value so that it does not
    /// either.
    pub fn merge(&mut self, other: &MetricSummary) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if (other.last_at, other.last) > (self.last_at, self.last) {
            self.last = other.last;
            self.last_at = other.last_at;
        }
    }
}

/// Every metric of one host over one bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// The bucket's length.
    pub resolution: Resolution,
    /// Its start.
    pub start: Timestamp,
    /// The summaries, by metric.
    pub metrics: BTreeMap<MetricKey, MetricSummary>,
}

impl Rollup {
    /// An empty rollup of the bucket of `resolution` holding `at`.
    pub fn empty(resolution: Resolution, at: Timestamp) -> Self {
        Self { resolution, start: resolution.bucket_start(at), metrics: BTreeMap::new() }
    }

    /// Adds one sample, which must fall in the bucket.
    pub fn add(&mut self, sample: &HostSample) {
        debug_assert_eq!(self.resolution.bucket_start(sample.at), self.start, "a sample outside the bucket");
        for (key, value) in sample.values() {
            self.put(key, MetricSummary::of(value, sample.at));
        }
    }

    fn put(&mut self, key: MetricKey, summary: MetricSummary) {
        match self.metrics.get_mut(&key) {
            Some(existing) => existing.merge(&summary),
            None => {
                self.metrics.insert(key, summary);
            }
        }
    }

    /// Folds in another rollup whose bucket lies within this one's (the same minute, or a
    /// minute of this hour); returns false, changing nothing, otherwise.
    pub fn merge(&mut self, other: &Rollup) -> bool {
        if other.resolution > self.resolution || self.resolution.bucket_start(other.start) != self.start {
            return false;
        }
        for (key, summary) in &other.metrics {
            self.put(key.clone(), *summary);
        }
        true
    }
}

/// The rollups of `samples` at `resolution`, oldest bucket first.
pub fn roll_up(samples: &[HostSample], resolution: Resolution) -> Vec<Rollup> {
    let mut buckets: BTreeMap<Timestamp, Rollup> = BTreeMap::new();
    for sample in samples {
        buckets.entry(resolution.bucket_start(sample.at)).or_insert_with(|| Rollup::empty(resolution, sample.at)).add(sample);
    }
    buckets.into_values().collect()
}

/// Folds rollups of a finer resolution into rollups of `resolution`, oldest first.
pub fn coarsen(rollups: &[Rollup], resolution: Resolution) -> Vec<Rollup> {
    let mut buckets: BTreeMap<Timestamp, Rollup> = BTreeMap::new();
    for rollup in rollups {
        let merged =
            buckets.entry(resolution.bucket_start(rollup.start)).or_insert_with(|| Rollup::empty(resolution, rollup.start)).merge(rollup);
        debug_assert!(merged, "a coarser rollup folded into a finer one");
    }
    buckets.into_values().collect()
}
