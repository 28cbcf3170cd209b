//! TCP connection to vetted addresses.

use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpStream;
use tokio::time::Instant;
use vigil_domain::probe::TransportFailure;

use crate::failure::{Failure, connect_failure};
use crate::progress::{Phase, Progress};

/// Connects to the first of `addrs` (already vetted) that accepts, in order, each attempt
/// having whatever is left of the check's deadline. Only these exact addresses are dialled:
/// nothing is looked up again between vetting and connecting, so DNS rebinding cannot slip
/// another address in.
pub(crate) async fn connect(addrs: &[IpAddr], port: u16, progress: &mut Progress) -> Result<(TcpStream, SocketAddr), Failure> {
    let started = Instant::now();
    let mut first_failure = None;
    let mut refused = None;
    for &ip in addrs {
        let addr = SocketAddr::new(ip, port);
        progress.phase = Phase::Connecting(addr);
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                progress.connect = Some(started.elapsed());
                progress.remote_ip = Some(ip);
                // The request head and body may go out in separate writes; Nagle would hold
                // the second back for a delayed ACK and inflate time to first byte.
                let _ = stream.set_nodelay(true);
                return Ok((stream, addr));
            }
            Err(err) => match connect_failure(&err, addr) {
                prober @ Failure::Prober { .. } => return Err(prober),
                failure => {
                    if refused.is_none() && matches!(failure, Failure::Target { class: TransportFailure::ConnectionRefused, .. }) {
                        refused = Some(failure.clone());
                    }
                    first_failure.get_or_insert(failure);
                }
            },
        }
    }
    progress.connect = Some(started.elapsed());
    // A refusal says the host is up but not listening, which is more useful to a person than
    // an unreachable IPv6 route tried alongside it.
    let failure = refused.or(first_failure).unwrap_or_else(|| Failure::target(TransportFailure::Connect, "no address to connect to"));
    Err(match failure {
        Failure::Target { class, message } if addrs.len() > 1 => {
            Failure::Target { class, message: format!("{message} (all {} addresses failed)", addrs.len()) }
        }
        other => other,
    })
}
