//! The SSRF guard: which resolved addresses a check may connect to.

use std::net::IpAddr;
use vigil_domain::probe::{AddressClass, NetworkPolicy, TransportFailure};

use crate::failure::Failure;

/// Decides whether a check running under `policy` may connect to an address. Production uses
/// [`PolicyVetter`]; tests substitute a rule (any `Fn(NetworkPolicy, IpAddr) -> Result<(),
/// AddressClass>` is a vetter) to, say, allow 127.0.0.1 while refusing 127.0.0.2.
pub trait AddressVetter: Send + Sync {
    /// `Ok` when `ip` may be connected to, else the class that forbids it.
    fn vet(&self, policy: NetworkPolicy, ip: IpAddr) -> Result<(), AddressClass>;
}

/// The production rule: [`NetworkPolicy::vet`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicyVetter;

impl AddressVetter for PolicyVetter {
    fn vet(&self, policy: NetworkPolicy, ip: IpAddr) -> Result<(), AddressClass> {
        policy.vet(ip)
    }
}

impl<F> AddressVetter for F
where
    F: Fn(NetworkPolicy, IpAddr) -> Result<(), AddressClass> + Send + Sync,
{
    fn vet(&self, policy: NetworkPolicy, ip: IpAddr) -> Result<(), AddressClass> {
        self(policy, ip)
    }
}

/// Keeps the addresses `vetter` allows, in order. When none is allowed the check is Blocked,
/// naming the first refused address; `name` is the host name they came from, if any.
pub(crate) fn vetted(
    vetter: &dyn AddressVetter,
    policy: NetworkPolicy,
    mut addrs: Vec<IpAddr>,
    name: Option<&str>,
) -> Result<Vec<IpAddr>, Failure> {
    let mut first_refused = None;
    addrs.retain(|ip| match vetter.vet(policy, *ip) {
        Ok(()) => true,
        Err(class) => {
            first_refused.get_or_insert((*ip, class));
            false
        }
    });
    match first_refused {
        Some((ip, class)) if addrs.is_empty() => {
            let from = name.map(|n| format!(" (resolved from {n})")).unwrap_or_default();
            Err(Failure::target(TransportFailure::Blocked, format!("refusing to connect to {ip}: {class} address{from}")))
        }
        _ => Ok(addrs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("literal address")
    }

    #[test]
    fn refused_addresses_are_dropped_in_order() {
        let addrs = vec![ip("10.0.0.5"), ip("93.184.216.34"), ip("127.0.0.1"), ip("1.1.1.1")];
        let kept = vetted(&PolicyVetter, NetworkPolicy::PublicOnly, addrs, Some("mixed.test"));
        assert_eq!(kept, Ok(vec![ip("93.184.216.34"), ip("1.1.1.1")]));
    }

    #[test]
    fn all_refused_is_blocked_naming_the_first() {
        let cases = [
            (vec![ip("10.0.0.5")], None, "refusing to connect to 10.0.0.5: private address"),
            (vec![ip("169.254.169.254")], None, "refusing to connect to 169.254.169.254: cloud metadata address"),
            (
                vec![ip("::1"), ip("127.0.0.1")],
                Some("intranet.test"),
                "refusing to connect to ::1: loopback address (resolved from intranet.test)",
            ),
        ];
        for (addrs, name, message) in cases {
            let blocked = vetted(&PolicyVetter, NetworkPolicy::PublicOnly, addrs, name);
            assert_eq!(blocked, Err(Failure::target(TransportFailure::Blocked, message)));
        }
    }

    #[test]
    fn allow_private_allows_everything_and_closures_are_vetters() {
        let addrs = vec![ip("10.0.0.5"), ip("127.0.0.1")];
        assert_eq!(vetted(&PolicyVetter, NetworkPolicy::AllowPrivate, addrs.clone(), None), Ok(addrs));
        let only_one = |_: NetworkPolicy, a: IpAddr| if a == ip("127.0.0.1") { Ok(()) } else { Err(AddressClass::Loopback) };
        let kept = vetted(&only_one, NetworkPolicy::AllowPrivate, vec![ip("127.0.0.2"), ip("127.0.0.1")], None);
        assert_eq!(kept, Ok(vec![ip("127.0.0.1")]));
    }
}
