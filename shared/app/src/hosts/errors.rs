use vigil_domain::access::Forbidden;
use vigil_domain::agent::protocol::DisconnectReason;
use vigil_domain::monitor::{FieldError, SpecErrors};
use vigil_domain::ports::StoreError;

/// Why a host use case refused or failed. The host use cases share it: their refusals are the
/// same few, and the HTTP layer maps it in one place.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The actor's role or key scope does not allow it.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Nothing of that kind with that id in this organisation.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The input broke rules, field by field.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// It clashes with the current state (a revoked host).
    #[error("{0}")]
    Conflict(String),
    /// The host's agent is not connected: nothing could be sent to it.
    #[error("{0}")]
    NotConnected(String),
    /// Storage (or the link to agents) failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl HostError {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        HostError::Invalid(SpecErrors(vec![FieldError { field: field.into(), message: message.into() }]))
    }
}

/// Why an agent was not let in: the reason its goodbye gives.
#[derive(Debug, thiserror::Error)]
pub enum AgentRefused {
    /// Refused; the agent is told `reason` and `detail`.
    #[error("{detail}")]
    Refused {
        /// The goodbye's reason.
        reason: DisconnectReason,
        /// For people: never says whether an agent id exists.
        detail: String,
    },
    /// Storage failed: the agent should try again later.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AgentRefused {
    pub(crate) fn new(reason: DisconnectReason, detail: &str) -> Self {
        AgentRefused::Refused { reason, detail: detail.to_owned() }
    }
}
