//! What a check has observed so far. It lives outside the future that performs the check, so
//! that when the deadline drops that future the report can still say how far it got.

use jiff::Timestamp;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use vigil_domain::probe::Timings;

use crate::failure::human_duration;

/// The step a check is in, for timeout messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Resolving,
    Connecting(SocketAddr),
    TlsHandshake,
    AwaitingResponse,
    ReadingBody,
}

/// Observations of the check in progress. Phase timings are those of the current hop; a
/// redirect starts them afresh.
#[derive(Debug)]
pub(crate) struct Progress {
    pub(crate) phase: Phase,
    /// The host of the current hop, for messages.
    pub(crate) host: String,
    pub(crate) dns: Option<Duration>,
    pub(crate) connect: Option<Duration>,
    pub(crate) tls: Option<Duration>,
    pub(crate) first_byte: Option<Duration>,
    pub(crate) remote_ip: Option<IpAddr>,
    pub(crate) certificate_expires_at: Option<Timestamp>,
    pub(crate) body_received: usize,
    pub(crate) redirects: u8,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Progress {
            phase: Phase::Resolving,
            host: String::new(),
            dns: None,
            connect: None,
            tls: None,
            first_byte: None,
            remote_ip: None,
            certificate_expires_at: None,
            body_received: 0,
            redirects: 0,
        }
    }

    /// Forgets the previous hop's observations.
    pub(crate) fn start_hop(&mut self, host: &str) {
        let redirects = self.redirects;
        let mut host_buf = std::mem::take(&mut self.host);
        host_buf.clear();
        host_buf.push_str(host);
        *self = Progress { host: host_buf, redirects, ..Progress::new() };
    }

    /// The timings observed, with the total time of the whole check.
    pub(crate) fn timings(&self, total: Duration) -> Timings {
        Timings { dns: self.dns, connect: self.connect, tls: self.tls, first_byte: self.first_byte, total }
    }

    /// What to tell a person when the deadline of `timeout` passed in the current phase.
    pub(crate) fn timeout_message(&self, timeout: Duration) -> String {
        let after = human_duration(timeout);
        match self.phase {
            Phase::Resolving => format!("timed out after {after} resolving {}", self.host),
            Phase::Connecting(addr) => format!("timed out after {after} connecting to {addr}"),
            Phase::TlsHandshake => format!("timed out after {after} in the TLS handshake with {}", self.host),
            Phase::AwaitingResponse => format!("timed out after {after} waiting for the response from {}", self.host),
            Phase::ReadingBody => {
                format!("timed out after {after} reading the body ({} bytes received)", self.body_received)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_hop_keeps_only_the_redirect_count() {
        let mut progress = Progress::new();
        progress.start_hop("a.test");
        progress.dns = Some(Duration::from_millis(3));
        progress.tls = Some(Duration::from_millis(9));
        progress.body_received = 10;
        progress.redirects = 2;
        progress.start_hop("b.test");
        assert_eq!(progress.host, "b.test");
        assert_eq!(progress.redirects, 2);
        assert_eq!(progress.timings(Duration::from_secs(1)), Timings { total: Duration::from_secs(1), ..Timings::default() });
        assert_eq!(progress.body_received, 0);
    }

    #[test]
    fn timeout_messages_name_the_phase() {
        let mut progress = Progress::new();
        progress.start_hop("example.test");
        let t = Duration::from_secs(5);
        let cases = [
            (Phase::Resolving, "timed out after 5 s resolving example.test"),
            (Phase::Connecting("192.0.2.1:80".parse().expect("literal")), "timed out after 5 s connecting to 192.0.2.1:80"),
            (Phase::TlsHandshake, "timed out after 5 s in the TLS handshake with example.test"),
            (Phase::AwaitingResponse, "timed out after 5 s waiting for the response from example.test"),
            (Phase::ReadingBody, "timed out after 5 s reading the body (0 bytes received)"),
        ];
        for (phase, message) in cases {
            progress.phase = phase;
            assert_eq!(progress.timeout_message(t), message);
        }
    }
}
