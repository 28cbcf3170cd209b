//! Vigil's AWS adapters: the storage ports on one DynamoDB table, probe jobs on SQS, events on
//! SNS (and optionally EventBridge), failure artefacts on S3, and the configuration that every
//! Lambda function reads, and checks, at cold start.

pub mod agent_connections;
pub mod agent_gateway;
pub mod artefacts;
mod bucket;
pub mod clients;
pub mod config;
pub mod dynamo;
mod environment_credentials;
pub mod events;
pub mod logs;
pub mod not_wired;
pub mod notifier;
pub mod patient_deliveries;
pub mod ping_bodies;
pub mod read_only;
pub mod request_count;
pub mod s3;
pub mod sdk_http;
mod service_answer;
pub mod ses;
mod signed_call;
pub mod signed_in;
pub mod sns;
pub mod sqs;
pub mod startup;
pub mod wiring;
mod xml_reply;

pub use agent_gateway::AgentGateway;
pub use artefacts::S3ArtefactStore;
pub use clients::{AwsClients, ClientOptions};
pub use dynamo::{DynamoStore, HostRetention};
pub use notifier::{AwsNotifier, SesMailer};
pub use ping_bodies::S3PingBodyStore;
pub use service_answer::CallError;
pub use signed_call::Signer;
