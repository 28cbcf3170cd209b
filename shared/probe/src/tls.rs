//! TLS: the two client configurations (verifying and accepting), built once and shared by all
//! checks; the verifier wrapper that records the leaf certificate's expiry; and the messages
//! for handshake failures.

use jiff::Timestamp;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::cell::Cell;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use vigil_domain::probe::TransportFailure;

use crate::config::ProberInitError;
use crate::failure::Failure;

tokio::task_local! {
    /// Where the verifier leaves what it saw of the leaf certificate. The verifier is shared
    /// by every connection (configs are built once), but it runs synchronously inside the poll
    /// of the handshake future, so a task-local scoped around that future carries the leaf
    /// back to exactly the check that performed the handshake, verified or not.
    static LEAF: Cell<Option<Leaf>>;
}

/// What the check reports about the server's leaf certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Leaf {
    /// Its `notAfter`.
    pub(crate) expires_at: Option<Timestamp>,
    /// Issuer equals subject: most likely a self-signed certificate.
    pub(crate) self_issued: bool,
}

impl Leaf {
    fn parse(der: &CertificateDer<'_>) -> Option<Leaf> {
        let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
        let expires_at = Timestamp::from_second(cert.validity().not_after.timestamp()).ok();
        let self_issued = cert.issuer().as_raw() == cert.subject().as_raw();
        Some(Leaf { expires_at, self_issued })
    }
}

/// The connectors for `verify_tls` on and off.
pub(crate) struct TlsConnectors {
    verifying: TlsConnector,
    accepting: TlsConnector,
}

impl TlsConnectors {
    /// Builds both configurations: ring as the provider, the webpki roots plus `extra_roots_pem`
    /// as trust anchors, HTTP/1.1 by ALPN.
    pub(crate) fn new(extra_roots_pem: Option<&[u8]>) -> Result<Self, ProberInitError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(pem) = extra_roots_pem {
            add_pem_roots(&mut roots, pem)?;
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| ProberInitError::Tls(e.to_string()))?;
        let algorithms = provider.signature_verification_algorithms;
        let verifying = RecordingVerifier { verify: Some(webpki), algorithms };
        let accepting = RecordingVerifier { verify: None, algorithms };
        Ok(TlsConnectors {
            verifying: TlsConnector::from(Arc::new(client_config(&provider, verifying)?)),
            accepting: TlsConnector::from(Arc::new(client_config(&provider, accepting)?)),
        })
    }

    /// The connector for a check's `verify_tls`.
    pub(crate) fn get(&self, verify: bool) -> &TlsConnector {
        if verify { &self.verifying } else { &self.accepting }
    }
}

fn client_config(provider: &Arc<CryptoProvider>, verifier: RecordingVerifier) -> Result<ClientConfig, ProberInitError> {
    let mut config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ProberInitError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    // Every check must do a full handshake: a resumed session would make the TLS timing look
    // better than a new visitor's and would skip the certificate, so expiry would go unseen.
    config.resumption = rustls::client::Resumption::disabled();
    Ok(config)
}

fn add_pem_roots(roots: &mut RootCertStore, pem: &[u8]) -> Result<(), ProberInitError> {
    let mut count = 0;
    for (index, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let cert = cert.map_err(|e| ProberInitError::RootCertificatesPem(e.to_string()))?;
        roots.add(cert).map_err(|e| ProberInitError::RootCertificateRejected { index: index + 1, reason: e.to_string() })?;
        count += 1;
    }
    if count == 0 {
        return Err(ProberInitError::NoRootCertificates);
    }
    Ok(())
}

/// Records the leaf, then verifies it (or, for `verify_tls = false`, accepts it). Handshake
/// signatures are always checked: not trusting the certificate is no reason to accept a
/// handshake forged by someone without its key.
#[derive(Debug)]
struct RecordingVerifier {
    verify: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let leaf = Leaf::parse(end_entity);
        // Outside a scope (never in this crate) there is nowhere to record; verification
        // itself must not depend on it.
        let _ = LEAF.try_with(|slot| slot.set(leaf));
        match &self.verify {
            Some(webpki) => webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now),
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Performs the handshake, returning its result and whatever was seen of the leaf.
pub(crate) async fn handshake(
    connector: &TlsConnector,
    name: ServerName<'static>,
    tcp: TcpStream,
) -> (io::Result<TlsStream<TcpStream>>, Option<Leaf>) {
    let mut scoped = pin!(LEAF.scope(Cell::new(None), connector.connect(name, tcp)));
    let result = scoped.as_mut().await;
    let leaf = scoped.as_mut().take_value().and_then(Cell::into_inner);
    (result, leaf)
}

/// The SNI name for a URL host: a DNS name, or the IP literal itself.
pub(crate) fn server_name(host: &url::Host<&str>) -> Result<ServerName<'static>, Failure> {
    match host {
        url::Host::Domain(name) => ServerName::try_from(name.to_string())
            .map_err(|_| Failure::target(TransportFailure::Tls, format!("{name} cannot be used as a TLS server name"))),
        url::Host::Ipv4(ip) => Ok(ServerName::IpAddress((*ip).into())),
        url::Host::Ipv6(ip) => Ok(ServerName::IpAddress((*ip).into())),
    }
}

