//! What the small clients ([`crate::signed_call`]) make of an AWS service's answer: where the
//! service is reached, the code and message of an error in the JSON protocols (SQS,
//! EventBridge, DynamoDB, and the REST services SES and API Gateway, which may name the type in
//! a header) and in the query protocol's XML (SNS), and whether the service asks for another
//! attempt.

use crate::signed_call::{Answer, retryable_status};
use crate::xml_reply::Reply;

/// Error codes of AWS throttling and quota answers: another attempt later may pass, whatever
/// the status says (some services throttle with a 400).
pub(crate) const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestThrottled",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
];

/// The endpoint of the service whose DNS prefix is `prefix` (`sqs`, `sns`, `events`) in
/// `region`, or the emulator's at `endpoint` when there is one; with its trailing slash, as a
/// call to the service's root is sent.
pub(crate) fn service_endpoint(prefix: &str, region: &str, endpoint: Option<&str>) -> String {
    match endpoint {
        Some(endpoint) => format!("{}/", endpoint.trim_end_matches('/')),
        None => format!("https://{prefix}.{region}.{}/", dns_suffix(region)),
    }
}

/// The DNS suffix of AWS's endpoints in `region`'s partition: China's has its own.
pub(crate) fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" }
}

/// An error a service answered with: its code, without a namespace, and its message. Either is
/// empty when the answer did not say (a proxy's HTML page).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ServiceError {
    pub(crate) code: String,
    pub(crate) message: String,
}

impl ServiceError {
    /// The error of a JSON-protocol answer: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist",
    /// "message": "…"}` (some services spell it `Message`); a REST service may name the type in
    /// the `x-amzn-errortype` header instead (`MessageRejected:http://…`).
    pub(crate) fn of_json(answer: &Answer) -> Self {
        let parsed: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        let field = |name: &str| parsed.get(name).and_then(|v| v.as_str());
        let header = answer.error_type.as_deref().map(|header| header.split(':').next().unwrap_or_default());
        let code = field("__type").or(field("code")).or(header).unwrap_or_default();
        let code = code.rsplit('#').next().unwrap_or_default().to_owned();
        let message = field("message").or_else(|| field("Message")).unwrap_or_default().to_owned();
        Self { code, message }
    }

    /// The error of a query-protocol answer:
    /// `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…`.
    pub(crate) fn of_xml(answer: &Answer) -> Self {
        let Ok(reply) = Reply::parse(&answer.body) else { return Self::default() };
        let Some(error) = reply.records("Error").next() else { return Self::default() };
        let field = |name: &str| error.get(name).cloned().unwrap_or_default();
        Self { code: field("Code"), message: field("Message") }
    }

    /// Whether the service is throttling the caller.
    pub(crate) fn is_throttling(&self) -> bool {
        THROTTLING_CODES.contains(&self.code.as_str())
    }
}

/// The message and the code, as an error shows them.
pub(crate) fn reason(code: &str, message: &str) -> String {
    match (code.is_empty(), message.is_empty()) {
        (false, false) => format!("{message} ({code})"),
        (true, true) => "no reason given".to_owned(),
        _ => format!("{code}{message}"),
    }
}

/// Whether a JSON-protocol answer asks to be tried again: server errors and throttling.
pub(crate) fn json_answer_is_retryable(answer: &Answer) -> bool {
    retryable_status(answer) || (answer.status == 400 && ServiceError::of_json(answer).is_throttling())
}

/// Whether a query-protocol answer asks to be tried again: server errors and throttling.
pub(crate) fn xml_answer_is_retryable(answer: &Answer) -> bool {
    retryable_status(answer) || (answer.status == 400 && ServiceError::of_xml(answer).is_throttling())
}

/// A call a service refused, or that got no answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The service answered with an error.
    #[error("{call}: HTTP {status}: {}", reason(.code, .message))]
    Refused {
        /// The service, the operation and what it was about (`SNS Publish to arn:…`).
        call: String,
        /// The answer's HTTP status.
        status: u16,
        /// The service's error code (`InvalidParameter`), empty if it gave none.
        code: String,
        /// The service's message, empty if it gave none.
        message: String,
    },
    /// No answer after every attempt, or the request could not be signed.
    #[error(transparent)]
    Unanswered(#[from] anyhow::Error),
}

