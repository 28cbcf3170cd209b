//! Uptime and latency over a window, from mergeable tallies of checks.

use crate::check::{CheckOutcome, CheckResult};
use crate::latency::LatencyDigest;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Counts of checks and the latency of those that got a response. Tallies of hours merge into
/// tallies of windows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckTally {
    /// Checks that passed.
    pub up: u64,
    /// Checks that failed.
    pub down: u64,
    /// Checks where the probe itself failed (not counted against uptime).
    pub errors: u64,
    /// Latency of checks that received a response.
    pub latency: LatencyDigest,
    /// Time spent in each phase, for the mean of each.
    #[serde(default, skip_serializing_if = "PhaseSums::is_empty")]
    pub phases: PhaseSums,
}

/// The total time of one phase over the checks that went through it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSum {
    /// Checks that went through the phase.
    pub count: u64,
    /// Their time in it, in microseconds.
    pub sum_us: u64,
}

impl PhaseSum {
    fn record(&mut self, phase: Option<Duration>) {
        if let Some(phase) = phase {
            self.count += 1;
            self.sum_us = self.sum_us.saturating_add(phase.as_micros().min(u128::from(u64::MAX)) as u64);
        }
    }

    fn merge(&mut self, other: PhaseSum) {
        self.count += other.count;
        self.sum_us = self.sum_us.saturating_add(other.sum_us);
    }

    /// The mean time in the phase, if any check went through it.
    pub fn mean(self) -> Option<Duration> {
        (self.count > 0).then(|| Duration::from_micros(self.sum_us / self.count))
    }
}

/// The time of each phase of a check (DNS, connect, TLS, first byte), summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSums {
    /// Name resolution.
    pub dns: PhaseSum,
    /// TCP connect.
    pub connect: PhaseSum,
    /// TLS handshake.
    pub tls: PhaseSum,
    /// Request sent to response head.
    pub first_byte: PhaseSum,
}

impl PhaseSums {
    /// Whether no check was timed.
    pub fn is_empty(&self) -> bool {
        *self == PhaseSums::default()
    }

    /// Adds another set of sums.
    pub fn merge(&mut self, other: &PhaseSums) {
        self.dns.merge(other.dns);
        self.connect.merge(other.connect);
        self.tls.merge(other.tls);
        self.first_byte.merge(other.first_byte);
    }
}

impl CheckTally {
    /// Adds one check.
    pub fn record(&mut self, result: &CheckResult) {
        match result.outcome {
            CheckOutcome::Up => self.up += 1,
            CheckOutcome::Down { .. } => self.down += 1,
            CheckOutcome::Error { .. } => self.errors += 1,
        }
        if result.status_code.is_some() {
            self.latency.record(result.timings.total);
        }
        let timings = &result.timings;
        self.phases.dns.record(timings.dns);
        self.phases.connect.record(timings.connect);
        self.phases.tls.record(timings.tls);
        self.phases.first_byte.record(timings.first_byte);
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &CheckTally) {
        self.up += other.up;
        self.down += other.down;
        self.errors += other.errors;
        self.latency.merge(&other.latency);
        self.phases.merge(&other.phases);
    }
}

/// The windows summaries are given over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum UptimeWindow {
    /// The last 24 hours.
    #[serde(rename = "24h")]
    Day,
    /// The last 7 days.
    #[serde(rename = "7d")]
    Week,
    /// The last 30 days.
    #[serde(rename = "30d")]
    Month,
}

impl UptimeWindow {
    /// All windows, shortest first.
    pub const ALL: [UptimeWindow; 3] = [UptimeWindow::Day, UptimeWindow::Week, UptimeWindow::Month];

    /// The window's length.
    pub fn length(self) -> SignedDuration {
        SignedDuration::from_hours(match self {
            UptimeWindow::Day => 24,
            UptimeWindow::Week => 24 * 7,
            UptimeWindow::Month => 24 * 30,
        })
    }

    /// The start of the window ending at `now`.
    pub fn start(self, now: Timestamp) -> Timestamp {
        now - self.length()
    }
}

/// Latency figures of a window, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct LatencySummary {
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Fastest.
    pub min_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// Uptime and latency over one window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct UptimeSummary {
    /// Which window.
    pub window: UptimeWindow,
    /// Its start.
    #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
    pub from: Timestamp,
    /// Its end.
    #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
    pub to: Timestamp,
    /// Checks that passed.
    pub up: u64,
    /// Checks that failed.
    pub down: u64,
    /// Probe errors (excluded from uptime).
    pub errors: u64,
    /// Passed / (passed + failed), as a percentage; `None` with no checks.
    pub uptime_percent: Option<f64>,
    /// Latency of checks that got a response; `None` with none.
    pub latency: Option<LatencySummary>,
}

impl UptimeSummary {
    /// The summary of `tally` over `window` ending at `now`.
    pub fn from_tally(window: UptimeWindow, now: Timestamp, tally: &CheckTally) -> Self {
        let judged = tally.up + tally.down;
        let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_micros() as f64 / 1000.0);
        let digest = &tally.latency;
        Self {
            window,
            from: window.start(now),
            to: now,
            up: tally.up,
            down: tally.down,
            errors: tally.errors,
            uptime_percent: (judged > 0).then(|| tally.up as f64 * 100.0 / judged as f64),
            latency: (digest.count > 0).then(|| LatencySummary {
                mean_ms: ms(digest.mean()),
                p50_ms: ms(digest.quantile(0.5)),
                p95_ms: ms(digest.quantile(0.95)),
                p99_ms: ms(digest.quantile(0.99)),
                min_ms: digest.min_us as f64 / 1000.0,
                max_ms: digest.max_us as f64 / 1000.0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_excludes_probe_errors() {
        let tally = CheckTally { up: 99, down: 1, errors: 50, ..CheckTally::default() };
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let summary = UptimeSummary::from_tally(UptimeWindow::Week, now, &tally);
        assert_eq!(summary.uptime_percent, Some(99.0));
        assert_eq!(summary.from, now - SignedDuration::from_hours(168));
        assert!(summary.latency.is_none());
        assert_eq!(UptimeSummary::from_tally(UptimeWindow::Day, now, &CheckTally::default()).uptime_percent, None);
    }
}
