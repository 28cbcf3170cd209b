//! What every hyper client of Vigil's outbound calls shares (the notifier's HTTP channels here,
//! the AWS clients in vigil-aws): TLS on ring trusting the webpki roots, and finding a cause of
//! a given type in a client's error.

use std::error::Error as StdError;
use std::sync::Arc;

/// The webpki roots (Mozilla's), compiled in: nothing is read from the system at start.
pub fn webpki_roots() -> rustls::RootCertStore {
    rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() }
}

/// A TLS client configuration on ring with the safe defaults, trusting `roots`.
pub fn tls_client_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// The first error of type `E` in `error`'s chain, itself included (a client wraps its
/// connector's and resolver's errors).
pub fn source_of<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<E>() {
            return Some(found);
        }
        next = current.source();
    }
    None
}
