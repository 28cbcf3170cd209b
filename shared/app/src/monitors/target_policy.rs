use std::net::IpAddr;
use url::{Host, Url};
use vigil_domain::monitor::FieldError;
use vigil_domain::probe::NetworkPolicy;

/// Refuses, at save time, a URL that the network policy could never let a check reach: an IP
/// literal in a refused range, or `localhost`. Names are vetted again at every check, since
/// what they resolve to can change.
pub(crate) fn vet_target(policy: NetworkPolicy, url: &Url) -> Result<(), FieldError> {
    let ip: IpAddr = match url.host() {
        Some(Host::Ipv4(ip)) => ip.into(),
        Some(Host::Ipv6(ip)) => ip.into(),
        Some(Host::Domain(name)) if is_localhost(name) && policy == NetworkPolicy::PublicOnly => {
            return Err(refused(format!("`{name}` is a loopback name")));
        }
        _ => return Ok(()),
    };
    policy.vet(ip).map_err(|class| refused(format!("{ip} is {}", class.an_address())))
}

fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

fn refused(reason: String) -> FieldError {
    FieldError { field: "url".into(), message: format!("{reason}, and this deployment only checks public addresses") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_policy() {
        let cases = [
            ("http://10.0.0.1/", NetworkPolicy::PublicOnly, false),
            ("http://10.0.0.1/", NetworkPolicy::AllowPrivate, true),
            ("http://[::1]:8080/", NetworkPolicy::PublicOnly, false),
            ("http://localhost:3000/", NetworkPolicy::PublicOnly, false),
            ("http://api.localhost/", NetworkPolicy::PublicOnly, false),
            ("http://localhost:3000/", NetworkPolicy::AllowPrivate, true),
            ("https://example.com/", NetworkPolicy::PublicOnly, true),
            ("http://169.254.169.254/latest/meta-data", NetworkPolicy::PublicOnly, false),
            ("http://93.184.216.34/", NetworkPolicy::PublicOnly, true),
        ];
        for (url, policy, ok) in cases {
            assert_eq!(vet_target(policy, &Url::parse(url).unwrap()).is_ok(), ok, "{url} {policy:?}");
        }
    }
}
