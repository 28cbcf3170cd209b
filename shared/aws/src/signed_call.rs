//! One AWS API call, signed by the SDK's own SigV4 signer (`aws-sigv4`) and sent through the SDK
//! clients' HTTP client ([`crate::sdk_http`]), with the SDK's retry rule (three attempts; a
//! connection failure, a timeout, throttling and server errors are tried again) and its
//! timeouts: what the small clients send through where an SDK client would cost a function far
//! more code than its few calls. Every AWS call of the functions goes through here: DynamoDB
//! ([`crate::dynamo::DynamoClient`]), S3's objects ([`crate::s3`]), SQS
//! ([`crate::sqs::SqsMessages`]), SNS ([`crate::sns::SnsMessages`]), EventBridge
//! ([`crate::events::EventBridgePublisher`]), SES ([`crate::ses::SesEmails`]) and API Gateway's
//! connections ([`crate::agent_connections::AgentConnections`]).

use crate::request_count::RequestCounter;
use crate::sdk_http::SdkHttpClient;
use anyhow::{Context, anyhow};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use bytes::Bytes;
use serde::Serialize;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// Attempts per call, as the SDK's standard retry mode.
const ATTEMPTS: u32 = 3;
/// The pause before the second attempt; it doubles before each later one.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
/// Connecting, and each attempt as a whole: short, so that a failing dependency turns into a batch
/// failure well within a Lambda's time (the tests' SDK clients use the same, `clients.rs`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// An AWS service as a call to it is signed, counted and named in errors.
#[derive(Debug)]
pub(crate) struct Service {
    /// As the SDK names it in its request metadata (`S3`, `SQS`): the request counter's key.
    pub(crate) label: &'static str,
    /// SigV4's service name (`s3`, `sqs`).
    pub(crate) signing_name: &'static str,
    /// S3's signing rules: the payload's SHA-256 in `x-amz-content-sha256`, the path encoded once
    /// and not normalised (a key may hold `//` or `..`).
    pub(crate) s3_rules: bool,
    /// Whether an answer asks to be tried again, beyond a connection failure or a timeout.
    pub(crate) retryable: fn(&Answer) -> bool,
}

/// One request before it is signed.
#[derive(Clone, Debug)]
pub(crate) struct CallRequest {
    /// `GET`, `PUT`, `POST`.
    pub(crate) method: &'static str,
    /// The whole URL, already encoded.
    pub(crate) url: String,
    /// Headers to send and sign besides those signing adds.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The payload; shared, as each attempt sends it again.
    pub(crate) body: Bytes,
}

/// AWS's JSON protocols, by the content type that names them: DynamoDB and SQS speak 1.0,
/// EventBridge 1.1.
pub(crate) const AWS_JSON_1_0: &str = "application/x-amz-json-1.0";
pub(crate) const AWS_JSON_1_1: &str = "application/x-amz-json-1.1";

impl CallRequest {
    /// A POST of `request`'s JSON to `url` in one of AWS's JSON protocols (`content_type`),
    /// naming the operation in `x-amz-target` (`AmazonSQS.SendMessage`).
    pub(crate) fn aws_json(url: &str, content_type: &'static str, target: String, request: &impl Serialize) -> anyhow::Result<Self> {
        let body = serde_json::to_vec(request).with_context(|| format!("a {target} request"))?;
        let headers = vec![("content-type", content_type.to_owned()), ("x-amz-target", target)];
        Ok(Self { method: "POST", url: url.to_owned(), headers, body: body.into() })
    }
}

/// What came back.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The `x-amzn-errortype` header, where the REST protocols name an error's type.
    pub(crate) error_type: Option<String>,
}

impl Answer {
    /// An answer with `status` and `body` and no error type header.
    #[cfg(test)]
    pub(crate) fn of(status: u16, body: &str) -> Self {
        Self { status, body: body.as_bytes().to_vec(), error_type: None }
    }
}

/// Throttling and server errors, which AWS asks to be tried again.
pub(crate) fn retryable_status(answer: &Answer) -> bool {
    matches!(answer.status, 429 | 500 | 502 | 503 | 504)
}

/// What the small clients' calls are signed with and sent through: the region, the function's
/// credentials, the SDK clients' HTTP client, and the request counter if there is one.
#[derive(Clone, Debug)]
pub struct Signer {
    /// The region of the calls (and of their signatures).
    pub region: String,
    /// The function's credentials.
    pub credentials: SharedCredentialsProvider,
    /// The SDK clients' HTTP client.
    pub http: SdkHttpClient,
    /// Counts each request, if set.
    pub counter: Option<RequestCounter>,
}

/// Sends the calls of one service in one region, signed with the function's credentials.
#[derive(Clone)]
pub(crate) struct Caller {
    service: &'static Service,
    region: String,
    credentials: SharedCredentialsProvider,
    http: SdkHttpClient,
    // Taken from `http` at the first call: most invocations of the heartbeat and the prober
    // store nothing in S3.
    connector: Arc<OnceLock<SharedHttpConnector>>,
    counter: Option<RequestCounter>,
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller").field("service", &self.service.label).field("region", &self.region).finish_non_exhaustive()
    }
}

