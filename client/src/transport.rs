//! How requests reach the server: over HTTP(S) with reqwest, or through any other
//! [`Transport`] (the server's own router, in process).

use async_trait::async_trait;
use bytes::Bytes;
use std::fmt;
use std::time::Duration;

/// A request that got no answer.
#[derive(Debug)]
pub struct TransportError {
    /// Whether the request surely never reached the server (the connection failed), so that
    /// sending it again cannot do anything twice.
    pub not_sent: bool,
    /// What happened.
    pub message: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends one request and returns the response, whatever its status.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`.
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError>;
}

/// HTTP(S) with reqwest (rustls and the web's root certificates).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport whose requests time out after `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, crate::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .user_agent(concat!("vigil-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| crate::Error::Usage(format!("setting up HTTP: {e}")))?;
        Ok(Self { client })
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let target = request.uri().to_string();
        let request = reqwest::Request::try_from(request).map_err(|e| TransportError { not_sent: true, message: e.to_string() })?;
        let failed = |error: reqwest::Error| TransportError {
            not_sent: error.is_connect() || error.is_builder(),
            message: if error.is_timeout() {
                format!("{target} did not answer in time")
            } else if error.is_connect() {
                format!("cannot connect to {target}: {}", root_cause(&error))
            } else {
                format!("{target}: {}", root_cause(&error))
            },
        };
        let response = self.client.execute(request).await.map_err(failed)?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response.bytes().await.map_err(failed)?;
        builder.body(body).map_err(|e| TransportError { not_sent: false, message: e.to_string() })
    }
}

/// The innermost cause, which says what happened ("Connection refused").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
