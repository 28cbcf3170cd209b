//! What a failed DynamoDB call means to a port: a lost condition, a transaction's per-item
//! reasons, or a backend failure with the SDK's whole error chain.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use vigil_domain::ports::StoreError;

/// A backend error carrying `what` was being done and the SDK's full message.
pub(crate) fn backend<E, R>(what: &str, error: SdkError<E, R>) -> StoreError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    StoreError::backend(anyhow::anyhow!("{what}: {}", crate::sdk_error::describe(&error)))
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
pub(crate) fn cancellation<R>(error: &SdkError<TransactWriteItemsError, R>) -> Option<Cancelled> {
    let TransactWriteItemsError::TransactionCanceledException(cancelled) = error.as_service_error()? else {
        return None;
    };
    let codes: Vec<&str> = cancelled.cancellation_reasons().iter().map(|r| r.code().unwrap_or("None")).collect();
    if codes.contains(&"TransactionConflict") {
        return Some(Cancelled::Conflict);
    }
    Some(Cancelled::Conditions(codes.iter().map(|code| *code == "ConditionalCheckFailed").collect()))
}

/// Whether a single-item write failed only because its condition did not hold.
pub(crate) fn is_condition_failure<E, R>(error: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error.as_service_error().and_then(|e| e.code()) == Some("ConditionalCheckFailedException")
}
