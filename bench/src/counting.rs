//! A transparent wrapper of the [`Prober`] port that tallies what checks saw, so that the
//! report can tell "completed" (stored) from "the target answered 2xx", and can show how long
//! probes took next to how late they started.

use async_trait::async_trait;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vigil_domain::latency::LatencyDigest;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{ProbeReport, ProbeRequest};

/// Counts of probe outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Answered with a 2xx status.
    pub ok: u64,
    /// Answered with another status.
    pub other_status: u64,
    /// Not reached, or no proper answer (refused, timeout, TLS, ...).
    pub unreachable: u64,
    /// The prober itself failed.
    pub probe_error: u64,
}

impl Outcomes {
    /// Every probe counted.
    pub fn total(self) -> u64 {
        self.ok + self.other_status + self.unreachable + self.probe_error
    }

    /// Those that did not get a 2xx.
    pub fn failed(self) -> u64 {
        self.total() - self.ok
    }

    /// The counts between `earlier` and `self`.
    pub fn since(self, earlier: Outcomes) -> Outcomes {
        Outcomes {
            ok: self.ok - earlier.ok,
            other_status: self.other_status - earlier.other_status,
            unreachable: self.unreachable - earlier.unreachable,
            probe_error: self.probe_error - earlier.probe_error,
        }
    }
}

/// What went wrong, for a report that was not a 2xx response.
fn failure_message(report: &ProbeReport) -> Option<String> {
    match report {
        ProbeReport::Responded { response, .. } if !(200..300).contains(&response.status) => Some(format!("status {}", response.status)),
        ProbeReport::Responded { .. } => None,
        ProbeReport::Unreachable { failure, message, .. } => Some(format!("{failure:?}: {message}")),
        ProbeReport::ProbeError { message } => Some(format!("probe error: {message}")),
    }
}

#[derive(Debug, Default)]
struct Counters {
    ok: AtomicU64,
    other_status: AtomicU64,
    unreachable: AtomicU64,
    probe_error: AtomicU64,
    duration: Mutex<LatencyDigest>,
    first_failure: Mutex<Option<String>>,
}

/// The tallies, shared with the scenario.
#[derive(Clone, Debug, Default)]
pub struct Tally(Arc<Counters>);

impl Tally {
    /// The outcome counts so far.
    pub fn outcomes(&self) -> Outcomes {
        let c = &self.0;
        Outcomes {
            ok: c.ok.load(Ordering::Relaxed),
            other_status: c.other_status.load(Ordering::Relaxed),
            unreachable: c.unreachable.load(Ordering::Relaxed),
            probe_error: c.probe_error.load(Ordering::Relaxed),
        }
    }

    /// The probe durations recorded since the last call (the digest is taken and reset).
    pub fn take_durations(&self) -> LatencyDigest {
        self.0.duration.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default()
    }

    /// The first failure seen since the last call, if any (taken and reset).
    pub fn take_first_failure(&self) -> Option<String> {
        self.0.first_failure.lock().ok().and_then(|mut f| f.take())
    }

    fn record(&self, report: &ProbeReport, started: Instant) {
        let c = &self.0;
        let counter = match report {
            ProbeReport::Responded { response, .. } if (200..300).contains(&response.status) => &c.ok,
            ProbeReport::Responded { .. } => &c.other_status,
            ProbeReport::Unreachable { .. } => &c.unreachable,
            ProbeReport::ProbeError { .. } => &c.probe_error,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut digest) = c.duration.lock() {
            digest.record(started.elapsed());
        }
        if let Some(message) = failure_message(report)
            && let Ok(mut first) = c.first_failure.lock()
            && first.is_none()
        {
            *first = Some(message);
        }
    }
}

/// A [`Prober`] that passes every check to `inner` and tallies the report.
pub struct CountingProber<P> {
    inner: P,
    tally: Tally,
}

impl<P> CountingProber<P> {
    /// Wraps `inner`, tallying into `tally`.
    pub fn new(inner: P, tally: Tally) -> Self {
        CountingProber { inner, tally }
    }
}

#[async_trait]
impl<P: Prober> Prober for CountingProber<P> {
    async fn probe(&self, request: &ProbeRequest) -> ProbeReport {
        let started = Instant::now();
        let report = self.inner.probe(request).await;
        self.tally.record(&report, started);
        report
    }
}
