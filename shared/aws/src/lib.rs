//! Vigil's AWS adapters: the storage ports on one DynamoDB table, probe jobs on SQS, events on
//! SNS (and optionally EventBridge), failure artefacts on S3, and the configuration that every
//! Lambda function reads, and checks, at cold start.

pub mod dynamo;

pub use dynamo::DynamoStore;
