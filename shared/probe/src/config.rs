//! How a prober is set up, and what can go wrong doing so.

/// Settings fixed for the life of an [`HttpProber`](crate::HttpProber).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProberConfig {
    /// Sent as `User-Agent` unless a check sets its own.
    pub user_agent: String,
    /// PEM certificates trusted as roots in addition to the public web PKI, for self-hosted
    /// users whose internal services use a private certificate authority.
    pub extra_root_certificates_pem: Option<Vec<u8>>,
}

impl ProberConfig {
    /// The user agent sent by default.
    pub const DEFAULT_USER_AGENT: &'static str = "Vigil/0.1 (+https://github.com/vigil-monitoring; uptime check)";
}

impl Default for ProberConfig {
    fn default() -> Self {
        ProberConfig { user_agent: Self::DEFAULT_USER_AGENT.to_owned(), extra_root_certificates_pem: None }
    }
}

/// Why a prober could not be built. These are configuration mistakes, found at start-up
/// rather than on the first check.
#[derive(Debug, thiserror::Error)]
pub enum ProberInitError {
    /// The configured user agent cannot be sent as a header value.
    #[error("the user agent {0:?} is not a valid header value")]
    UserAgent(String),
    /// The extra root certificates could not be read as PEM.
    #[error("the extra root certificates are not valid PEM: {0}")]
    RootCertificatesPem(String),
    /// The extra root certificates PEM held no certificate.
    #[error("the extra root certificates PEM contains no certificate")]
    NoRootCertificates,
    /// An extra root certificate was not accepted as a trust anchor.
    #[error("extra root certificate {index} cannot be used as a trust anchor: {reason}")]
    RootCertificateRejected {
        /// Its position in the PEM, from 1.
        index: usize,
        /// Why it was rejected.
        reason: String,
    },
    /// The TLS configuration could not be built.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// The system DNS configuration could not be read.
    #[error("cannot read the system DNS configuration: {0}")]
    Resolver(String),
}
