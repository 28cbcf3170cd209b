//! Name resolution: the [`Resolve`] seam, the production [`SystemResolver`] and the
//! [`StaticResolver`] that tests and benchmarks use to send made-up names to loopback.

use async_trait::async_trait;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::LookupIpStrategy;
use hickory_resolver::net::NetError;
use std::collections::HashMap;
use std::net::IpAddr;

use crate::config::ProberInitError;
use crate::failure::{Failure, local_exhaustion};
use vigil_domain::probe::TransportFailure;

/// Turns a host name into the addresses to try, in order. Called once per hop whose host is a
/// name (IP literals are not looked up). The prober vets what comes back, so an implementation
/// does not need to filter anything.
#[async_trait]
pub trait Resolve: Send + Sync {
    /// The addresses of `host` (a lower-case DNS name without brackets or port).
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError>;
}

/// Why a name did not resolve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The name does not exist (NXDOMAIN).
    #[error("no such domain")]
    NoSuchName,
    /// The name exists but has no A or AAAA records.
    #[error("no A or AAAA records")]
    NoAddresses,
    /// The lookup failed (resolver unreachable, server failure, timeout).
    #[error("{0}")]
    Failed(String),
    /// The prober's own machine could not perform the lookup (out of sockets or memory); this
    /// says nothing about the name.
    #[error("{0}")]
    Local(String),
}

impl ResolveError {
    /// The failure a check reports for `host`.
    pub(crate) fn into_failure(self, host: &str) -> Failure {
        match self {
            ResolveError::NoSuchName => Failure::target(TransportFailure::Dns, format!("{host} does not resolve: no such domain")),
            ResolveError::NoAddresses => {
                Failure::target(TransportFailure::Dns, format!("{host} does not resolve: it has no A or AAAA records"))
            }
            ResolveError::Failed(why) => Failure::target(TransportFailure::Dns, format!("DNS lookup for {host} failed: {why}")),
            ResolveError::Local(why) => Failure::prober(format!("could not look up {host}: {why}")),
        }
    }
}

/// The production resolver: hickory over tokio, configured from the system (`/etc/resolv.conf`,
/// hosts file). Its cache honours record TTLs, which matters at hundreds of checks a second
/// against a few thousand names.
pub struct SystemResolver {
    inner: TokioResolver,
}

impl SystemResolver {
    /// Reads the system configuration. Performs no lookup.
    pub fn from_system_config() -> Result<Self, ProberInitError> {
        let mut builder = TokioResolver::builder_tokio().map_err(|e| ProberInitError::Resolver(e.to_string()))?;
        let options = builder.options_mut();
        // Both families, IPv4 first: most sites are reached over IPv4, and a prober host with
        // a half-working IPv6 route must not spend a check's whole budget on it first.
        options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        // One entry per name and record type; ten thousand monitors on distinct names would
        // churn the default 8192.
        options.cache_size = 32_768;
        let inner = builder.build().map_err(|e| ProberInitError::Resolver(e.to_string()))?;
        Ok(SystemResolver { inner })
    }
}

impl std::fmt::Debug for SystemResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemResolver").finish_non_exhaustive()
    }
}

#[async_trait]
impl Resolve for SystemResolver {
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        let lookup = self.inner.lookup_ip(host).await.map_err(classify_hickory)?;
        let addrs: Vec<IpAddr> = lookup.iter().collect();
        if addrs.is_empty() { Err(ResolveError::NoAddresses) } else { Ok(addrs) }
    }
}

fn classify_hickory(err: NetError) -> ResolveError {
    if err.is_nx_domain() {
        return ResolveError::NoSuchName;
    }
    if err.is_no_records_found() {
        return ResolveError::NoAddresses;
    }
    match &err {
        NetError::Io(io) => match local_exhaustion(io) {
            Some(what) => ResolveError::Local(what.to_owned()),
            None => ResolveError::Failed(format!("the DNS server could not be reached ({io})")),
        },
        NetError::Timeout => ResolveError::Failed("the DNS server did not answer in time".to_owned()),
        NetError::NoConnections => ResolveError::Failed("no DNS server is reachable".to_owned()),
        _ => ResolveError::Failed(err.to_string()),
    }
}

