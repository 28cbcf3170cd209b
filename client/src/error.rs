//! What can go wrong with a call.

use crate::transport::TransportError;
use bytes::Bytes;
use vigil_api::{Problem, SignInRefusal};

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server refused the request, and said why (RFC 9457 problem details).
    #[error("{} ({})", .0, .0.status)]
    Problem(Box<Problem>),
    /// The password was right; a code of the authenticator app (or a recovery code) finishes
    /// the sign-in with this ticket ([`Client::finish_sign_in`](crate::Client::finish_sign_in)).
    #[error("{} ({})", .problem, .problem.status)]
    SecondFactorRequired {
        /// The ticket, valid five minutes.
        ticket: String,
        /// The problem details.
        problem: Box<Problem>,
    },
    /// The client's sign-in has ended (signed out): it has no tokens left.
    #[error("signed out: sign in again")]
    SignedOut,
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
        if is_problem && let Ok(refusal) = serde_json::from_slice::<SignInRefusal>(response.body()) {
            return match refusal.ticket {
                Some(ticket) if refusal.second_factor_required => {
                    Error::SecondFactorRequired { ticket, problem: Box::new(refusal.problem) }
                }
                _ => Error::Problem(Box::new(refusal.problem)),
            };
        }
        let body = response.body();
        Error::Status { status, body: String::from_utf8_lossy(&body[..body.len().min(2000)]).trim().to_owned() }
    }

    /// The HTTP status the server answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Problem(problem) | Error::SecondFactorRequired { problem, .. } => Some(problem.status),
            Error::Status { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transport(_) | Error::Usage(_) | Error::SignedOut => None,
        }
    }

    /// The problem details, if the server gave some.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Problem(problem) | Error::SecondFactorRequired { problem, .. } => Some(&**problem),
            _ => None,
        }
    }

    /// Whether the server refused the credential itself (401 `unauthorized`), not a sign-in
    /// step: an access token refused this way is worth refreshing.
    pub(crate) fn is_refused_credential(&self) -> bool {
        match self {
            Error::Problem(problem) => problem.status == 401 && problem.kind.ends_with("/unauthorized"),
            Error::Status { status, .. } => *status == 401,
            _ => false,
        }
    }

    /// Whether the thing asked for does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether the key was refused (401, 403), or the sign-in has ended.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self.status(), Some(401 | 403)) || matches!(self, Error::SignedOut)
    }

    /// Whether the server failed, or could not be reached (5xx, transport).
    pub fn is_server_fault(&self) -> bool {
        matches!(self, Error::Transport(_)) || self.status().is_some_and(|s| s >= 500)
    }
}
