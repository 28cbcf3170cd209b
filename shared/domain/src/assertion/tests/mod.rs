//! Table tests for the assertion language, through its public API.

mod evaluate;
mod parse_errors;
mod parse_ok;
mod robustness;
mod round_trip;

use crate::Timestamp;
use crate::probe::ResponseObservation;
use std::time::Duration;

/// A response to evaluate against: a JSON-ish 200 over TLS, changed case by case.
#[derive(Clone)]
pub(super) struct Fixture(pub ResponseObservation);

pub(super) const OBSERVED_AT: i64 = 1_700_000_000;

pub(super) fn response() -> Fixture {
    Fixture(ResponseObservation {
        observed_at: Timestamp::from_second(OBSERVED_AT).expect("valid timestamp"),
        status: 200,
        headers: vec![("content-type".into(), "application/json; charset=utf-8".into()), ("x-request-id".into(), "abc123".into())],
        body: br#"{"status":"UP"}"#.to_vec(),
        body_truncated: false,
        response_time: Duration::from_millis(120),
        certificate_expires_at: Some(Timestamp::from_second(OBSERVED_AT + 30 * 86_400).expect("valid timestamp")),
        remote_ip: Some("127.0.0.1".parse().expect("valid ip")),
    })
}

impl Fixture {
    pub(super) fn status(mut self, status: u16) -> Self {
        self.0.status = status;
        self
    }
    pub(super) fn body(mut self, body: &str) -> Self {
        self.0.body = body.as_bytes().to_vec();
        self
    }
    pub(super) fn bytes(mut self, body: &[u8]) -> Self {
        self.0.body = body.to_vec();
        self
    }
    pub(super) fn millis(mut self, millis: u64) -> Self {
        self.0.response_time = Duration::from_millis(millis);
        self
    }
    pub(super) fn micros(mut self, micros: u64) -> Self {
        self.0.response_time = Duration::from_micros(micros);
        self
    }
    /// Certificate expiring this many seconds after the observation (negative: already expired).
    pub(super) fn cert_in(mut self, seconds: i64) -> Self {
        self.0.certificate_expires_at = Some(Timestamp::from_second(OBSERVED_AT + seconds).expect("valid timestamp"));
        self
    }
    pub(super) fn no_tls(mut self) -> Self {
        self.0.certificate_expires_at = None;
        self
    }
    pub(super) fn ip(mut self, ip: &str) -> Self {
        self.0.remote_ip = Some(ip.parse().expect("valid ip"));
        self
    }
    pub(super) fn no_ip(mut self) -> Self {
        self.0.remote_ip = None;
        self
    }
    pub(super) fn no_headers(mut self) -> Self {
        self.0.headers.clear();
        self
    }
    pub(super) fn header(mut self, name: &str, value: &str) -> Self {
        self.0.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }
}
