//! The typed async Rust client of Vigil's HTTP API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), vigil_client::Error> {
//! use futures::TryStreamExt;
//! use vigil_client::{Client, api};
//!
//! let client = Client::new("http://127.0.0.1:8080".parse().unwrap(), "vk_…")?;
//! let draft = api::MonitorDraft { name: Some("API".into()), url: Some("https://api.example.com/health".into()), ..Default::default() };
//! let monitor = client.create_monitor(&draft).await?;
//! let all: Vec<api::Monitor> = client.monitors(api::MonitorQuery::default()).try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! Every listing is also a [`futures::Stream`] of items that reads page after page; errors the
//! server answers are [`Error::Problem`] with its RFC 9457 problem details; requests that may
//! safely be sent twice (GET, PUT, DELETE) are retried after a timeout or a 502, 503 or 504,
//! and any request is retried when it could not be sent at all.
//!
//! A client acts with an API key, or as a signed-in person: [`Client::sign_in`] trades an
//! email and password for tokens, and a client [`with_tokens`](Client::with_tokens) refreshes
//! its access token itself, keeping each new refresh token in its [`TokenStore`].

mod accounts;
mod error;
mod hosts;
mod incidents;
mod monitors;
mod notifications;
mod paging;
mod status_pages;
mod tasks;
mod tokens;
mod transport;

pub use error::Error;
pub use paging::Items;
pub use tokens::{MemoryTokens, StoredTokens, TokenGuard, TokenStore};
pub use transport::{ReqwestTransport, Transport, TransportError};
/// The wire types, re-exported.
pub use vigil_api as api;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// How often, and how patiently, a request that may be repeated is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait before the second attempt, doubled before each further one.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 4, first_delay: Duration::from_millis(250) }
    }
}

/// A client of one Vigil server, acting with one API key or as one signed-in person.
#[derive(Clone)]
pub struct Client {
    base: Url,
    credential: Credential,
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
}

/// What a client sends as `Authorization`.
#[derive(Clone)]
enum Credential {
    /// Nothing (the routes that need no credentials).
    None,
    /// An API key.
    Key(HeaderValue),
    /// Access tokens, refreshed from the store.
    Tokens(Arc<tokens::Session>),
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base.as_str()).field("retry", &self.retry).finish_non_exhaustive()
    }
}

/// A request that must not be sent twice, or may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Safe,
    Unsafe,
}

impl Client {
    /// A client of the server at `base` (like `http://127.0.0.1:8080`) using `key`, over HTTPS
    /// with the web's root certificates (rustls) or plain HTTP, with a 30 s timeout.
    pub fn new(base: Url, key: &str) -> Result<Self, Error> {
        Ok(Self::with_transport(base, Some(key), Arc::new(ReqwestTransport::new(Duration::from_secs(30))?)))
    }

    /// A client sending through `transport` (the server's own router, in tests or in-process),
    /// with `key` if the calls need one.
    pub fn with_transport(base: Url, key: Option<&str>, transport: Arc<dyn Transport>) -> Self {
        let credential = key.and_then(|k| bearer(k.trim())).map_or(Credential::None, Credential::Key);
        Self { base, credential, transport, retry: RetryPolicy::default() }
    }

    /// A client of the server at `base` with no credentials yet, over HTTPS or plain HTTP with
    /// a 30 s timeout: for set-up, sign-in and the other routes that need none.
    pub fn anonymous(base: Url) -> Result<Self, Error> {
        Ok(Self::with_transport(base, None, Arc::new(ReqwestTransport::new(Duration::from_secs(30))?)))
    }

    /// The same client acting as the person whose tokens `store` keeps: it refreshes the access
    /// token before it expires, or when the server refuses it, and keeps every new refresh
    /// token in `store`.
    pub fn with_tokens(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.credential = Credential::Tokens(Arc::new(tokens::Session::new(store)));
        self
    }

