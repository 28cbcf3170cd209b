//! API Gateway's connection management for the agents' WebSocket API (`PostToConnection`,
//! `DeleteConnection`), through a [`Caller`] rather than `aws-sdk-apigatewaymanagement`, whose
//! client kept the SDK's orchestrator in the functions that reach agents (the agents, hosts and
//! host pages' functions). A connection is a resource of the API's stage:
//! `POST` or `DELETE <stage URL>/@connections/<connection id>`.

use crate::service_answer::{CallError, ServiceError, json_answer_is_retryable};
use crate::signed_call::{CallRequest, Caller, Service, Signer};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// API Gateway's management API, as its calls are signed (`execute-api`), counted (as the SDK's
/// client named it) and tried again (throttling answers 429).
static CONNECTIONS: Service =
    Service { label: "ApiGatewayManagementApi", signing_name: "execute-api", s3_rules: false, retryable: json_answer_is_retryable };

/// What a connection id keeps unencoded in a path: the unreserved characters (ids end in `=`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Writes to and closes the connections of one WebSocket API stage.
#[derive(Clone, Debug)]
pub struct AgentConnections {
    stage_url: String,
    caller: Caller,
}

impl AgentConnections {
    /// The connections of the stage at `stage_url`
    /// (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`). Makes no request.
    pub fn new(signer: &Signer, stage_url: &str) -> Self {
        Self { stage_url: stage_url.trim_end_matches('/').to_owned(), caller: Caller::new(&CONNECTIONS, signer) }
    }

    fn url(&self, connection: &str) -> String {
        format!("{}/@connections/{}", self.stage_url, utf8_percent_encode(connection, SEGMENT))
    }

    /// Writes `data` to `connection`.
    pub async fn post(&self, connection: &str, data: Vec<u8>) -> Result<(), CallError> {
        self.call("PostToConnection", "POST", connection, Bytes::from(data)).await
    }

    /// Closes `connection`.
    pub async fn delete(&self, connection: &str) -> Result<(), CallError> {
        self.call("DeleteConnection", "DELETE", connection, Bytes::new()).await
    }

    async fn call(&self, operation: &'static str, method: &'static str, connection: &str, body: Bytes) -> Result<(), CallError> {
        let request = CallRequest { method, url: self.url(connection), headers: Vec::new(), body };
        let answer = self.caller.send(operation, request).await?;
        CallError::unless_success(|| format!("API Gateway {operation}"), &answer, ServiceError::of_json)
    }
}

/// Whether API Gateway said the connection is gone (410, `GoneException`).
pub(crate) fn is_gone(error: &CallError) -> bool {
    matches!(error, CallError::Refused { status, code, .. } if *status == 410 || code == "GoneException")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_a_path_segment_of_the_stage() {
        let connections = AgentConnections::new(&Signer::for_tests("eu-west-1"), "https://abc.execute-api.eu-west-1.amazonaws.com/live/");
        assert_eq!(
            connections.url("L0SM9cOFvHcCIhw="),
            "https://abc.execute-api.eu-west-1.amazonaws.com/live/@connections/L0SM9cOFvHcCIhw%3D"
        );
        assert_eq!(connections.url("a/b c"), "https://abc.execute-api.eu-west-1.amazonaws.com/live/@connections/a%2Fb%20c");
    }

    #[test]
    fn gone_is_410_or_its_type() {
        let refused = |status, code: &str| CallError::Refused {
            call: "API Gateway PostToConnection".into(),
            status,
            code: code.into(),
            message: String::new(),
        };
        assert!(is_gone(&refused(410, "")));
        assert!(is_gone(&refused(410, "GoneException")));
        assert!(!is_gone(&refused(403, "ForbiddenException")));
        assert!(!is_gone(&CallError::Unanswered(anyhow::anyhow!("no answer"))));
    }
}
