//! One readable line for an SDK error: the service's code and message when the service
//! answered, the whole cause chain otherwise (a connection refused, a timeout).

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Describes `error` on one line.
pub(crate) fn describe<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(service) if service.err().code().is_some() => {
            let e = service.err();
            format!("{} ({})", e.message().unwrap_or("no message"), e.code().unwrap_or_default())
        }
        // An answer the SDK could not read (no error code): the whole context says what it was.
        other => DisplayErrorContext(other).to_string(),
    }
}
