//! Uptime and latency over a window, from mergeable tallies of checks.

use crate::check::{CheckOutcome, CheckResult};
use crate::latency::LatencyDigest;
use crate::varint::{Reader, put_varint};
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

/// Why stored bytes are not a [`CheckTally`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a stored tally is not readable: {0}")]
pub struct TallyDecodeError(&'static str);

impl From<&'static str> for TallyDecodeError {
    fn from(what: &'static str) -> Self {
        Self(what)
    }
}

const TALLY_FORMAT_VERSION: u8 = 1;

impl CheckTally {
    /// The bytes a store keeps beside a monitor's digest for the hour still being counted:
    /// 60–250 for an hour of checks every 30 s, against 300–1,500 as JSON, so that the digest's
    /// row stays on its SQLite page.
    ///
    /// Numbers are LEB128 varints; a latency bucket's index is its difference from the one
    /// before it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + 3 * self.latency.buckets.len());
        out.push(TALLY_FORMAT_VERSION);
        let latency = &self.latency;
        for n in [self.up, self.down, self.errors, latency.count, latency.sum_us, latency.min_us, latency.max_us] {
            put_varint(&mut out, n);
        }
        put_varint(&mut out, latency.buckets.len() as u64);
        let mut previous = 0;
        for (&bucket, &count) in &latency.buckets {
            put_varint(&mut out, u64::from(bucket - previous));
            put_varint(&mut out, count);
            previous = bucket;
        }
        let phases = &self.phases;
        for phase in [phases.dns, phases.connect, phases.tls, phases.first_byte] {
            put_varint(&mut out, phase.count);
            put_varint(&mut out, phase.sum_us);
        }
        out
    }

    /// Reads what [`CheckTally::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<Self, TallyDecodeError> {
        let mut reader = Reader(bytes);
        if reader.take::<1>()?[0] != TALLY_FORMAT_VERSION {
            return Err(TallyDecodeError("unknown version"));
        }
        let mut tally = CheckTally { up: reader.varint()?, down: reader.varint()?, errors: reader.varint()?, ..CheckTally::default() };
        let latency = &mut tally.latency;
        (latency.count, latency.sum_us, latency.min_us, latency.max_us) =
            (reader.varint()?, reader.varint()?, reader.varint()?, reader.varint()?);
        let mut bucket = 0_u16;
        for _ in 0..reader.varint()? {
            let step = u16::try_from(reader.varint()?).map_err(|_| TallyDecodeError("bucket out of range"))?;
            bucket = bucket.checked_add(step).ok_or(TallyDecodeError("bucket out of range"))?;
            latency.buckets.insert(bucket, reader.varint()?);
        }
        let phases = &mut tally.phases;
        for phase in [&mut phases.dns, &mut phases.connect, &mut phases.tls, &mut phases.first_byte] {
            *phase = PhaseSum { count: reader.varint()?, sum_us: reader.varint()? };
        }
        if !reader.is_done() {
            return Err(TallyDecodeError("trailing bytes"));
        }
        Ok(tally)
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

    fn checked(i: u64, outcome: CheckOutcome, total_us: u64) -> CheckResult {
        let at = Timestamp::from_second(1_700_000_000 + 30 * i as i64).unwrap();
        let monitor = crate::ids::MonitorId::from_uuid(uuid::Uuid::from_u128(2));
        CheckResult {
            id: crate::ids::CheckId::for_planned_check(monitor, at.as_millisecond()),
            tenant_id: crate::ids::TenantId::from_uuid(uuid::Uuid::from_u128(1)),
            monitor_id: monitor,
            planned_at: at,
            started_at: at,
            status_code: (!matches!(outcome, CheckOutcome::Error { .. })).then_some(200),
            outcome,
            timings: crate::probe::Timings {
                total: Duration::from_micros(total_us),
                dns: i.is_multiple_of(2).then(|| Duration::from_micros(900 + i)),
                connect: Some(Duration::from_micros(300 + i)),
                tls: None,
                first_byte: Some(Duration::from_micros(total_us / 2)),
            },
            response_bytes: None,
            body_truncated: false,
            certificate_expires_at: None,
            remote_ip: None,
        }
    }

    #[test]
    fn a_stored_tally_reads_back_as_written() {
        let failure = crate::check::CheckFailure { class: crate::check::FailureClass::Timeout, message: "slow".into(), assertion: None };
        let down = || CheckOutcome::Down { failure: failure.clone() };
        let error = || CheckOutcome::Error { message: "no route".into() };
        let cases: [(&str, Vec<CheckResult>); 4] = [
            ("no checks", vec![]),
            ("one quick check", vec![checked(0, CheckOutcome::Up, 0)]),
            ("all three outcomes", vec![checked(0, CheckOutcome::Up, 80_000), checked(1, down(), 10_000_000), checked(2, error(), 5)]),
            ("an hour every 30 s", (0..120).map(|i| checked(i, CheckOutcome::Up, 40_000 + i * 7_919 % 3_000_000)).collect()),
        ];
        for (name, checks) in cases {
            let mut tally = CheckTally::default();
            checks.iter().for_each(|check| tally.record(check));
            assert_eq!(CheckTally::decode(&tally.encode()).as_ref(), Ok(&tally), "{name}");
        }
    }

    #[test]
    fn an_hour_of_scattered_latencies_takes_a_few_hundred_bytes() {
        // Beside a month's digest (at most about 700 bytes) it must stay under the 1,000 or so
        // that SQLite keeps on a 4 KiB leaf page.
        let mut tally = CheckTally::default();
        (0..120).for_each(|i| tally.record(&checked(i, CheckOutcome::Up, 40_000 + (i * 7_919_000) % 3_000_000)));
        let bytes = tally.encode();
        assert!(bytes.len() < 300, "{} bytes", bytes.len());
        assert!(serde_json::to_string(&tally).unwrap().len() > 3 * bytes.len());
    }

    #[test]
    fn unreadable_tallies_are_refused() {
        let mut tally = CheckTally::default();
        tally.record(&checked(0, CheckOutcome::Up, 80_000));
        let bytes = tally.encode();
        let cases: [(&str, Vec<u8>); 4] = [
            ("empty", vec![]),
            ("unknown version", [&[9], &bytes[1..]].concat()),
            ("cut short", bytes[..bytes.len() - 1].to_vec()),
            ("trailing bytes", [&bytes[..], &[0]].concat()),
        ];
        for (name, bytes) in cases {
            assert!(CheckTally::decode(&bytes).is_err(), "{name}");
        }
        let mut far = vec![TALLY_FORMAT_VERSION, 0, 0, 0, 0, 0, 0, 0, 2, 0xFF, 0xFF, 0x03, 1, 1, 1];
        far.extend([0; 8]);
        assert_eq!(CheckTally::decode(&far), Err(TallyDecodeError("bucket out of range")), "a bucket past u16");
    }
}
