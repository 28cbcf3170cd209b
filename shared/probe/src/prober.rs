//! [`HttpProber`]: one check, hop by hop, under one deadline.

use async_trait::async_trait;
use bytes::Bytes;
use http::header::HeaderValue;
use hyper::client::conn::http1;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use url::Host;
use vigil_domain::ports::Prober;
use vigil_domain::probe::{ProbeReport, ProbeRequest, ResponseObservation, TransportFailure};

use crate::config::{ProberConfig, ProberInitError};
use crate::connect::connect;
use crate::exchange::{FinalResponse, Outcome, exchange};
use crate::failure::Failure;
use crate::guard::NetworkGuard;
use crate::progress::{Phase, Progress};
use crate::redirect::{RedirectChain, RedirectError, next_hop};
use crate::request::{self, Hop};
use crate::resolve::Resolve;
use crate::tls::{self, TlsConnectors};
use crate::vet::AddressVetter;

/// The HTTP(S) check engine. Build one at start-up and share it: the TLS configurations, the
/// resolver (with its cache) and the HTTP settings are made once, while every check opens its
/// own connection so that its timings are real.
pub struct HttpProber {
    guard: NetworkGuard,
    tls: TlsConnectors,
    http1: http1::Builder,
    user_agent: HeaderValue,
}

impl HttpProber {
    /// The production prober: system DNS configuration and each check's own network policy.
    pub fn new(config: ProberConfig) -> Result<Self, ProberInitError> {
        Self::with_guard(config, NetworkGuard::system()?)
    }

    /// A prober with its name resolution and address vetting replaced, for tests and
    /// benchmarks (for example a [`StaticResolver`](crate::StaticResolver) sending made-up
    /// names to loopback).
    pub fn with_seams(config: ProberConfig, resolver: Arc<dyn Resolve>, vetter: Arc<dyn AddressVetter>) -> Result<Self, ProberInitError> {
        Self::with_guard(config, NetworkGuard::new(resolver, vetter))
    }

    /// A prober behind `guard`, shared with the notification senders so that checks and
    /// deliveries resolve through one cache and answer to one rule.
    pub fn with_guard(config: ProberConfig, guard: NetworkGuard) -> Result<Self, ProberInitError> {
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| ProberInitError::UserAgent(config.user_agent.clone()))?;
        let tls = TlsConnectors::new(config.extra_root_certificates_pem.as_deref())?;
        let mut http1 = http1::Builder::new();
        // Browsers accept these; a monitor should not call a site down for what a browser shows.
        http1.allow_obsolete_multiline_headers_in_responses(true).allow_spaces_after_header_name_in_responses(true);
        Ok(HttpProber { guard, tls, http1, user_agent })
    }

    /// Follows hops until a final response or a failure.
    async fn run(&self, request: &ProbeRequest, progress: &mut Progress) -> Result<FinalResponse, Failure> {
        let scheme = request.url.scheme();
        if !matches!(scheme, "http" | "https") {
            return Err(Failure::prober(format!("cannot check a URL with the scheme {scheme:?}")));
        }
        let body = request.body.as_ref().map(|b| Bytes::from(b.clone()));
        let mut hop = Hop::first(request.url.clone(), request.method, body);
        hop.url.set_fragment(None);
        let mut chain = RedirectChain::new(&hop.url);
        loop {
            match self.hop(&hop, request, progress).await? {
                Outcome::Final(response) => return Ok(response),
                Outcome::Redirect { status, location } => {
                    let next = next_hop(&hop.url, hop.method, status, location.as_bytes()).map_err(redirect_failure)?;
                    progress.redirects = chain.follow(&next.url).map_err(redirect_failure)?;
                    hop = Hop {
                        send_credentials: next.url.origin() == request.url.origin(),
                        send_content_headers: hop.send_content_headers && next.keeps_body,
                        body: if next.keeps_body { hop.body } else { None },
                        url: next.url,
                        method: next.method,
                    };
                }
            }
        }
    }

    /// One hop: resolve, vet, connect, handshake, exchange.
    async fn hop(&self, hop: &Hop, request: &ProbeRequest, progress: &mut Progress) -> Result<Outcome, Failure> {
        let url = &hop.url;
        let host = url.host().ok_or_else(|| Failure::prober(format!("the URL {url} has no host")))?;
        let https = url.scheme() == "https";
        let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });
        progress.start_hop(url.host_str().unwrap_or_default());
        // Built before any network activity: a request the prober cannot send must not reach
        // the target at all.
        let http_request = request::build(hop, &request.headers, &self.user_agent)?;
        let server_name = if https { Some(tls::server_name(&host)?) } else { None };

        if matches!(host, Host::Domain(_)) {
            progress.phase = Phase::Resolving;
        }
        let (dns, addrs) = self.guard.vet(request.network_policy, &host).await;
        progress.dns = dns;
        let addrs = addrs.map_err(|failure| match failure {
            // The URL people wrote may be fine; say it was a redirect that led here.
            Failure::Target { class: TransportFailure::Blocked, message } if progress.redirects > 0 => Failure::Target {
                class: TransportFailure::Blocked,
                message: format!("{message}, which redirect {} of the check led to", progress.redirects),
            },
            other => other,
        })?;
        let (tcp, _) = connect(&addrs, port, progress).await?;

        let Some(server_name) = server_name else {
            return exchange(&self.http1, tcp, http_request, request.follow_redirects, request.body_cap, progress).await;
        };
        progress.phase = Phase::TlsHandshake;
        let started = Instant::now();
        let (handshake, leaf) = tls::handshake(self.tls.get(request.verify_tls), server_name, tcp).await;
        progress.tls = Some(started.elapsed());
        progress.certificate_expires_at = leaf.and_then(|l| l.expires_at);
        let stream = handshake.map_err(|e| tls::handshake_failure(&e, &progress.host, leaf))?;
        exchange(&self.http1, stream, http_request, request.follow_redirects, request.body_cap, progress).await
    }
}

fn redirect_failure(err: RedirectError) -> Failure {
    Failure::protocol(err.to_string())
}

impl std::fmt::Debug for HttpProber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpProber").field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

#[async_trait]
impl Prober for HttpProber {
    async fn probe(&self, request: &ProbeRequest) -> ProbeReport {
        let started = Instant::now();
        // A timeout too large to add is as good as none; a day stands in for it.
        let deadline = started.checked_add(request.timeout).unwrap_or_else(|| started + Duration::from_secs(86_400));
        let mut progress = Progress::new();
        let outcome = tokio::time::timeout_at(deadline, self.run(request, &mut progress)).await;
        let total = started.elapsed();
        match outcome {
            Ok(Ok(response)) => ProbeReport::Responded {
                response: ResponseObservation {
                    observed_at: response.observed_at,
                    status: response.status,
                    headers: response.headers,
                    body: response.body.bytes,
                    body_truncated: response.body.truncated,
                    response_time: total,
                    certificate_expires_at: progress.certificate_expires_at,
                    remote_ip: progress.remote_ip,
                },
                timings: progress.timings(total),
                redirects: progress.redirects,
            },
            Ok(Err(Failure::Target { class, message })) => ProbeReport::Unreachable {
                failure: class,
                message,
                timings: progress.timings(total),
                certificate_expires_at: progress.certificate_expires_at,
            },
            Ok(Err(Failure::Prober { message })) => ProbeReport::ProbeError { message },
            Err(_elapsed) => ProbeReport::Unreachable {
                failure: TransportFailure::Timeout,
                message: progress.timeout_message(request.timeout),
                timings: progress.timings(total),
                certificate_expires_at: progress.certificate_expires_at,
            },
        }
    }
}