impl Caller {
    /// Calls of `service`, signed and sent as `signer` says. Makes no request.
    pub(crate) fn new(service: &'static Service, signer: &Signer) -> Self {
        let Signer { region, credentials, http, counter } = signer.clone();
        Self { service, region, credentials, http, connector: Arc::new(OnceLock::new()), counter }
    }

    /// Sends `request`, signed afresh for each attempt, until it is answered with something the
    /// service does not ask to be tried again, or the attempts are spent.
    pub(crate) async fn send(&self, operation: &'static str, request: CallRequest) -> anyhow::Result<Answer> {
        let label = self.service.label;
        let mut pause = FIRST_PAUSE;
        for attempt in 1..=ATTEMPTS {
            let last = attempt == ATTEMPTS;
            match self.attempt(operation, &request).await {
                Ok(answer) if last || !(self.service.retryable)(&answer) => return Ok(answer),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Transient(error)) if last => return Err(error.context(format!("{label} {operation}, {ATTEMPTS} attempts"))),
                _ => {}
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        unreachable!("the last attempt returns")
    }

    async fn attempt(&self, operation: &'static str, request: &CallRequest) -> Result<Answer, Failure> {
        let label = self.service.label;
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| Failure::Final(anyhow!(e).context(format!("the credentials to sign an {label} request with"))))?;
        let http = signed(self.service, request, credentials, &self.region, SystemTime::now()).map_err(Failure::Final)?;
        let http = HttpRequest::try_from(http).map_err(|e| Failure::Final(anyhow!(e).context(format!("an {label} request"))))?;
        if let Some(counter) = &self.counter {
            counter.count(label, operation);
        }
        let exchange = async {
            let response = self.connector().call(http).await.map_err(|e| {
                let transient = e.is_io() || e.is_timeout() || e.is_other();
                let error = anyhow!(e).context(format!("{label} {operation}: no answer"));
                if transient { Failure::Transient(error) } else { Failure::Final(error) }
            })?;
            let status = response.status().as_u16();
            let error_type = response.headers().get("x-amzn-errortype").map(str::to_owned);
            let body = ByteStream::new(response.into_body())
                .collect()
                .await
                .map_err(|e| Failure::Transient(anyhow!(e).context(format!("{label} {operation}: reading the answer"))))?;
            Ok(Answer { status, body: body.into_bytes().to_vec(), error_type })
        };
        tokio::time::timeout(ATTEMPT_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| Err(Failure::Transient(anyhow!("{label} {operation}: no answer within {ATTEMPT_TIMEOUT:?}"))))
    }

    fn connector(&self) -> &SharedHttpConnector {
        self.connector.get_or_init(|| self.http.connector(&HttpConnectorSettings::builder().connect_timeout(CONNECT_TIMEOUT).build()))
    }
}

/// Why an attempt failed.
enum Failure {
    /// Trying again may help: no connection, a timeout, a cut answer.
    Transient(anyhow::Error),
    /// It will fail again: the request cannot be signed or sent as it is.
    Final(anyhow::Error),
}

/// `request` signed with `credentials` for `service` in `region` at `time`, as an HTTP request.
pub(crate) fn signed(
    service: &Service,
    request: &CallRequest,
    credentials: Credentials,
    region: &str,
    time: SystemTime,
) -> anyhow::Result<http::Request<SdkBody>> {
    let label = service.label;
    let mut settings = SigningSettings::default();
    if service.s3_rules {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let identity = Identity::from(credentials);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service.signing_name)
        .time(time)
        .settings(settings)
        .build()
        .with_context(|| format!("{label} signing parameters"))?
        .into();
    let headers = request.headers.iter().map(|(name, value)| (*name, value.as_str()));
    let signable = SignableRequest::new(request.method, request.url.as_str(), headers, SignableBody::Bytes(&request.body))
        .with_context(|| format!("an {label} request to sign"))?;
    let (instructions, _signature) = sign(signable, &params).with_context(|| format!("signing an {label} request"))?.into_parts();
    let mut http = http::Request::builder().method(request.method).uri(&request.url);
    for (name, value) in &request.headers {
        http = http.header(*name, value);
    }
    let mut http = http.body(SdkBody::from(request.body.clone())).with_context(|| format!("an {label} request"))?;
    instructions.apply_to_request_http1x(&mut http);
    Ok(http)
}

#[cfg(test)]
impl Signer {
    /// A signer for unit tests: fixed credentials, no counter.
    pub(crate) fn for_tests(region: &str) -> Self {
        Self {
            region: region.to_owned(),
            credentials: SharedCredentialsProvider::new(Credentials::new("AKID", "secret", None, None, "test")),
            http: SdkHttpClient::new(),
            counter: None,
        }
    }
}