/// Classifies a failed handshake with `host`.
pub(crate) fn handshake_failure(err: &io::Error, host: &str, leaf: Option<Leaf>) -> Failure {
    let tls = |message: String| Failure::target(TransportFailure::Tls, message);
    if let Some(rustls_err) = err.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return tls(describe(rustls_err, host, leaf));
    }
    if let Some(what) = crate::failure::local_exhaustion(err) {
        return Failure::prober(format!("the prober failed during the TLS handshake: {what}"));
    }
    tls(match err.kind() {
        io::ErrorKind::UnexpectedEof => "TLS handshake failed: the server closed the connection".to_owned(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
            "TLS handshake failed: the server reset the connection".to_owned()
        }
        _ => format!("TLS handshake failed: {err}"),
    })
}

fn describe(err: &rustls::Error, host: &str, leaf: Option<Leaf>) -> String {
    let expiry = leaf.and_then(|l| l.expires_at);
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer if leaf.is_some_and(|l| l.self_issued) => {
                "certificate is not trusted: it is self-signed".to_owned()
            }
            CertificateError::UnknownIssuer => "certificate is not trusted: it is not issued by a known certificate authority".to_owned(),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => match expiry {
                Some(at) => format!("certificate expired on {at}"),
                None => "certificate expired".to_owned(),
            },
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "certificate is not valid yet".to_owned(),
            CertificateError::NotValidForName => format!("certificate name mismatch: it is not valid for {host}"),
            CertificateError::NotValidForNameContext { presented, .. } => {
                let names = if presented.is_empty() { "no names".to_owned() } else { presented.join(", ") };
                format!("certificate name mismatch: it is not valid for {host} (it names {names})")
            }
            CertificateError::Revoked => "certificate has been revoked".to_owned(),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                "certificate is not valid for server authentication".to_owned()
            }
            CertificateError::BadEncoding => "certificate is not trusted: it is malformed".to_owned(),
            CertificateError::BadSignature => "certificate is not trusted: its signature is invalid".to_owned(),
            other => format!("certificate is not trusted: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => format!("TLS handshake failed: the server sent the alert {alert:?}"),
        rustls::Error::PeerIncompatible(why) => {
            format!("TLS handshake failed: no protocol version or cipher suite in common ({why:?})")
        }
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            format!("TLS handshake failed: the server did not answer with TLS ({err})")
        }
        other => format!("TLS handshake failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::DnsName;

    fn leaf(self_issued: bool) -> Option<Leaf> {
        Some(Leaf { expires_at: Some(Timestamp::from_second(1_700_000_000).expect("in range")), self_issued })
    }

    #[test]
    fn certificate_errors_read_like_sentences() {
        let expected_name = ServerName::DnsName(DnsName::try_from("a.test").expect("valid").to_owned());
        let cases: Vec<(rustls::Error, Option<Leaf>, &str)> = vec![
            (CertificateError::UnknownIssuer.into(), leaf(true), "certificate is not trusted: it is self-signed"),
            (CertificateError::UnknownIssuer.into(), leaf(false), "certificate is not trusted: it is not issued by a known"),
            (CertificateError::Expired.into(), leaf(false), "certificate expired on 2023-11-14T22:13:20Z"),
            (CertificateError::Expired.into(), None, "certificate expired"),
            (CertificateError::NotValidForName.into(), leaf(false), "certificate name mismatch: it is not valid for a.test"),
            (
                CertificateError::NotValidForNameContext { expected: expected_name, presented: vec!["b.test".into()] }.into(),
                leaf(false),
                "certificate name mismatch: it is not valid for a.test (it names b.test)",
            ),
            (CertificateError::NotValidYet.into(), leaf(false), "certificate is not valid yet"),
            (CertificateError::Revoked.into(), leaf(false), "certificate has been revoked"),
            (CertificateError::BadSignature.into(), leaf(false), "certificate is not trusted: its signature"),
            (rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure), None, "server sent the alert"),
            (rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType), None, "did not answer with TLS"),
        ];
        for (err, leaf, expected) in cases {
            let io_err = io::Error::new(io::ErrorKind::InvalidData, err.clone());
            match handshake_failure(&io_err, "a.test", leaf) {
                Failure::Target { class: TransportFailure::Tls, message } => {
                    assert!(message.contains(expected), "{err:?}: {message}")
                }
                other => panic!("{err:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn socket_errors_in_the_handshake_are_tls_failures() {
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        assert!(matches!(
            handshake_failure(&eof, "a.test", None),
            Failure::Target { class: TransportFailure::Tls, message } if message.contains("closed the connection")
        ));
    }

    #[test]
    fn bad_extra_roots_are_rejected_at_start_up() {
        assert!(matches!(TlsConnectors::new(Some(b"not pem at all")), Err(ProberInitError::NoRootCertificates)));
        let truncated = b"-----BEGIN CERTIFICATE-----\nMIIB\n";
        assert!(matches!(TlsConnectors::new(Some(truncated)), Err(ProberInitError::RootCertificatesPem(_))));
        let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(TlsConnectors::new(Some(garbage)), Err(ProberInitError::RootCertificateRejected { index: 1, .. })));
        assert!(TlsConnectors::new(None).is_ok());
    }
}
