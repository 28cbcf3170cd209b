//! A minimal HTTP/1.1 client of the Docker Engine API over its unix socket: one connection per
//! request (hyper's client connection over a `UnixStream`), a deadline, a cap on the body.

use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a call to the engine failed.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    /// No socket, or nothing listening on it.
    #[error("cannot connect to the Docker Engine API at {path}: {source}")]
    Connect {
        /// The socket.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The exchange failed.
    #[error("the Docker Engine API failed: {0}")]
    Http(String),
    /// No answer within the deadline.
    #[error("the Docker Engine API did not answer within {0:?}")]
    Timeout(Duration),
    /// An error status.
    #[error("the Docker Engine API answered {status} to {path}: {message}")]
    Status {
        /// The request's path.
        path: String,
        /// The status.
        status: StatusCode,
        /// The engine's message.
        message: String,
    },
    /// An answer that is not what the API documents.
    #[error("unexpected answer from the Docker Engine API to {path}: {detail}")]
    Decode {
        /// The request's path.
        path: String,
        /// What is wrong.
        detail: String,
    },
}

/// The engine's API at one socket.
#[derive(Clone, Debug)]
pub struct DockerClient {
    socket: PathBuf,
    timeout: Duration,
}

/// The largest answer read (a list of a few thousand containers fits).
const MAX_BODY_BYTES: usize = 16 << 20;

/// The whole body, if it is at most `max` bytes.
async fn read_capped(body: Incoming, max: usize) -> Result<Vec<u8>, DockerError> {
    Limited::new(body, max).collect().await.map(|c| c.to_bytes().to_vec()).map_err(|e| DockerError::Http(e.to_string()))
}

impl DockerClient {
    /// A client of the socket at `socket`, each call bounded by `timeout`.
    pub fn new(socket: impl Into<PathBuf>, timeout: Duration) -> Self {
        Self { socket: socket.into(), timeout }
    }

    /// The socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    async fn exchange(&self, method: Method, path: &str) -> Result<(StatusCode, Vec<u8>), DockerError> {
        let stream = tokio::net::UnixStream::connect(&self.socket)
            .await
            .map_err(|source| DockerError::Connect { path: self.socket.display().to_string(), source })?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| DockerError::Http(e.to_string()))?;
        let driver = tokio::spawn(connection);
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, "docker")
            .body(Empty::<Bytes>::new())
            .map_err(|e| DockerError::Http(e.to_string()))?;
        let response = sender.send_request(request).await.map_err(|e| DockerError::Http(e.to_string()))?;
        let status = response.status();
        let body = read_capped(response.into_body(), MAX_BODY_BYTES).await?;
        driver.abort();
        Ok((status, body))
    }

    /// Sends a request, within the client's deadline; an error status is an error carrying the
    /// engine's message.
    pub async fn call(&self, method: Method, path: &str) -> Result<Vec<u8>, DockerError> {
        self.call_within(method, path, self.timeout).await
    }

    /// Sends a request within `deadline` (a container's stop takes as long as its grace).
    pub async fn call_within(&self, method: Method, path: &str, deadline: Duration) -> Result<Vec<u8>, DockerError> {
        let (status, body) =
            tokio::time::timeout(deadline, self.exchange(method, path)).await.map_err(|_| DockerError::Timeout(deadline))??;
        if status.is_success() {
            return Ok(body);
        }
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
        Err(DockerError::Status { path: path.to_owned(), status, message })
    }

    /// A GET whose JSON answer is read as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, DockerError> {
        let body = self.call(Method::GET, path).await?;
        serde_json::from_slice(&body).map_err(|e| DockerError::Decode { path: path.to_owned(), detail: e.to_string() })
    }
}
