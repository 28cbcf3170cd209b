//! `vigil serve --config FILE`: the monitoring file applied at start and whenever it changes,
//! Gatus-style, through the server's own router in process (acting as Vigil itself). A file
//! that does not validate changes nothing: the last good state stays, and the problems are
//! logged with their lines. The file's resources are pruned when it drops them (only those it
//! manages).

use crate::manifest::apply::apply;
use crate::manifest::default_source;
use crate::manifest::plan::{Current, plan};
use crate::manifest::validate::load;
use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tower::ServiceExt;
use vigil_client::{Client, Transport, TransportError};
use vigil_domain::access::Actor;

/// How often the file is read for changes.
const POLL: Duration = Duration::from_millis(500);

/// Requests answered by the router itself, as `actor`.
pub struct InProcess {
    router: axum::Router,
    actor: Actor,
}

#[async_trait]
impl Transport for InProcess {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(vigil_http::InProcessActor(self.actor.clone()));
        let request = http::Request::from_parts(parts, axum::body::Body::from(body));
        let response = self.router.clone().oneshot(request).await.unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| TransportError { not_sent: false, message: e.to_string() })?.to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }
}

/// A client of `router` acting as `actor`.
pub fn in_process_client(router: axum::Router, actor: Actor) -> Client {
    let base = url::Url::parse("http://vigil.in-process/").expect("a constant URL");
    Client::with_transport(base, None, std::sync::Arc::new(InProcess { router, actor }))
}

/// Applies `path` once: how many changes were made, or why nothing was.
pub async fn apply_file(path: &Path, text: &str, client: &Client) -> Result<usize, String> {
    let desired = load(text, &default_source(path), &|name| std::env::var(name).ok())
        .map_err(|problems| problems.iter().map(|p| format!("{}:{p}", path.display())).collect::<Vec<_>>().join("\n"))?;
    let current = Current::read(client, &|_| {}).await.map_err(|e| e.to_string())?;
    let plan = plan(&desired, &current);
    apply(client, &desired, &current, &plan, true, &|change| {
        tracing::info!(kind = change.kind.noun(), key = %change.key, action = ?change.action, "applied from the monitoring file");
    })
    .await
    .map_err(|e| e.to_string())
}

/// Watches `path`: applies it now, then again each time its content changes, until `stop`.
pub struct Watcher {
    path: PathBuf,
    client: Client,
    last: Option<String>,
}

impl Watcher {
    /// A watcher of `path` applying through `client`.
    pub fn new(path: PathBuf, client: Client) -> Self {
        Self { path, client, last: None }
    }

    /// Reads the file and applies it if it changed since the last look.
    pub async fn look(&mut self) {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) => {
                if self.last.as_deref() != Some("") {
                    tracing::error!(file = %self.path.display(), %error, "cannot read the monitoring file; the last good state stays");
                    self.last = Some(String::new());
                }
                return;
            }
        };
        if self.last.as_ref() == Some(&text) {
            return;
        }
        self.last = Some(text.clone());
        match apply_file(&self.path, &text, &self.client).await {
            Ok(0) => tracing::info!(file = %self.path.display(), "the monitoring file is applied: nothing to change"),
            Ok(changes) => tracing::info!(file = %self.path.display(), changes, "the monitoring file is applied"),
            Err(problems) => {
                tracing::error!(file = %self.path.display(), problems = %problems, "the monitoring file was not applied; the last good state stays")
            }
        }
    }

    /// Looks every half second until `stop`.
    pub async fn run(mut self, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(POLL) => self.look().await,
            }
        }
    }
}
