//! [`NetworkGuard`]: the one gate every outbound request Vigil makes for a tenant passes, checks
//! and notification deliveries alike. It resolves a host, vets every address against the
//! network policy and hands back only the vetted addresses, which the caller then dials
//! directly: nothing is looked up again between vetting and connecting, so DNS rebinding cannot
//! slip another address in.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use url::Host;
use vigil_domain::probe::{NetworkPolicy, TransportFailure};

use crate::config::ProberInitError;
use crate::failure::Failure;
use crate::resolve::{GetaddrinfoResolver, Resolve, SystemResolver};
use crate::vet::{self, AddressVetter, PolicyVetter};

/// Name resolution and address vetting, shared by the prober and the notification senders.
/// Cheap to clone (clones share the resolver and its cache).
#[derive(Clone)]
pub struct NetworkGuard {
    resolver: Arc<dyn Resolve>,
    vetter: Arc<dyn AddressVetter>,
}

/// Why the guard let no request through to a host: refused by the network policy, or the
/// name did not resolve. The message is written for a person and never holds more of the URL
/// than its host.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GuardRefusal {
    message: String,
    blocked: bool,
}

impl GuardRefusal {
    /// Whether the network policy refused the host (rather than its name not resolving).
    pub fn is_blocked(&self) -> bool {
        self.blocked
    }
}

impl NetworkGuard {
    /// The production guard: the system DNS configuration and [`NetworkPolicy::vet`].
    pub fn system() -> Result<Self, ProberInitError> {
        Ok(Self::new(Arc::new(SystemResolver::from_system_config()?), Arc::new(PolicyVetter)))
    }

    /// The production guard of a process that looks up few names (the notification senders and
    /// one-check probe engines of the Lambda functions): the C library's resolver
    /// ([`GetaddrinfoResolver`]) and [`NetworkPolicy::vet`], without hickory's DNS client and
    /// cache in its binary.
    pub fn with_getaddrinfo() -> Self {
        Self::new(Arc::new(GetaddrinfoResolver), Arc::new(PolicyVetter))
    }

    /// A guard with its resolution and vetting replaced, for tests and benchmarks (for example
    /// a [`StaticResolver`](crate::StaticResolver) sending made-up names to loopback).
    pub fn new(resolver: Arc<dyn Resolve>, vetter: Arc<dyn AddressVetter>) -> Self {
        Self { resolver, vetter }
    }

    /// The addresses of `host` that `policy` allows, in the resolver's order.
    pub async fn addresses(&self, policy: NetworkPolicy, host: &Host<&str>) -> Result<Vec<IpAddr>, GuardRefusal> {
        self.vet(policy, host).await.1.map_err(|failure| match failure {
            Failure::Target { class, message } => GuardRefusal { message, blocked: class == TransportFailure::Blocked },
            Failure::Prober { message } => GuardRefusal { message, blocked: false },
        })
    }

    /// What [`addresses`](Self::addresses) answers, as the prober reports it, and how long
    /// resolving took (`None` for an IP literal, which is not looked up), failed or not.
    pub(crate) async fn vet(&self, policy: NetworkPolicy, host: &Host<&str>) -> (Option<Duration>, Result<Vec<IpAddr>, Failure>) {
        let (resolved, name, dns) = match host {
            Host::Ipv4(ip) => (Ok(vec![IpAddr::V4(*ip)]), None, None),
            Host::Ipv6(ip) => (Ok(vec![IpAddr::V6(*ip)]), None, None),
            Host::Domain(name) => {
                let started = Instant::now();
                let resolved = self.resolver.resolve(name).await.map_err(|e| e.into_failure(name));
                (resolved, Some(*name), Some(started.elapsed()))
            }
        };
        (dns, resolved.and_then(|addrs| vet::vetted(&*self.vetter, policy, addrs, name)))
    }
}

impl std::fmt::Debug for NetworkGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkGuard").finish_non_exhaustive()
    }
}
