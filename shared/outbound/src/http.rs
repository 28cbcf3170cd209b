//! HTTP channels: one POST per attempt, behind the network guard, redirects not followed (a
//! webhook that moved is a configuration to fix, and following it would re-send the signed
//! body elsewhere).

use crate::guarded_resolver::GuardedResolver;
use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};
use vigil_domain::notify::{AttemptResult, ReceiverVerdict};
use vigil_domain::probe::NetworkPolicy;
use vigil_probe::{GuardRefusal, NetworkGuard};

/// The most response bytes kept in an error message.
const ERROR_BODY_CHARS: usize = 300;

/// One pooled HTTPS client (rustls on ring) posting rendered messages, reaching only what the
/// network policy allows.
#[derive(Clone, Debug)]
pub struct HttpSender {
    client: reqwest::Client,
    guard: NetworkGuard,
    policy: NetworkPolicy,
}

impl HttpSender {
    /// A sender with its own connection pool, resolving every host through `guard` and
    /// reaching only the addresses `policy` allows.
    pub fn new(guard: NetworkGuard, policy: NetworkPolicy) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the host itself, out of the guard's sight.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { guard: guard.clone(), policy }))
            .user_agent(concat!("Vigil/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { client, guard, policy })
    }

    /// reqwest dials IP literals without asking the resolver, so they are vetted here.
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
        let mut request = self.client.post(url).timeout(timeout).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
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
                        let text = response.text().await.unwrap_or_default();
                        let excerpt: String = text.chars().take(ERROR_BODY_CHARS).collect();
                        AttemptResult::Rejected {
                            status_code: Some(code),
                            error: format!("HTTP {code}: {}", excerpt.trim()),
                            retryable: verdict == ReceiverVerdict::Retry,
                        }
                    }
                }
            }
            Err(error) if refusal_in(&error).is_some() => refused(refusal_in(&error).expect("just seen")),
            Err(error) => {
                // Never the URL: for Slack, Discord and Teams it is the credential.
                let error = if error.is_timeout() {
                    format!("no answer within {} ms", timeout.as_millis())
                } else if error.is_connect() {
                    "could not connect".to_owned()
                } else {
                    format!("request failed: {}", error.without_url())
                };
                AttemptResult::Rejected { status_code: None, error, retryable: true }
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

/// The guard's refusal somewhere in the chain of a reqwest error (the resolver's error is
/// wrapped by the connector and by reqwest).
fn refusal_in(error: &reqwest::Error) -> Option<&GuardRefusal> {
    let mut source: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<GuardRefusal>() {
            return Some(refusal);
        }
        source = cause.source();
    }
    None
}
