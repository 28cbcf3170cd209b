//! The HTTP client every AWS call goes through, the SDK's and Vigil's own S3 requests: hyper's
//! HTTP/1.1 client over rustls on ring, trusting the webpki roots (the stack the probe engine
//! and the OpenID Connect adapter are made of; its TLS configuration is `vigil_outbound`'s).
//!
//! The SDK's own client (`aws-smithy-http-client`) turns HTTP/2 on with its rustls feature and
//! loads the system's certificates at every cold start; no service Vigil calls needs HTTP/2, and
//! its code was about 280 KiB of every function's binary (docs/aws.md, "The SDK's HTTP client").

use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use vigil_outbound::{source_of, tls_client_config, webpki_roots};

type Https = hyper_rustls::HttpsConnector<TcpConnector>;
/// A connector's timeouts: to connect, and to read an answer's head.
type Timeouts = (Option<Duration>, Option<Duration>);

/// How long an idle connection is kept for the next request (API Gateway and the AWS endpoints
/// close theirs after a few minutes; a Lambda between invocations is frozen anyway).
const POOL_IDLE: Duration = Duration::from_secs(90);

/// The SDK's HTTP client: one connection pool per pair of timeouts the SDK asks for (every
/// client here asks for the same one), sharing one TLS configuration made on first use.
#[derive(Clone, Debug, Default)]
pub struct SdkHttpClient {
    tls: Arc<OnceLock<rustls::ClientConfig>>,
    connectors: Arc<Mutex<HashMap<Timeouts, SharedHttpConnector>>>,
}

impl SdkHttpClient {
    /// A client trusting the webpki roots. Makes no connection.
    pub fn new() -> Self {
        Self::default()
    }

    /// A client trusting the webpki roots and `extra` (a test's own certificate authority).
    #[cfg(test)]
    fn trusting(extra: rustls::pki_types::CertificateDer<'static>) -> Self {
        let client = Self::default();
        let mut roots = webpki_roots();
        roots.add(extra).expect("a test's certificate authority");
        client.tls.set(tls_client_config(roots)).expect("a fresh client");
        client
    }

    /// A connector of `settings`' timeouts, sharing this client's pools.
    pub(crate) fn connector(&self, settings: &HttpConnectorSettings) -> SharedHttpConnector {
        let key: Timeouts = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().expect("no request panics while holding the connectors");
        connectors
            .entry(key)
            .or_insert_with(|| {
                let tls = self.tls.get_or_init(|| tls_client_config(webpki_roots()));
                SharedHttpConnector::new(SdkConnector::new(tls.clone(), key.0, key.1))
            })
            .clone()
    }
}

impl HttpClient for SdkHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _components: &RuntimeComponents) -> SharedHttpConnector {
        self.connector(settings)
    }
}

/// One pool of HTTP/1.1 connections (HTTPS, or plain HTTP for an emulator on loopback).
#[derive(Clone, Debug)]
struct SdkConnector {
    client: Client<Https, SdkBody>,
    read_timeout: Option<Duration>,
}

impl SdkConnector {
    fn new(tls: rustls::ClientConfig, connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> Self {
        let mut tcp = TcpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(connect_timeout);
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(tcp);
        let client = Client::builder(TokioExecutor::new()).pool_idle_timeout(POOL_IDLE).build(https);
        Self { client, read_timeout }
    }
}

impl HttpConnector for SdkConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into()))),
        };
        let (client, read_timeout) = (self.client.clone(), self.read_timeout);
        HttpConnectorFuture::new(async move {
            let exchange = client.request(request);
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, exchange)
                    .await
                    .map_err(|_| ConnectorError::timeout(format!("no answer within {limit:?}").into()))?,
                None => exchange.await,
            }
            .map_err(connector_error)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x)).map_err(|error| ConnectorError::other(error.into(), None))
        })
    }
}

/// What the SDK's retries need to know of a failed exchange: a connection that could not be
/// made, was cut or timed out is tried again; a request that cannot be sent as it is is not.
fn connector_error(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let timed_out = source_of::<std::io::Error>(&error).is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
    let hyper_error = source_of::<hyper::Error>(&error);
    if timed_out || hyper_error.is_some_and(hyper::Error::is_timeout) {
        ConnectorError::timeout(error.into())
    } else if error.is_connect() || source_of::<std::io::Error>(&error).is_some() {
        ConnectorError::io(error.into())
    } else if let Some(hyper_error) = hyper_error {
        if hyper_error.is_closed() || hyper_error.is_canceled() {
            ConnectorError::io(error.into())
        } else if hyper_error.is_incomplete_message() {
            ConnectorError::other(error.into(), Some(ErrorKind::TransientError))
        } else if hyper_error.is_user() {
            ConnectorError::user(error.into())
        } else {
            ConnectorError::other(error.into(), None)
        }
    } else {
        ConnectorError::other(error.into(), None)
    }
}

#[cfg(test)]
mod tests;
