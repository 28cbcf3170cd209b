use vigil_domain::access::Forbidden;
use vigil_domain::notify::InvalidInput;
use vigil_domain::ports::StoreError;
use vigil_domain::status_page::{ConfirmRefusal, IncidentClosed};

/// Why a status page use case refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum StatusPageError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Nothing of that kind with that id (or it belongs to another organisation).
    #[error("no {0} with this id")]
    NotFound(&'static str),
    /// The input broke rules, field by field.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The public incident is resolved.
    #[error(transparent)]
    Closed(#[from] IncidentClosed),
    /// A confirmation link that is wrong or expired.
    #[error(transparent)]
    Confirmation(#[from] ConfirmRefusal),
    /// Storage failed (a lost race is a [`StoreError::Conflict`]: retry).
    #[error(transparent)]
    Store(#[from] StoreError),
}
