//! What a failed DynamoDB call means to a port: a lost condition, a transaction's per-item
//! reasons, or a backend failure with the whole error chain.

use crate::dynamo::client::DynamoError;
use vigil_domain::ports::StoreError;

/// A backend error carrying `what` was being done and the call's whole error.
pub(crate) fn backend(what: &str, error: DynamoError) -> StoreError {
    StoreError::backend(anyhow::anyhow!("{what}: {error:#}"))
}

/// An adapter-side failure (a stored item that does not decode) as a port error.
pub(crate) fn decode(error: anyhow::Error) -> StoreError {
    StoreError::backend(error)
}

/// How each item of a cancelled transaction fared.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cancelled {
    /// The conditions that failed, by item position.
    Conditions(Vec<bool>),
    /// Another transaction touched the same items; retrying may succeed.
    Conflict,
}

/// The reasons of a cancelled transaction, or `None` if the failure was something else.
pub(crate) fn cancellation(error: &DynamoError) -> Option<Cancelled> {
    let DynamoError::Refused { code, cancellation_reasons, .. } = error else { return None };
    if code != "TransactionCanceledException" {
        return None;
    }
    if cancellation_reasons.iter().any(|reason| reason == "TransactionConflict") {
        return Some(Cancelled::Conflict);
    }
    Some(Cancelled::Conditions(cancellation_reasons.iter().map(|reason| reason == "ConditionalCheckFailed").collect()))
}

/// Whether a single-item write failed only because its condition did not hold.
pub(crate) fn is_condition_failure(error: &DynamoError) -> bool {
    error.code() == Some("ConditionalCheckFailedException")
}
