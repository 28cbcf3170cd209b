//! A prober that answers what the test scripts, without a network.

use async_trait::async_trait;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{ProbeReport, ProbeRequest, ResponseObservation, Timings, TransportFailure};

#[derive(Debug)]
struct Script {
    queued: VecDeque<ProbeReport>,
    otherwise: ProbeReport,
    requests: Vec<ProbeRequest>,
}

/// Answers each probe with the next queued report, or, once the queue is empty, with its
/// standing answer; keeps every request. Clones share their script.
#[derive(Clone, Debug)]
pub struct ScriptedProber(Arc<Mutex<Script>>);

impl ScriptedProber {
    /// A prober whose standing answer is `report`.
    pub fn answering(report: ProbeReport) -> Self {
        Self(Arc::new(Mutex::new(Script { queued: VecDeque::new(), otherwise: report, requests: Vec::new() })))
    }

    /// A response with `status`, an empty body, in 20 ms.
    pub fn response(status: u16) -> ProbeReport {
        let response_time = Duration::from_millis(20);
        ProbeReport::Responded {
            response: ResponseObservation {
                observed_at: jiff::Timestamp::UNIX_EPOCH,
                status,
                headers: Vec::new(),
                body: Vec::new(),
                body_truncated: false,
                response_time,
                certificate_expires_at: None,
                remote_ip: None,
            },
            timings: Timings { total: response_time, ..Timings::default() },
            redirects: 0,
        }
    }

    /// A refused connection.
    pub fn refused() -> ProbeReport {
        ProbeReport::Unreachable {
            failure: TransportFailure::ConnectionRefused,
            message: "connection refused".into(),
            timings: Timings::default(),
            certificate_expires_at: None,
        }
    }

    /// A failure of the prober itself.
    pub fn probe_error() -> ProbeReport {
        ProbeReport::ProbeError { message: "the prober ran out of sockets".into() }
    }

    fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Answers `report` to the next probe not yet scripted.
    pub fn then(&self, report: ProbeReport) -> &Self {
        self.script().queued.push_back(report);
        self
    }

    /// Changes the standing answer.
    pub fn answer(&self, report: ProbeReport) {
        self.script().otherwise = report;
    }

    /// Every request probed so far.
    pub fn requests(&self) -> Vec<ProbeRequest> {
        self.script().requests.clone()
    }
}

#[async_trait]
impl Prober for ScriptedProber {
    async fn probe(&self, request: &ProbeRequest) -> ProbeReport {
        let mut script = self.script();
        script.requests.push(request.clone());
        script.queued.pop_front().unwrap_or_else(|| script.otherwise.clone())
    }
}
