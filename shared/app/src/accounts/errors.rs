use vigil_domain::access::Forbidden;
use vigil_domain::accounts::LastOwner;
use vigil_domain::monitor::SpecErrors;
use vigil_domain::ports::StoreError;

/// Why an account or organisation use case refused or failed. The account use cases share it:
/// their refusals are the same few, and the HTTP and page layers map it in one place.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The actor's role or key scope does not allow it.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Nothing of that kind with that id in this organisation.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The input broke rules, field by field.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// It clashes with what exists (an email taken, already a member, no longer pending).
    #[error("{0}")]
    Conflict(String),
    /// It would leave the organisation without an owner.
    #[error(transparent)]
    LastOwner(#[from] LastOwner),
    /// A link or code that is wrong, spent or expired.
    #[error("{0}")]
    BadToken(String),
    /// The mail could not be handed to the relay.
    #[error("the mail could not be sent: {0}")]
    Mail(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AccountError {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AccountError::Invalid(SpecErrors(vec![vigil_domain::monitor::FieldError { field: field.into(), message: message.into() }]))
    }
}

/// Why a credential was not accepted, or a sign-in refused. Never says whether an email exists.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong email or password (the same answer for both), or an unknown key or token.
    #[error("{0}")]
    Rejected(String),
    /// Too many failures: wait before trying again.
    #[error("too many failed sign-ins; try again in {retry_after_seconds} s")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after_seconds: u64,
    },
    /// The password was right; a second factor is needed.
    #[error("a two-factor code is needed to finish signing in")]
    SecondFactorRequired,
    /// The organisation allows single sign-on only.
    #[error("password sign-in is turned off for this organisation: sign in with your identity provider")]
    PasswordSignInDisabled,
    /// The credential is fine, but not for that organisation.
    #[error("you are not a member of that organisation")]
    NotAMember,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuthError {
    /// A rejection with the same words whatever was wrong.
    pub fn rejected(message: &str) -> Self {
        AuthError::Rejected(message.to_owned())
    }
}
