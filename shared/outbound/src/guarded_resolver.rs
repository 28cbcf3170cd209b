//! Name resolution for the HTTP channels' connector, routed through the [`NetworkGuard`]: the
//! connector dials only the addresses the guard vetted, so a delivery cannot be steered to an
//! internal service by a name that resolves to one, nor by one that changes its answer between
//! checks.

use hyper_util::client::legacy::connect::dns::Name;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use url::Host;
use vigil_domain::probe::NetworkPolicy;
use vigil_probe::{GuardRefusal, NetworkGuard};

/// The guard under one policy, as hyper's resolver.
#[derive(Clone, Debug)]
pub(crate) struct GuardedResolver {
    pub(crate) guard: NetworkGuard,
    pub(crate) policy: NetworkPolicy,
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = GuardRefusal;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, GuardRefusal>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), GuardRefusal>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let (guard, policy) = (self.guard.clone(), self.policy);
        Box::pin(async move {
            let addresses = guard.addresses(policy, &Host::Domain(name.as_str())).await?;
            // Port 0: the connector puts the URL's port (or the scheme's) in its place.
            Ok(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect::<Vec<_>>().into_iter())
        })
    }
}