impl CallError {
    /// The error for `answer`, read by `error_of`, unless it succeeded.
    pub(crate) fn unless_success(
        call: impl FnOnce() -> String,
        answer: &Answer,
        error_of: fn(&Answer) -> ServiceError,
    ) -> Result<(), Self> {
        if (200..300).contains(&answer.status) {
            return Ok(());
        }
        let ServiceError { code, message } = error_of(answer);
        Err(Self::Refused { call: call(), status: answer.status, code, message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_emulator_or_the_region_s() {
        assert_eq!(service_endpoint("sqs", "eu-west-1", Some("http://127.0.0.1:5000")), "http://127.0.0.1:5000/");
        assert_eq!(service_endpoint("sns", "eu-west-1", Some("http://127.0.0.1:5000/")), "http://127.0.0.1:5000/");
        assert_eq!(service_endpoint("sqs", "eu-west-1", None), "https://sqs.eu-west-1.amazonaws.com/");
        assert_eq!(service_endpoint("events", "cn-north-1", None), "https://events.cn-north-1.amazonaws.com.cn/");
    }

    #[test]
    fn errors_are_read_from_json_and_from_xml() {
        let cases = [
            (
                ServiceError::of_json(&Answer::of(
                    400,
                    r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
                )),
                "The specified queue does not exist. (QueueDoesNotExist)",
            ),
            (ServiceError::of_json(&Answer::of(403, r#"{"__type":"AccessDeniedException","Message":"no"}"#)), "no (AccessDeniedException)"),
            (ServiceError::of_json(&Answer::of(500, "<html>oops</html>")), "no reason given"),
            (
                ServiceError::of_json(&Answer {
                    error_type: Some("MessageRejected:http://internal.amazon.com/coral/com.amazon.aws.sesv2/".into()),
                    ..Answer::of(400, r#"{"message":"Email address is not verified."}"#)
                }),
                "Email address is not verified. (MessageRejected)",
            ),
            (
                ServiceError::of_xml(&Answer::of(
                    400,
                    "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>\
                     <Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message></Error>\
                     <RequestId>r</RequestId></ErrorResponse>",
                )),
                "Invalid parameter: TopicArn (InvalidParameter)",
            ),
            (ServiceError::of_xml(&Answer::of(502, "Bad Gateway")), "no reason given"),
            (ServiceError::of_xml(&Answer::of(400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>")), "Throttling"),
        ];
        for (error, expected) in cases {
            assert_eq!(reason(&error.code, &error.message), expected, "{error:?}");
        }
    }

    #[test]
    fn throttling_and_server_errors_are_tried_again_and_nothing_else() {
        let json = [
            (400, r#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}"#, true),
            (400, r#"{"__type":"com.amazon.coral.availability#ThrottlingException"}"#, true),
            (400, r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}"#, false),
            (503, "", true),
            (429, "", true),
            (403, "{}", false),
            (200, "{}", false),
        ];
        for (status, body, retried) in json {
            assert_eq!(json_answer_is_retryable(&Answer::of(status, body)), retried, "{status} {body}");
        }
        let xml = [
            (400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>", true),
            (400, "<ErrorResponse><Error><Code>InvalidParameter</Code></Error></ErrorResponse>", false),
            (403, "<ErrorResponse><Error><Code>AuthorizationError</Code></Error></ErrorResponse>", false),
            (500, "", true),
            (200, "<PublishResponse/>", false),
        ];
        for (status, body, retried) in xml {
            assert_eq!(xml_answer_is_retryable(&Answer::of(status, body)), retried, "{status} {body}");
        }
    }

    #[test]
    fn a_refusal_names_the_call_the_status_and_the_reason() {
        let refused = Answer::of(404, r#"{"__type":"ResourceNotFoundException","message":"Event bus b does not exist."}"#);
        let error = CallError::unless_success(|| "EventBridge PutEvents on b".into(), &refused, ServiceError::of_json).unwrap_err();
        assert_eq!(error.to_string(), "EventBridge PutEvents on b: HTTP 404: Event bus b does not exist. (ResourceNotFoundException)");
        assert!(matches!(error, CallError::Refused { status: 404, ref code, .. } if code == "ResourceNotFoundException"));
        assert!(CallError::unless_success(|| unreachable!("named only on failure"), &Answer::of(200, "{}"), ServiceError::of_json).is_ok());
    }
}
