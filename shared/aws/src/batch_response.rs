//! The partial batch response of SQS-triggered functions.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse};

/// A response naming the messages SQS must deliver again (and, after the queue's last allowed
/// receive, move to its dead-letter queue).
pub fn batch_failures(message_ids: Vec<String>) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = message_ids
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    response
}
