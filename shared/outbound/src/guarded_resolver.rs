//! reqwest's name resolution, routed through the [`NetworkGuard`]: the connector dials only the
//! addresses the guard vetted, so a delivery cannot be steered to an internal service by a
//! name that resolves to one, nor by one that changes its answer between checks.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use url::Host;
use vigil_domain::probe::NetworkPolicy;
use vigil_probe::NetworkGuard;

/// The guard under one policy, as reqwest's resolver.
pub(crate) struct GuardedResolver {
    pub(crate) guard: NetworkGuard,
    pub(crate) policy: NetworkPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        let policy = self.policy;
        Box::pin(async move {
            let addrs = guard.addresses(policy, &Host::Domain(name.as_str())).await?;
            // Port 0: reqwest puts the URL's port (or the scheme's) in its place.
            let addrs: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}
