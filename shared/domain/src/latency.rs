//! A mergeable latency digest: count, sum, min, max and a log-bucketed histogram whose quantiles
//! are within about 4.5 % of the true value. Digests of hours merge into digests of days, so
//! 30-day percentiles never need 30 days of raw checks.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Buckets per doubling of latency; 16 gives a bucket width of 2^(1/16) ≈ 1.044.
const BUCKETS_PER_OCTAVE: f64 = 16.0;

/// A mergeable summary of many latencies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyDigest {
    /// How many latencies.
    pub count: u64,
    /// Their sum, in microseconds.
    pub sum_us: u64,
    /// The smallest, in microseconds.
    pub min_us: u64,
    /// The largest, in microseconds.
    pub max_us: u64,
    /// Bucket index to count; bucket `i` holds latencies around 2^(i/16) µs.
    pub buckets: BTreeMap<u16, u64>,
}

fn bucket_of(micros: u64) -> u16 {
    if micros <= 1 { 0 } else { ((micros as f64).log2() * BUCKETS_PER_OCTAVE).floor().min(f64::from(u16::MAX)) as u16 }
}

fn bucket_midpoint(bucket: u16) -> f64 {
    2f64.powf((f64::from(bucket) + 0.5) / BUCKETS_PER_OCTAVE)
}

impl LatencyDigest {
    /// Adds one latency.
    pub fn record(&mut self, latency: Duration) {
        let micros = latency.as_micros().min(u128::from(u64::MAX)) as u64;
        self.min_us = if self.count == 0 { micros } else { self.min_us.min(micros) };
        self.max_us = self.max_us.max(micros);
        self.count += 1;
        self.sum_us = self.sum_us.saturating_add(micros);
        *self.buckets.entry(bucket_of(micros)).or_default() += 1;
    }

    /// Adds every latency of `other`.
    pub fn merge(&mut self, other: &LatencyDigest) {
        if other.count == 0 {
            return;
        }
        self.min_us = if self.count == 0 { other.min_us } else { self.min_us.min(other.min_us) };
        self.max_us = self.max_us.max(other.max_us);
        self.count += other.count;
        self.sum_us = self.sum_us.saturating_add(other.sum_us);
        for (bucket, count) in &other.buckets {
            *self.buckets.entry(*bucket).or_default() += count;
        }
    }

    /// The mean, if any latency was recorded.
    pub fn mean(&self) -> Option<Duration> {
        (self.count > 0).then(|| Duration::from_micros(self.sum_us / self.count))
    }

    /// The `q`-quantile (0.0 to 1.0), clamped to the observed min and max.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, count) in &self.buckets {
            seen += count;
            if seen >= rank {
                let estimate = bucket_midpoint(*bucket).round() as u64;
                return Some(Duration::from_micros(estimate.clamp(self.min_us, self.max_us)));
            }
        }
        Some(Duration::from_micros(self.max_us))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_close_to_exact() {
        let mut digest = LatencyDigest::default();
        let samples: Vec<u64> = (1..=10_000).map(|i| i * 37 % 9_973 + 100).collect();
        for us in &samples {
            digest.record(Duration::from_micros(*us));
        }
        let mut sorted = samples.clone();
        sorted.sort_unstable();
        for q in [0.5, 0.9, 0.95, 0.99] {
            let exact = sorted[((q * sorted.len() as f64).ceil() as usize) - 1] as f64;
            let estimate = digest.quantile(q).unwrap().as_micros() as f64;
            assert!((estimate - exact).abs() / exact < 0.05, "q{q}: {estimate} vs {exact}");
        }
        assert_eq!(digest.min_us, 100);
        assert_eq!(digest.count, 10_000);
    }

    #[test]
    fn merging_equals_recording_everything() {
        let (mut a, mut b, mut all) = (LatencyDigest::default(), LatencyDigest::default(), LatencyDigest::default());
        for ms in [5u64, 80, 12, 400] {
            a.record(Duration::from_millis(ms));
            all.record(Duration::from_millis(ms));
        }
        for ms in [3u64, 9000] {
            b.record(Duration::from_millis(ms));
            all.record(Duration::from_millis(ms));
        }
        a.merge(&b);
        assert_eq!(a, all);
        assert_eq!(a.mean(), Some(Duration::from_micros(9_500_000 / 6)));
        assert_eq!(LatencyDigest::default().quantile(0.5), None);
    }
}