    /// The same client with another retry policy.
    pub fn retrying(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The server's base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str, query: Option<&(impl Serialize + ?Sized)>) -> Result<Url, Error> {
        let text = format!("{}/{}", self.base.as_str().trim_end_matches('/'), path.trim_start_matches('/'));
        let mut url = Url::parse(&text).map_err(|e| Error::Usage(format!("bad path {path}: {e}")))?;
        if let Some(query) = query {
            let encoded = serde_json::to_value(query)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .map(|fields| {
                    fields
                        .into_iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            if !encoded.is_empty() {
                url.query_pairs_mut().extend_pairs(encoded);
            }
        }
        Ok(url)
    }

    /// Sends one request with the client's credentials (retried as its method allows) and
    /// answers the response of a success. An access token the server refuses is refreshed, and
    /// the request sent once more: a 401 means the server did nothing with it.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        content_type: &'static str,
        headers: &[(header::HeaderName, HeaderValue)],
    ) -> Result<http::Response<Bytes>, Error> {
        let authorization = match &self.credential {
            Credential::None => None,
            Credential::Key(key) => Some(key.clone()),
            Credential::Tokens(session) => Some(session.authorization(self, None).await?),
        };
        let sent = self.send_as(authorization.as_ref(), method.clone(), url.clone(), body.clone(), content_type, headers).await;
        match (&self.credential, &sent, &authorization) {
            (Credential::Tokens(session), Err(error), Some(refused)) if error.is_refused_credential() => {
                let renewed = session.authorization(self, Some(refused)).await?;
                self.send_as(Some(&renewed), method, url, body, content_type, headers).await
            }
            _ => sent,
        }
    }

    /// Sends one request with `authorization` (retried as its method allows) and answers the
    /// response of a success.
    async fn send_as(
        &self,
        authorization: Option<&HeaderValue>,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        content_type: &'static str,
        headers: &[(header::HeaderName, HeaderValue)],
    ) -> Result<http::Response<Bytes>, Error> {
        let repeat =
            if matches!(method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE) { Repeat::Safe } else { Repeat::Unsafe };
        let mut delay = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            let mut request = http::Request::builder().method(method.clone()).uri(url.as_str());
            if let Some(authorization) = authorization {
                request = request.header(header::AUTHORIZATION, authorization.clone());
            }
            request = request.header(header::ACCEPT, "application/json, application/problem+json");
            if body.is_some() {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let request = request.body(body.clone().unwrap_or_default()).map_err(|e| Error::Usage(e.to_string()))?;
            let last = attempt >= self.retry.attempts.max(1);
            match self.transport.send(request).await {
                Ok(response) if response.status().is_success() => return Ok(response),
                // A DELETE repeated after its answer was lost finds nothing left: that is done.
                Ok(response) if response.status() == StatusCode::NOT_FOUND && method == Method::DELETE && attempt > 1 => {
                    return Ok(response);
                }
                Ok(response) => {
                    let retryable = matches!(response.status().as_u16(), 502..=504) && repeat == Repeat::Safe;
                    if !retryable || last {
                        return Err(Error::from_response(response));
                    }
                }
                Err(error) => {
                    let retryable = error.not_sent || repeat == Repeat::Safe;
                    if !retryable || last {
                        return Err(Error::Transport(error));
                    }
                }
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
            attempt += 1;
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: Option<&(impl Serialize + ?Sized)>,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, Error> {
        let response = self.call_raw(method, path, query, body, &[]).await?;
        decode(&response)
    }

    async fn call_raw(
        &self,
        method: Method,
        path: &str,
        query: Option<&(impl Serialize + ?Sized)>,
        body: Option<&(impl Serialize + ?Sized)>,
        headers: &[(header::HeaderName, HeaderValue)],
    ) -> Result<http::Response<Bytes>, Error> {
        let url = self.url(path, query)?;
        let body = body.map(|b| serde_json::to_vec(b).map(Bytes::from)).transpose().map_err(|e| Error::Usage(e.to_string()))?;
        self.send(method, url, body, "application/json", headers).await
    }

    /// A POST of `body` to a route that needs no credentials, sent without any: set-up,
    /// sign-in, token refreshes, resets, invitations accepted.
    async fn post_public(&self, path: &str, body: &(impl Serialize + ?Sized)) -> Result<http::Response<Bytes>, Error> {
        let url = self.url(path, NO_QUERY)?;
        let body = serde_json::to_vec(body).map(Bytes::from).map_err(|e| Error::Usage(e.to_string()))?;
        self.send_as(None, Method::POST, url, Some(body), "application/json", &[]).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.call(Method::GET, path, NO_QUERY, NO_BODY).await
    }

    async fn delete(&self, path: &str) -> Result<(), Error> {
        self.call_raw(Method::DELETE, path, NO_QUERY, NO_BODY, &[]).await.map(drop)
    }

    /// `GET /healthz`: the server is up and its storage answers.
    pub async fn health(&self) -> Result<api::Health, Error> {
        self.get("/healthz").await
    }

    /// `GET /v1/openapi.json`: the OpenAPI document of the server.
    pub async fn openapi(&self) -> Result<serde_json::Value, Error> {
        self.get("/v1/openapi.json").await
    }

    /// Sends a heartbeat ping to `url` (a task's ping URL, absolute), with `body` as its log.
    /// Sent again only when it could not be sent at all: a ping is not idempotent.
    pub async fn ping(&self, url: &str, body: Option<Vec<u8>>) -> Result<(), Error> {
        let url = Url::parse(url).map_err(|e| Error::Usage(format!("`{url}` is not a ping URL: {e}")))?;
        self.send(Method::POST, url, body.map(Bytes::from), "text/plain; charset=utf-8", &[]).await.map(drop)
    }
}

/// `Authorization: Bearer <credential>`, marked sensitive (never printed).
fn bearer(credential: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {credential}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// No query string.
const NO_QUERY: Option<&()> = None;
/// No body.
const NO_BODY: Option<&()> = None;

fn decode<T: DeserializeOwned>(response: &http::Response<Bytes>) -> Result<T, Error> {
    serde_json::from_slice(response.body()).map_err(|error| Error::Decode {
        status: response.status().as_u16(),
        error: error.to_string(),
        body: String::from_utf8_lossy(&response.body()[..response.body().len().min(2000)]).into_owned(),
    })
}
