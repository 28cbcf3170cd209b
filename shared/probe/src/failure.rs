//! How failures are classified. Users read these classes and messages on their dashboards and
//! in alerts, so the mapping from low-level errors is kept in one place and table-tested.

use std::error::Error as StdError;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use vigil_domain::probe::TransportFailure;

/// Why a check did not produce a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The target, or the network on the way to it, failed.
    Target {
        /// The class users see.
        class: TransportFailure,
        /// A sentence for a person.
        message: String,
    },
    /// The prober itself failed (its own resources or a request it cannot build); this says
    /// nothing about the target.
    Prober {
        /// A sentence for a person.
        message: String,
    },
}

impl Failure {
    pub(crate) fn target(class: TransportFailure, message: impl Into<String>) -> Self {
        Failure::Target { class, message: message.into() }
    }

    pub(crate) fn prober(message: impl Into<String>) -> Self {
        Failure::Prober { message: message.into() }
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Failure::target(TransportFailure::Protocol, message)
    }
}

/// When the error is the prober's machine running out of something (descriptors, memory,
/// local ports), what ran out. Such a failure must not count against the target.
pub(crate) fn local_exhaustion(err: &io::Error) -> Option<&'static str> {
    match err.kind() {
        io::ErrorKind::OutOfMemory => return Some("out of memory"),
        io::ErrorKind::AddrNotAvailable => return Some("no local address or port is available"),
        _ => {}
    }
    #[cfg(unix)]
    match err.raw_os_error() {
        Some(libc::EMFILE) => return Some("too many open files in the prober process"),
        Some(libc::ENFILE) => return Some("too many open files on the prober's machine"),
        Some(libc::ENOBUFS) | Some(libc::ENOMEM) => return Some("out of socket buffer memory"),
        _ => {}
    }
    None
}

/// Classifies a failed TCP connect to `addr`.
pub(crate) fn connect_failure(err: &io::Error, addr: SocketAddr) -> Failure {
    use TransportFailure::{Connect, ConnectionRefused, Timeout};
    if let Some(what) = local_exhaustion(err) {
        return Failure::prober(format!("could not open a connection to {addr}: {what}"));
    }
    match err.kind() {
        io::ErrorKind::ConnectionRefused => Failure::target(ConnectionRefused, format!("connection refused by {addr}")),
        io::ErrorKind::TimedOut => Failure::target(Timeout, format!("connecting to {addr} timed out")),
        io::ErrorKind::HostUnreachable => Failure::target(Connect, format!("host {} is unreachable", addr.ip())),
        io::ErrorKind::NetworkUnreachable => Failure::target(Connect, format!("network unreachable for {}", addr.ip())),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            Failure::target(Connect, format!("connection to {addr} was reset"))
        }
        io::ErrorKind::PermissionDenied => Failure::target(Connect, format!("connecting to {addr} is not permitted")),
        _ => Failure::target(Connect, format!("could not connect to {addr}: {err}")),
    }
}

/// Classifies an error of the HTTP exchange before the response head arrived.
pub(crate) fn response_failure(err: &hyper::Error) -> Failure {
    if err.is_user() {
        return Failure::prober(format!("could not send the request: {err}"));
    }
    if err.is_parse_too_large() {
        return Failure::protocol("the server sent a malformed HTTP response: the response head is too large");
    }
    if err.is_parse_status() {
        return Failure::protocol("the server sent a malformed HTTP response: the status line is invalid");
    }
    if err.is_parse() {
        return Failure::protocol(format!("the server sent a malformed HTTP response: {}", with_sources(err)));
    }
    if let Some(io_err) = io_source(err) {
        return io_failure(io_err, "waiting for the response");
    }
    if err.is_incomplete_message() || err.is_closed() || err.is_canceled() {
        return Failure::protocol("the server closed the connection without sending a response");
    }
    Failure::protocol(format!("the HTTP exchange failed: {}", with_sources(err)))
}

/// Classifies an error while reading the body, after `received` bytes.
pub(crate) fn body_failure(err: &hyper::Error, received: usize) -> Failure {
    let io_err = io_source(err);
    // hyper reports a body cut short of its Content-Length (or chunked end) as an unexpected EOF.
    if err.is_incomplete_message() || io_err.is_some_and(|e| e.kind() == io::ErrorKind::UnexpectedEof) {
        return Failure::protocol(format!("the body ended early: the connection closed after {received} bytes"));
    }
    if let Some(io_err) = io_err {
        return io_failure(io_err, &format!("reading the body ({received} bytes received)"));
    }
    Failure::protocol(format!("the body is malformed after {received} bytes: {}", with_sources(err)))
}

