//! A prober that answers 200 at once without touching the network, so that a phase can measure
//! the scheduler and the store alone; the difference from an http phase is the probe engine's
//! share.

use async_trait::async_trait;
use std::time::Duration;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{ProbeReport, ProbeRequest, ResponseObservation, Timings};

/// Answers every check with `200 ok` in zero time.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoNetworkProber;

#[async_trait]
impl Prober for NoNetworkProber {
    async fn probe(&self, _request: &ProbeRequest) -> ProbeReport {
        let response_time = Duration::from_micros(1);
        ProbeReport::Responded {
            response: ResponseObservation {
                observed_at: jiff::Timestamp::now(),
                status: 200,
                headers: vec![("content-type".to_owned(), "text/plain".to_owned())],
                body: b"ok\n".to_vec(),
                body_truncated: false,
                response_time,
                certificate_expires_at: None,
                remote_ip: None,
            },
            timings: Timings { total: response_time, ..Timings::default() },
            redirects: 0,
        }
    }
}
