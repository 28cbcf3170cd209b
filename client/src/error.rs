//! What can go wrong with a call.

use crate::transport::TransportError;
use bytes::Bytes;
use vigil_api::Problem;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server refused the request, and said why (RFC 9457 problem details).
    #[error("{} ({})", .0, .0.status)]
    Problem(Problem),
    /// The server answered an error without problem details (a proxy in the way, say).
    #[error("the server answered {status}: {body}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The server could not be reached, or did not answer in time.
    #[error("{0}")]
    Transport(TransportError),
    /// The server answered something that is not what the API describes.
    #[error("the server's answer ({status}) could not be read: {error}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not parse.
        error: String,
        /// The start of the body.
        body: String,
    },
    /// The call itself was malformed (a bad URL, say).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub(crate) fn from_response(response: http::Response<Bytes>) -> Self {
        let status = response.status().as_u16();
        let is_problem = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/problem+json") || v.starts_with("application/json"));
        if is_problem && let Ok(problem) = serde_json::from_slice::<Problem>(response.body()) {
            return Error::Problem(problem);
        }
        let body = response.body();
        Error::Status { status, body: String::from_utf8_lossy(&body[..body.len().min(2000)]).trim().to_owned() }
    }

    /// The HTTP status the server answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Problem(problem) => Some(problem.status),
            Error::Status { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transport(_) | Error::Usage(_) => None,
        }
    }

    /// The problem details, if the server gave some.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Problem(problem) => Some(problem),
            _ => None,
        }
    }

    /// Whether the thing asked for does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether the key was refused (401, 403).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    /// Whether the server failed, or could not be reached (5xx, transport).
    pub fn is_server_fault(&self) -> bool {
        matches!(self, Error::Transport(_)) || self.status().is_some_and(|s| s >= 500)
    }
}
