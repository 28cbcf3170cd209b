//! The AWS [`Notifier`]: HTTP channels over HTTPS, email through SES, SMS through SNS.

use crate::clients::AwsClients;
use async_trait::async_trait;
use std::time::Duration;
use vigil_domain::notify::{AttemptResult, OutboundMessage};
use vigil_domain::ports::Notifier;

/// Sends messages from a Lambda function.
#[derive(Clone, Debug)]
pub struct AwsNotifier {
    email_from: Option<String>,
}

impl AwsNotifier {
    /// A notifier on `clients`; email needs a verified SES sender `email_from`.
    pub fn new(clients: &AwsClients, email_from: Option<String>) -> anyhow::Result<Self> {
        let _ = clients;
        Ok(Self { email_from })
    }
}

#[async_trait]
impl Notifier for AwsNotifier {
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration) {
        todo!("{message:?}{timeout:?}{:?}", self.email_from)
    }
}