/// An I/O error on an established connection, `while_doing` something.
fn io_failure(err: &io::Error, while_doing: &str) -> Failure {
    if let Some(what) = local_exhaustion(err) {
        return Failure::prober(format!("the prober failed {while_doing}: {what}"));
    }
    if let Some(tls) = err.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return Failure::target(TransportFailure::Tls, format!("TLS error {while_doing}: {tls}"));
    }
    match err.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
            Failure::target(TransportFailure::Connect, format!("the connection was reset {while_doing}"))
        }
        io::ErrorKind::UnexpectedEof => Failure::protocol(format!("the server closed the connection {while_doing}")),
        _ => Failure::target(TransportFailure::Connect, format!("the connection failed {while_doing}: {err}")),
    }
}

/// The first I/O error in `err`'s source chain; hyper wraps socket errors.
fn io_source<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a io::Error> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            return Some(io_err);
        }
        current = e.source();
    }
    None
}

/// `err` followed by its causes, because hyper's top-level messages ("error parsing header")
/// leave out the detail a person needs.
fn with_sources(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut current = err.source();
    while let Some(cause) = current {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        current = cause.source();
    }
    text
}

/// A duration as a person writes it: `5 s`, `1.5 s`, `300 ms`.
pub(crate) fn human_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if millis < 1000 {
        format!("{millis} ms")
    } else if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        "192.0.2.7:443".parse().expect("literal address")
    }

    fn class_of(failure: &Failure) -> Option<TransportFailure> {
        match failure {
            Failure::Target { class, .. } => Some(*class),
            Failure::Prober { .. } => None,
        }
    }

    #[test]
    fn connect_errors_are_classified() {
        use TransportFailure::*;
        let cases: Vec<(io::Error, Option<TransportFailure>, &str)> = vec![
            (io::ErrorKind::ConnectionRefused.into(), Some(ConnectionRefused), "connection refused by 192.0.2.7:443"),
            (io::ErrorKind::TimedOut.into(), Some(Timeout), "connecting to 192.0.2.7:443 timed out"),
            (io::ErrorKind::HostUnreachable.into(), Some(Connect), "host 192.0.2.7 is unreachable"),
            (io::ErrorKind::NetworkUnreachable.into(), Some(Connect), "network unreachable for 192.0.2.7"),
            (io::ErrorKind::ConnectionReset.into(), Some(Connect), "connection to 192.0.2.7:443 was reset"),
            (io::ErrorKind::PermissionDenied.into(), Some(Connect), "not permitted"),
            (io::Error::other("weird"), Some(Connect), "could not connect to 192.0.2.7:443: weird"),
            (io::ErrorKind::AddrNotAvailable.into(), None, "no local address or port"),
            (io::ErrorKind::OutOfMemory.into(), None, "out of memory"),
            #[cfg(unix)]
            (io::Error::from_raw_os_error(libc::EMFILE), None, "too many open files"),
            #[cfg(unix)]
            (io::Error::from_raw_os_error(libc::ENFILE), None, "too many open files"),
            #[cfg(unix)]
            (io::Error::from_raw_os_error(libc::ENOBUFS), None, "socket buffer"),
            #[cfg(unix)]
            (io::Error::from_raw_os_error(libc::ECONNREFUSED), Some(ConnectionRefused), "refused"),
            #[cfg(unix)]
            (io::Error::from_raw_os_error(libc::EHOSTUNREACH), Some(Connect), "unreachable"),
        ];
        for (err, class, text) in cases {
            let failure = connect_failure(&err, addr());
            assert_eq!(class_of(&failure), class, "{err:?}");
            let (Failure::Target { message, .. } | Failure::Prober { message }) = &failure;
            assert!(message.contains(text), "{err:?}: {message}");
        }
    }

    #[test]
    fn io_errors_on_open_connections() {
        use TransportFailure::*;
        let tls_err = io::Error::new(io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        let cases: Vec<(io::Error, Option<TransportFailure>)> = vec![
            (io::ErrorKind::ConnectionReset.into(), Some(Connect)),
            (io::ErrorKind::BrokenPipe.into(), Some(Connect)),
            (io::ErrorKind::UnexpectedEof.into(), Some(Protocol)),
            (tls_err, Some(Tls)),
            (io::ErrorKind::OutOfMemory.into(), None),
        ];
        for (err, class) in cases {
            assert_eq!(class_of(&io_failure(&err, "reading")), class, "{err:?}");
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(human_duration(Duration::from_secs(5)), "5 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn sources_are_appended_once() {
        let inner = io::Error::other("bad chunk size");
        let outer = io::Error::new(io::ErrorKind::InvalidData, inner);
        assert_eq!(with_sources(&outer), "bad chunk size");
    }
}
