//! The SDK's clients, for the tests and the bench alone: creating the table, the queues and the
//! topics, verifying a sender, reading back what the functions wrote. No function calls AWS
//! through them (every call goes through [`crate::signed_call`]), and the Lambda builds do not
//! even compile them: they are behind the `sdk-clients` feature, which vigil-tests and
//! vigil-bench turn on. Each is made on first use, on the small clients' credentials, HTTP
//! client and emulator.

use super::AwsClients;
use crate::request_count::RequestCounter;
use crate::signed_call::Signer;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::sync::OnceLock;
use std::time::Duration;

/// The client of the SDK crate `$krate`, on the shared configuration, counted when a counter
/// is set.
macro_rules! client_of {
    ($shared:expr, $counter:expr, $krate:ident) => {{
        let mut builder = $krate::config::Builder::from($shared);
        if let Some(counter) = $counter {
            builder = builder.interceptor(counter.clone());
        }
        $krate::Client::from_conf(builder.build())
    }};
}

/// The SDK's clients of one [`AwsClients`], made on first use.
#[derive(Clone, Debug, Default)]
pub(super) struct SdkClients {
    shared: OnceLock<SdkConfig>,
    ses: OnceLock<aws_sdk_sesv2::Client>,
    sqs: OnceLock<aws_sdk_sqs::Client>,
    dynamodb: OnceLock<aws_sdk_dynamodb::Client>,
    counter: Option<RequestCounter>,
}

impl SdkClients {
    /// None made yet; each counted by `counter` once made, if there is one.
    pub(super) fn new(counter: Option<RequestCounter>) -> Self {
        Self { counter, ..Self::default() }
    }
}

impl AwsClients {
    /// SES's SDK client (made on first use): verifying a sender.
    pub fn ses(&self) -> &aws_sdk_sesv2::Client {
        self.sdk.ses.get_or_init(|| client_of!(self.sdk_config(), &self.sdk.counter, aws_sdk_sesv2))
    }

    /// SQS's SDK client (made on first use): making queues, receiving.
    pub fn sqs(&self) -> &aws_sdk_sqs::Client {
        self.sdk.sqs.get_or_init(|| client_of!(self.sdk_config(), &self.sdk.counter, aws_sdk_sqs))
    }

    /// DynamoDB's SDK client (made on first use): creating the table, scanning it.
    pub fn dynamodb_sdk(&self) -> &aws_sdk_dynamodb::Client {
        self.sdk.dynamodb.get_or_init(|| client_of!(self.sdk_config(), &self.sdk.counter, aws_sdk_dynamodb))
    }

    /// What every SDK client is built from: for tests that make clients of other services (SNS,
    /// EventBridge, S3's buckets). Three attempts and the small clients' timeouts.
    pub fn sdk_config(&self) -> &SdkConfig {
        self.sdk.shared.get_or_init(|| {
            let Signer { region, credentials, http, .. } = &self.signer;
            let mut shared = SdkConfig::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.clone()))
                .credentials_provider(credentials.clone())
                .http_client(http.clone())
                .retry_config(RetryConfig::standard().with_max_attempts(3))
                .timeout_config(
                    TimeoutConfig::builder()
                        .connect_timeout(Duration::from_secs(2))
                        .operation_attempt_timeout(Duration::from_secs(10))
                        .build(),
                );
            if let Some(endpoint) = &self.endpoint_url {
                shared = shared.endpoint_url(endpoint);
            }
            shared.build()
        })
    }
}
