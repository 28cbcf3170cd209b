//! The clients of AWS, built on one HTTP client ([`SdkHttpClient`]: hyper's HTTP/1.1 client with
//! rustls on ring, the TLS stack the probe engine already uses, so the functions carry one crypto
//! library, not two). The functions call AWS through Vigil's small clients alone ([`crate::signed_call`]:
//! DynamoDB, S3, SQS, SNS, EventBridge, SES, API Gateway's connections); the SDK's clients are
//! kept for the tests and the bench (creating the table, queues and topics, reading them back).

use crate::agent_connections::AgentConnections;
use crate::config::AwsSettings;
use crate::dynamo::DynamoClient;
use crate::environment_credentials::EnvironmentCredentials;
use crate::events::EventBridgePublisher;
use crate::request_count::RequestCounter;
use crate::s3::S3Objects;
use crate::sdk_http::SdkHttpClient;
use crate::ses::SesEmails;
use crate::signed_call::Signer;
use crate::sns::SnsMessages;
use crate::sqs::SqsMessages;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// The SDK's clients, for the tests and the bench alone.
#[cfg(feature = "sdk-clients")]
mod sdk;

/// What tests and benchmarks add to the clients.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// Counts every request.
    pub counter: Option<RequestCounter>,
    /// Fixed credentials instead of the environment's (an emulator accepts any).
    pub credentials: Option<Credentials>,
}

/// One client per service, sharing connections and configuration.
#[derive(Clone, Debug)]
pub struct AwsClients {
    /// DynamoDB, for the store (see [`crate::dynamo::DynamoClient`]).
    pub dynamodb: DynamoClient,
    /// S3, for objects (see [`crate::s3`]).
    pub s3: S3Objects,
    /// The SDK's clients, for the tests and the bench: the Lambda builds leave them out.
    #[cfg(feature = "sdk-clients")]
    sdk: sdk::SdkClients,
    /// What the small clients ([`crate::signed_call`]) sign and send with, and the emulator
    /// they reach instead of AWS, if any.
    signer: Signer,
    endpoint_url: Option<String>,
}

impl AwsClients {
    /// Builds the clients: credentials from the environment (Lambda's role), three attempts
    /// with backoff (throttling is retried), and short timeouts so a failing dependency turns
    /// into a batch failure well within a Lambda's time. With an endpoint override (an
    /// emulator), S3 uses path-style addressing. Makes no request.
    ///
    /// The credentials are read from the environment directly rather than through aws-config's
    /// default chain: Lambda always provides them there, and the chain's other providers
    /// (profiles, SSO, web identity through STS, instance metadata) would add their code to
    /// every function's binary and time to its cold start.
    pub async fn new(settings: &AwsSettings, options: ClientOptions) -> Self {
        let ClientOptions { counter, credentials } = options;
        let http = SdkHttpClient::new();
        let credentials = match credentials {
            Some(fixed) => SharedCredentialsProvider::new(fixed),
            None => SharedCredentialsProvider::new(EnvironmentCredentials),
        };
        let endpoint = settings.endpoint_url.as_deref();
        let signer = Signer { region: settings.region.clone(), credentials, http, counter: counter.clone() };
        let s3 = S3Objects::new(&signer, endpoint);
        Self {
            dynamodb: DynamoClient::new(&signer, endpoint),
            s3,
            #[cfg(feature = "sdk-clients")]
            sdk: sdk::SdkClients::new(counter),
            signer,
            endpoint_url: settings.endpoint_url.clone(),
        }
    }

    /// SQS's `SendMessage`, for the notifier's queue of deliveries.
    pub fn sqs_messages(&self) -> SqsMessages {
        SqsMessages::new(&self.signer, self.endpoint_url.as_deref())
    }

    /// SNS's `Publish`, for events and SMS.
    pub fn sns_messages(&self) -> SnsMessages {
        SnsMessages::new(&self.signer, self.endpoint_url.as_deref())
    }

    /// Puts events on the EventBridge bus `bus` (a name or an ARN).
    pub fn event_bus(&self, bus: impl Into<String>) -> EventBridgePublisher {
        EventBridgePublisher::new(&self.signer, self.endpoint_url.as_deref(), bus)
    }

    /// SES's `SendEmail`, for email.
    pub fn ses_emails(&self) -> SesEmails {
        SesEmails::new(&self.signer, self.endpoint_url.as_deref())
    }

    /// The client of an API Gateway WebSocket API's connections at `endpoint`
    /// (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`), where the agents'
    /// connections are reached.
    pub fn agent_connections(&self, endpoint: &str) -> AgentConnections {
        AgentConnections::new(&self.signer, endpoint)
    }
}
