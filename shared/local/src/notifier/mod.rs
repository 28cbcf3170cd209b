//! The self-hosted [`Notifier`]: HTTP channels (webhooks, Slack, Discord, Teams, PagerDuty)
//! through one pooled HTTPS client, email through SMTP. SMS needs the AWS deployment (SNS).

mod smtp;

pub use smtp::{SmtpConfig, SmtpSecurity};

use async_trait::async_trait;
use std::time::Duration;
use vigil_domain::notify::{AttemptResult, OutboundMessage};
use vigil_domain::ports::Notifier;
use vigil_domain::probe::NetworkPolicy;
use vigil_outbound::{HttpSender, within_deadline};
use vigil_probe::NetworkGuard;

/// Sends messages from this process.
#[derive(Clone)]
pub struct LocalNotifier {
    http: HttpSender,
    smtp: Option<smtp::SmtpSender>,
}

impl LocalNotifier {
    /// A notifier whose HTTP channels reach only what `policy` allows, resolved through
    /// `guard`; email needs `smtp` (the operator's relay, not a tenant's address, so it is not
    /// guarded).
    pub fn new(smtp: Option<SmtpConfig>, guard: NetworkGuard, policy: NetworkPolicy) -> anyhow::Result<Self> {
        Ok(Self { http: HttpSender::new(guard, policy), smtp: smtp.map(smtp::SmtpSender::new).transpose()? })
    }
}

#[async_trait]
impl Notifier for LocalNotifier {
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration) {
        within_deadline(timeout, async {
            match message {
                OutboundMessage::Http { url, headers, body } => self.http.post(url, headers, body.clone(), timeout).await,
                OutboundMessage::Email { to, subject, text, headers } => match &self.smtp {
                    Some(smtp) => smtp.send(to, subject, text, headers).await,
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
        })
        .await
    }
}
