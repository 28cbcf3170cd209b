//! How the adapter talks to the provider: hyper's client over rustls on ring, the stack the AWS
//! SDK's client and the probe engine are already made of, so a Lambda function that signs people
//! in carries no second HTTP client for it. No redirect is followed (the library's advice: one
//! during discovery or the code exchange could be steered to an address of the attacker's
//! choosing), connecting takes at most 5 s and a whole exchange 15 s, and an answer is read up
//! to 1 MiB.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How long connecting to the provider may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one exchange with the provider may take, its answer read whole.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest answer read (discovery documents and key sets are a few KiB).
const LARGEST_ANSWER: usize = 1024 * 1024;
/// Who asks.
const USER_AGENT: &str = concat!("Vigil/", env!("CARGO_PKG_VERSION"));

/// Why an exchange with the provider failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderHttpError {
    /// The request could not be sent or its answer's head read.
    #[error("{0}")]
    Request(#[from] hyper_util::client::legacy::Error),
    /// The answer's body could not be read, or was over 1 MiB.
    #[error("reading the answer: {0}")]
    Body(String),
    /// The exchange took longer than 15 s.
    #[error("no answer within {} s", EXCHANGE_TIMEOUT.as_secs())]
    TimedOut,
}

/// The HTTP client of one provider.
#[derive(Clone, Debug)]
pub(crate) struct ProviderHttp {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl ProviderHttp {
    /// A client trusting the webpki roots and the certificates of `extra_roots_pem`; plain HTTP
    /// is allowed too (a provider on loopback, in tests).
    pub(crate) fn new(extra_roots_pem: Option<&[u8]>) -> anyhow::Result<Self> {
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(pem) = extra_roots_pem {
            for certificate in CertificateDer::pem_slice_iter(pem) {
                roots.add(certificate.context("reading the extra CA certificates")?).context("adding an extra CA certificate")?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("the TLS protocol versions")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(tcp);
        Ok(Self { client: Client::builder(TokioExecutor::new()).build(https) })
    }

    /// Sends `request` and reads its answer whole, as the OpenID Connect library asks.
    pub(crate) async fn send(&self, request: openidconnect::HttpRequest) -> Result<openidconnect::HttpResponse, ProviderHttpError> {
        let (mut head, body) = request.into_parts();
        head.headers.insert(http::header::USER_AGENT, http::HeaderValue::from_static(USER_AGENT));
        let request = http::Request::from_parts(head, Full::new(Bytes::from(body)));
        let exchange = async {
            let (head, body) = self.client.request(request).await?.into_parts();
            let body = Limited::new(body, LARGEST_ANSWER).collect().await.map_err(|e| ProviderHttpError::Body(e.to_string()))?;
            Ok(http::Response::from_parts(head, body.to_bytes().to_vec()))
        };
        tokio::time::timeout(EXCHANGE_TIMEOUT, exchange).await.map_err(|_| ProviderHttpError::TimedOut)?
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for ProviderHttp {
    type Error = ProviderHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, ProviderHttpError>> + Send + 'c>>;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_roots_that_are_not_certificates_are_refused_with_their_reason() {
        assert!(ProviderHttp::new(None).is_ok());
        let error = ProviderHttp::new(Some(b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")).unwrap_err();
        assert!(format!("{error:#}").contains("extra CA certificates"), "{error:#}");
    }

    #[tokio::test]
    async fn an_answer_is_read_whole_with_its_status_and_no_redirect_is_followed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut asked = vec![0; 4096];
            let read = socket.read(&mut asked).await.unwrap();
            let asked = String::from_utf8_lossy(&asked[..read]).to_lowercase();
            assert!(asked.contains(&format!("user-agent: {}", USER_AGENT.to_lowercase())), "{asked}");
            let answer = "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/elsewhere\r\ncontent-length: 5\r\n\r\nmoved";
            socket.write_all(answer.as_bytes()).await.unwrap();
        });
        let http = ProviderHttp::new(None).unwrap();
        let request = http::Request::get(format!("http://127.0.0.1:{port}/.well-known/openid-configuration")).body(Vec::new()).unwrap();
        let answer = http.send(request).await.unwrap();
        assert_eq!(answer.status(), 302);
        assert_eq!(answer.body(), b"moved");
    }
}