/// The C library's resolver (`getaddrinfo`, on one of tokio's blocking threads), configured from
/// the system as [`SystemResolver`] is, but with no cache and no DNS client of its own. For a
/// process that looks up few names, such as a Lambda function sending notifications: hickory's
/// code is then most of what resolving would cost its package, for a cache it barely uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetaddrinfoResolver;

#[async_trait]
impl Resolve for GetaddrinfoResolver {
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        // The port is required by the call and ignored: only the addresses are kept.
        let found = tokio::net::lookup_host((host, 0)).await.map_err(|e| match local_exhaustion(&e) {
            Some(what) => ResolveError::Local(what.to_owned()),
            // getaddrinfo's errors do not say apart a missing name from an unreachable server
            // portably; its own sentence goes to the person reading the failure.
            None => ResolveError::Failed(e.to_string()),
        })?;
        let mut addrs: Vec<IpAddr> = Vec::new();
        for addr in found {
            if !addrs.contains(&addr.ip()) {
                addrs.push(addr.ip());
            }
        }
        if addrs.is_empty() { Err(ResolveError::NoAddresses) } else { Ok(addrs) }
    }
}

/// A fixed table of names, for tests and benchmarks: every other name is
/// [`ResolveError::NoSuchName`].
#[derive(Clone, Debug, Default)]
pub struct StaticResolver {
    names: HashMap<String, Vec<IpAddr>>,
}

impl StaticResolver {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `host` resolving to `addrs`, in that order (case-insensitive).
    pub fn with(mut self, host: &str, addrs: impl IntoIterator<Item = IpAddr>) -> Self {
        self.names.insert(host.to_ascii_lowercase(), addrs.into_iter().collect());
        self
    }
}

#[async_trait]
impl Resolve for StaticResolver {
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        match self.names.get(&host.to_ascii_lowercase()) {
            Some(addrs) if addrs.is_empty() => Err(ResolveError::NoAddresses),
            Some(addrs) => Ok(addrs.clone()),
            None => Err(ResolveError::NoSuchName),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn hickory_errors_are_classified() {
        let refused = NetError::Io(std::sync::Arc::new(io::Error::from(io::ErrorKind::ConnectionRefused)));
        assert!(matches!(classify_hickory(refused), ResolveError::Failed(m) if m.contains("could not be reached")));
        let exhausted = NetError::Io(std::sync::Arc::new(io::Error::from(io::ErrorKind::OutOfMemory)));
        assert_eq!(classify_hickory(exhausted), ResolveError::Local("out of memory".to_owned()));
        assert!(matches!(classify_hickory(NetError::Timeout), ResolveError::Failed(m) if m.contains("in time")));
    }

    #[test]
    fn resolve_errors_become_failures() {
        let dns = |e: ResolveError| match e.into_failure("a.test") {
            Failure::Target { class: TransportFailure::Dns, message } => Some(message),
            _ => None,
        };
        assert_eq!(dns(ResolveError::NoSuchName).as_deref(), Some("a.test does not resolve: no such domain"));
        assert!(dns(ResolveError::NoAddresses).is_some_and(|m| m.contains("no A or AAAA")));
        assert_eq!(dns(ResolveError::Failed("boom".into())).as_deref(), Some("DNS lookup for a.test failed: boom"));
        assert_eq!(dns(ResolveError::Local("out of memory".into())), None);
    }

    #[tokio::test]
    async fn getaddrinfo_finds_the_hosts_file_and_says_why_a_name_is_not_found() {
        // Both answers come from the machine itself: localhost from the hosts file, and a name
        // under .invalid (RFC 6761) never resolves, with or without a network.
        let found = GetaddrinfoResolver.resolve("localhost").await.expect("localhost resolves");
        assert!(found.iter().all(|ip| ip.is_loopback()) && !found.is_empty(), "{found:?}");
        let missing = GetaddrinfoResolver.resolve("no-such-host.invalid").await.unwrap_err();
        assert!(matches!(&missing, ResolveError::Failed(why) if !why.is_empty()), "{missing:?}");
    }

    #[tokio::test]
    async fn static_table_lookups() {
        let one: IpAddr = "127.0.0.1".parse().expect("literal");
        let table = StaticResolver::new().with("App.Test", [one]).with("empty.test", []);
        assert_eq!(table.resolve("app.test").await, Ok(vec![one]));
        assert_eq!(table.resolve("empty.test").await, Err(ResolveError::NoAddresses));
        assert_eq!(table.resolve("other.test").await, Err(ResolveError::NoSuchName));
    }
}
