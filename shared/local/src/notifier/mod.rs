//! The self-hosted [`Notifier`]: HTTP channels (webhooks, Slack, Discord, Teams, PagerDuty)
//! through one pooled HTTPS client, email through SMTP. SMS needs the AWS deployment (SNS).

mod http;
mod smtp;

pub use smtp::{SmtpConfig, SmtpSecurity};

use async_trait::async_trait;
use std::time::{Duration, Instant};
use vigil_domain::notify::{AttemptResult, OutboundMessage};
use vigil_domain::ports::Notifier;

/// Sends messages from this process.
#[derive(Clone)]
pub struct LocalNotifier {
    http: http::HttpSender,
    smtp: Option<smtp::SmtpSender>,
}

impl LocalNotifier {
    /// A notifier; email needs `smtp`.
    pub fn new(smtp: Option<SmtpConfig>) -> anyhow::Result<Self> {
        Ok(Self { http: http::HttpSender::new()?, smtp: smtp.map(smtp::SmtpSender::new).transpose()? })
    }
}

#[async_trait]
impl Notifier for LocalNotifier {
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration) {
        let started = Instant::now();
        // The outer deadline holds even if a transport ignores its own timeout (a receiver that
        // accepts the connection and never answers).
        let attempt = async {
            match message {
                OutboundMessage::Http { url, headers, body } => self.http.post(url, headers, body.clone(), timeout).await,
                OutboundMessage::Email { to, subject, text } => match &self.smtp {
                    Some(smtp) => smtp.send(to, subject, text).await,
                    None => AttemptResult::Rejected {
                        status_code: None,
                        error: "email is not configured: start vigil serve with --smtp-host and --smtp-from".into(),
                        retryable: false,
                    },
                },
                OutboundMessage::Sms { .. } => AttemptResult::Rejected {
                    status_code: None,
                    error: "SMS is sent through Amazon SNS and needs the AWS deployment".into(),
                    retryable: false,
                },
            }
        };
        let result = match tokio::time::timeout(timeout, attempt).await {
            Ok(result) => result,
            Err(_) => AttemptResult::Rejected {
                status_code: None,
                error: format!("no answer within {} ms", timeout.as_millis()),
                retryable: true,
            },
        };
        (result, started.elapsed())
    }
}
