//! DynamoDB's eight operations that the store makes, through a [`Caller`] rather than
//! `aws-sdk-dynamodb`: the SDK's client, its serialisers for every operation of the API, its
//! endpoint rules and its orchestrator were the largest part of every function's AWS code
//! (docs/aws.md, "DynamoDB without the SDK"). DynamoDB speaks JSON 1.0
//! (`x-amz-target: DynamoDB_20120810.<operation>`).

mod attribute_value;
mod operations;

pub(crate) use attribute_value::AttributeValue;
pub(crate) use operations::*;

use crate::service_answer::{ServiceError, json_answer_is_retryable, reason, service_endpoint};
use crate::signed_call::{AWS_JSON_1_0, Answer, CallRequest, Caller, Service, Signer};
use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// DynamoDB, as its calls are signed, counted and tried again: throttling (a 400 whose type is
/// `ProvisionedThroughputExceededException`, `ThrottlingException` or `RequestLimitExceeded`)
/// and server errors.
static DYNAMODB: Service = Service { label: "DynamoDB", signing_name: "dynamodb", s3_rules: false, retryable: json_answer_is_retryable };

/// A DynamoDB call that failed.
#[derive(Debug, thiserror::Error)]
pub enum DynamoError {
    /// DynamoDB answered with an error.
    #[error("DynamoDB {operation}: HTTP {status}: {}", reason(.code, .message))]
    Refused {
        /// The operation (`PutItem`).
        operation: &'static str,
        /// The answer's HTTP status.
        status: u16,
        /// DynamoDB's error type without its namespace (`ConditionalCheckFailedException`).
        code: String,
        /// DynamoDB's message.
        message: String,
        /// A cancelled transaction's reason for each of its writes, in order (`None`,
        /// `ConditionalCheckFailed`, `TransactionConflict`).
        cancellation_reasons: Vec<String>,
    },
    /// No answer after every attempt, an answer that could not be read, or a request that could
    /// not be signed.
    #[error(transparent)]
    Unanswered(#[from] anyhow::Error),
}

impl DynamoError {
    /// DynamoDB's error type, if it answered with one.
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => Some(code),
            Self::Unanswered(_) => None,
        }
    }
}

/// What a cancelled transaction's answer lists beside the error.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Cancellation {
    #[serde(default)]
    cancellation_reasons: Vec<CancellationReason>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CancellationReason {
    code: Option<String>,
}

/// The error `answer` holds, unless it succeeded.
fn refusal(operation: &'static str, answer: &Answer) -> Option<DynamoError> {
    if (200..300).contains(&answer.status) {
        return None;
    }
    let ServiceError { code, message } = ServiceError::of_json(answer);
    let cancellation_reasons = serde_json::from_slice::<Cancellation>(&answer.body)
        .map(|c| c.cancellation_reasons.into_iter().map(|r| r.code.unwrap_or_else(|| "None".to_owned())).collect())
        .unwrap_or_default();
    Some(DynamoError::Refused { operation, status: answer.status, code, message, cancellation_reasons })
}

/// Calls DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoClient {
    endpoint: String,
    caller: Caller,
}

impl DynamoClient {
    /// A client of DynamoDB in `signer`'s region, or of an emulator at `endpoint` when there is
    /// one. Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>) -> Self {
        Self { endpoint: service_endpoint("dynamodb", &signer.region, endpoint), caller: Caller::new(&DYNAMODB, signer) }
    }

    /// Sends `operation` with `request`, and reads its answer.
    async fn call<A: DeserializeOwned>(&self, operation: &'static str, request: &impl Serialize) -> Result<A, DynamoError> {
        let request = CallRequest::aws_json(&self.endpoint, AWS_JSON_1_0, format!("DynamoDB_20120810.{operation}"), request)?;
        let answer = self.caller.send(operation, request).await?;
        if let Some(refused) = refusal(operation, &answer) {
            return Err(refused);
        }
        Ok(serde_json::from_slice(&answer.body).with_context(|| format!("reading what DynamoDB {operation} answered"))?)
    }

    /// `GetItem`.
    pub(crate) async fn get_item(&self, request: &GetItem) -> Result<GetItemAnswer, DynamoError> {
        self.call("GetItem", request).await
    }

    /// `BatchGetItem`.
    pub(crate) async fn batch_get_item(&self, request: &BatchGetItem) -> Result<BatchGetItemAnswer, DynamoError> {
        self.call("BatchGetItem", request).await
    }

    /// `PutItem`.
    pub(crate) async fn put_item(&self, request: &PutItem) -> Result<WriteAnswer, DynamoError> {
        self.call("PutItem", request).await
    }

    /// `UpdateItem`.
    pub(crate) async fn update_item(&self, request: &UpdateItem) -> Result<WriteAnswer, DynamoError> {
        self.call("UpdateItem", request).await
    }

    /// `DeleteItem`.
    pub(crate) async fn delete_item(&self, request: &DeleteItem) -> Result<WriteAnswer, DynamoError> {
        self.call("DeleteItem", request).await
    }

    /// `Query`.
    pub(crate) async fn query(&self, request: &Query) -> Result<QueryAnswer, DynamoError> {
        self.call("Query", request).await
    }

    /// `BatchWriteItem`.
    pub(crate) async fn batch_write_item(&self, request: &BatchWriteItem) -> Result<BatchWriteItemAnswer, DynamoError> {
        self.call("BatchWriteItem", request).await
    }

    /// `TransactWriteItems`.
    pub(crate) async fn transact_write_items(&self, request: &TransactWriteItems) -> Result<Nothing, DynamoError> {
        self.call("TransactWriteItems", request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_the_type_the_message_and_a_transaction_s_reasons() {
        let cancelled = Answer::of(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]}"#,
        );
        match refusal("TransactWriteItems", &cancelled) {
            Some(DynamoError::Refused { status: 400, code, cancellation_reasons, .. }) => {
                assert_eq!(code, "TransactionCanceledException");
                assert_eq!(cancellation_reasons, ["None", "ConditionalCheckFailed"]);
            }
            other => panic!("{other:?}"),
        }
        let failed = Answer::of(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#,
        );
        let error = refusal("PutItem", &failed).expect("refused");
        assert_eq!(error.code(), Some("ConditionalCheckFailedException"));
        assert_eq!(error.to_string(), "DynamoDB PutItem: HTTP 400: The conditional request failed (ConditionalCheckFailedException)");
        assert!(refusal("GetItem", &Answer::of(200, "{}")).is_none());
    }

    #[test]
    fn throttling_is_tried_again() {
        for code in ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"] {
            let throttled = Answer::of(400, &format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{code}","message":"slow down"}}"#));
            assert!(json_answer_is_retryable(&throttled), "{code}");
        }
        let failed = Answer::of(400, r#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}"#);
        assert!(!json_answer_is_retryable(&failed));
    }
}
