//! The TLS client configuration of the link: rustls on ring, the webpki roots, plus the CA
//! certificates of `ca_file` for a server under a private CA.

use anyhow::{Context, anyhow};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

/// The client configuration.
pub fn client_config(ca_file: Option<&Path>) -> anyhow::Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).with_context(|| format!("reading ca_file {}", path.display()))?;
        let certificates: Vec<CertificateDer> =
            CertificateDer::pem_slice_iter(&pem).collect::<Result<_, _>>().with_context(|| format!("ca_file {}", path.display()))?;
        if certificates.is_empty() {
            return Err(anyhow!("ca_file {} holds no certificate", path.display()));
        }
        for certificate in certificates {
            roots.add(certificate).with_context(|| format!("a certificate of ca_file {}", path.display()))?;
        }
    }
    let config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
