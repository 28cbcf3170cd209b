//! HTTP channels: one POST per attempt, behind the network guard, redirects not followed (a
//! webhook that moved is a configuration to fix, and following it would re-send the signed
//! body elsewhere).

use crate::client_parts::{source_of, tls_client_config, webpki_roots};
use crate::guarded_resolver::GuardedResolver;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;
use url::{Host, Url};
use vigil_domain::notify::{AttemptResult, ReceiverVerdict};
use vigil_domain::probe::NetworkPolicy;
use vigil_probe::{GuardRefusal, NetworkGuard};

/// The most response bytes kept in an error message.
const ERROR_BODY_CHARS: usize = 300;
/// The most of a refusal's body read to quote from it.
const ERROR_BODY_BYTES: usize = 16 * 1024;
/// How long connecting to a receiver may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Who posts.
const USER_AGENT: &str = concat!("Vigil/", env!("CARGO_PKG_VERSION"));

type Https = hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>;

/// One pooled HTTP/1.1 client (hyper over rustls on ring, trusting the webpki roots: the stack
/// the probe engine and the AWS clients are made of) posting rendered messages, reaching only
/// what the network policy allows.
#[derive(Clone, Debug)]
pub struct HttpSender {
    client: Client<Https, Full<Bytes>>,
    guard: NetworkGuard,
    policy: NetworkPolicy,
}

impl HttpSender {
    /// A sender with its own connection pool, resolving every host through `guard` and
    /// reaching only the addresses `policy` allows. Makes no connection.
    pub fn new(guard: NetworkGuard, policy: NetworkPolicy) -> Self {
        let tls = tls_client_config(webpki_roots());
        // No proxy is consulted: a proxy would resolve the host itself, out of the guard's sight.
        let mut tcp = HttpConnector::new_with_resolver(GuardedResolver { guard: guard.clone(), policy });
        tcp.enforce_http(false);
        tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(tcp);
        Self { client: Client::builder(TokioExecutor::new()).build(https), guard, policy }
    }

    /// The connector dials IP literals without asking the resolver, so they are vetted here.
    async fn vet_literal(&self, url: &str) -> Result<(), GuardRefusal> {
        let Ok(url) = Url::parse(url) else { return Ok(()) };
        match url.host() {
            Some(host @ (Host::Ipv4(_) | Host::Ipv6(_))) => self.guard.addresses(self.policy, &host).await.map(drop),
            _ => Ok(()),
        }
    }

    /// Posts `body` to `url` once, giving up after `timeout`. A 2xx is accepted; other
    /// statuses are rejected, retryable or not as [`ReceiverVerdict::of_status`] says; a
    /// transport failure is retryable.
    pub async fn post(&self, url: &str, headers: &[(String, String)], body: Vec<u8>, timeout: Duration) -> AttemptResult {
        if let Err(refusal) = self.vet_literal(url).await {
            return refused(&refusal);
        }
        let mut request = http::Request::post(url).header(http::header::USER_AGENT, USER_AGENT);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = match request.body(Full::new(Bytes::from(body))) {
            Ok(request) => request,
            // Never the URL: for Slack, Discord and Teams it is the credential.
            Err(error) => return AttemptResult::Rejected { status_code: None, error: format!("not sent: {error}"), retryable: false },
        };
        match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(result) => result,
            Err(_) => AttemptResult::Rejected {
                status_code: None,
                error: format!("no answer within {} ms", timeout.as_millis()),
                retryable: true,
            },
        }
    }

    /// Sends `request` and judges its answer.
    async fn exchange(&self, request: http::Request<Full<Bytes>>) -> AttemptResult {
        let response = match self.client.request(request).await {
            Ok(response) => response,
            Err(error) => {
                if let Some(refusal) = refusal_in(&error) {
                    return refused(refusal);
                }
                let error = if error.is_connect() { "could not connect".to_owned() } else { format!("request failed: {error}") };
                return AttemptResult::Rejected { status_code: None, error, retryable: true };
            }
        };
        let code = response.status().as_u16();
        match ReceiverVerdict::of_status(code) {
            ReceiverVerdict::Delivered => AttemptResult::Accepted { status_code: Some(code) },
            _ if response.status().is_redirection() => AttemptResult::Rejected {
                status_code: Some(code),
                error: format!(
                    "HTTP {code}: the receiver redirects, and deliveries do not follow redirects; set the channel's URL to where it points"
                ),
                retryable: false,
            },
            verdict => {
                let body = Limited::new(response.into_body(), ERROR_BODY_BYTES).collect().await;
                let text = body.map(|collected| String::from_utf8_lossy(&collected.to_bytes()).into_owned()).unwrap_or_default();
                let excerpt: String = text.chars().take(ERROR_BODY_CHARS).collect();
                let excerpt = excerpt.trim();
                AttemptResult::Rejected {
                    status_code: Some(code),
                    error: if excerpt.is_empty() { format!("HTTP {code}") } else { format!("HTTP {code}: {excerpt}") },
                    retryable: verdict == ReceiverVerdict::Retry,
                }
            }
        }
    }
}

/// A delivery the guard stopped. Not retried: the policy will refuse the same host again, and
/// a person has to change the channel.
fn refused(refusal: &GuardRefusal) -> AttemptResult {
    let error = if refusal.is_blocked() {
        format!("not sent: {refusal}, and this deployment's network policy only delivers to public addresses")
    } else {
        format!("not sent: {refusal}")
    };
    AttemptResult::Rejected { status_code: None, error, retryable: !refusal.is_blocked() }
}

/// The guard's refusal somewhere in the chain of the client's error (the resolver's error is
/// wrapped by the connector and by the client).
fn refusal_in(error: &hyper_util::client::legacy::Error) -> Option<&GuardRefusal> {
    source_of::<GuardRefusal>(error)
}

#[cfg(test)]
mod tests;
