//! The AWS [`Notifier`]s: HTTP channels over HTTPS, email through SES, SMS through SNS; and
//! email alone, for a function that sends nothing else.

use crate::clients::AwsClients;
use crate::service_answer::{CallError, THROTTLING_CODES};
use crate::ses::{Email, SesEmails};
use crate::sns::{Recipient, SnsMessages};
use async_trait::async_trait;
use std::time::Duration;
use vigil_domain::notify::{AttemptResult, OutboundMessage, ReceiverVerdict};
use vigil_domain::ports::Notifier;
use vigil_domain::probe::NetworkPolicy;
use vigil_outbound::{HttpSender, within_deadline};
use vigil_probe::NetworkGuard;

/// What the notifier says when email is asked for and no sender is configured.
pub const NO_EMAIL_FROM: &str = "email needs VIGIL_EMAIL_FROM, a verified SES sender";

/// The SNS message attribute choosing how an SMS is routed: transactional messages go through
/// the routes meant for time-critical texts (alerts), at a higher price than promotional ones.
const SMS_TYPE: (&str, &str) = ("AWS.SNS.SMS.SMSType", "Transactional");

/// Sends messages from a Lambda function.
#[derive(Clone, Debug)]
pub struct AwsNotifier {
    http: HttpSender,
    email: SesEmail,
    sns: SnsMessages,
}

impl AwsNotifier {
    /// A notifier on `clients` whose HTTP channels reach only what `policy` allows, resolved
    /// through `guard`; email needs a verified SES sender `email_from`.
    pub fn new(clients: &AwsClients, email_from: Option<String>, guard: NetworkGuard, policy: NetworkPolicy) -> anyhow::Result<Self> {
        Ok(Self { http: HttpSender::new(guard, policy), email: SesEmail::new(clients, email_from), sns: clients.sns_messages() })
    }

    async fn sms(&self, to: &str, text: &str) -> AttemptResult {
        match self.sns.publish(Recipient::Phone(to), text, &[SMS_TYPE]).await {
            Ok(()) => AttemptResult::Accepted { status_code: None },
            Err(error) => of_call_error(error),
        }
    }
}

#[async_trait]
impl Notifier for AwsNotifier {
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration) {
        within_deadline(timeout, async {
            match message {
                OutboundMessage::Http { url, headers, body } => self.http.post(url, headers, body.clone(), timeout).await,
                OutboundMessage::Email { to, subject, text, headers } => self.email.send(to, subject, text, headers).await,
                OutboundMessage::Sms { to, text } => self.sms(to, text).await,
            }
        })
        .await
    }
}

/// Sends email alone, through SES: the notifier of a function that sends nothing else (the
/// accounts function's mail), so that its binary carries neither the channels' HTTP client nor
/// SNS. An HTTP or SMS message is rejected for good.
#[derive(Clone, Debug)]
pub struct SesMailer {
    email: SesEmail,
}

impl SesMailer {
    /// A mailer on `clients`; email needs a verified SES sender `email_from`.
    pub fn new(clients: &AwsClients, email_from: Option<String>) -> Self {
        Self { email: SesEmail::new(clients, email_from) }
    }
}

#[async_trait]
impl Notifier for SesMailer {
    async fn send(&self, message: &OutboundMessage, timeout: Duration) -> (AttemptResult, Duration) {
        within_deadline(timeout, async {
            match message {
                OutboundMessage::Email { to, subject, text, headers } => self.email.send(to, subject, text, headers).await,
                OutboundMessage::Http { .. } | OutboundMessage::Sms { .. } => rejected("this function sends email alone".into()),
            }
        })
        .await
    }
}

/// Email through SES from one sender.
#[derive(Clone, Debug)]
struct SesEmail {
    ses: SesEmails,
    from: Option<String>,
}

impl SesEmail {
    fn new(clients: &AwsClients, from: Option<String>) -> Self {
        Self { ses: clients.ses_emails(), from }
    }

    async fn send(&self, to: &[String], subject: &str, text: &str, headers: &[(String, String)]) -> AttemptResult {
        let Some(from) = &self.from else { return rejected(NO_EMAIL_FROM.into()) };
        if to.is_empty() {
            return rejected("email has no recipient".into());
        }
        match self.ses.send(Email { from, to, subject, text, headers }).await {
            Ok(()) => AttemptResult::Accepted { status_code: None },
            Err(error) => of_call_error(error),
        }
    }
}

/// A rejection that no retry will turn into a success.
fn rejected(error: String) -> AttemptResult {
    AttemptResult::Rejected { status_code: None, error, retryable: false }
}

/// What a failed call of a small client means for the delivery.
fn of_call_error(error: CallError) -> AttemptResult {
    match error {
        CallError::Refused { status, ref code, .. } => {
            let retryable = answer_is_retryable(status, Some(code.as_str()));
            AttemptResult::Rejected { status_code: Some(status), error: error.to_string(), retryable }
        }
        // No answer after every attempt: the service may well take it next time.
        CallError::Unanswered(error) => AttemptResult::Rejected { status_code: None, error: format!("{error:#}"), retryable: true },
    }
}

/// Whether an AWS answer with `status` and error `code` may pass on another attempt: throttling
/// and server errors may; validation errors (a bad address, an unverified sender, a rejected
/// message, a suspended account) will not.
fn answer_is_retryable(status: u16, code: Option<&str>) -> bool {
    code.is_some_and(|code| THROTTLING_CODES.contains(&code)) || ReceiverVerdict::of_status(status) == ReceiverVerdict::Retry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_server_errors_are_retried_validation_errors_are_not() {
        let cases = [
            (400, Some("MessageRejected"), false),
            (400, Some("BadRequestException"), false),
            (400, Some("InvalidParameter"), false),
            (403, Some("AuthorizationError"), false),
            (400, Some("Throttling"), true),
            (429, Some("TooManyRequestsException"), true),
            (400, Some("LimitExceededException"), true),
            (500, Some("InternalFailure"), true),
            (503, None, true),
        ];
        for (status, code, retryable) in cases {
            assert_eq!(answer_is_retryable(status, code), retryable, "{status} {code:?}");
        }
    }

    #[tokio::test]
    async fn the_mailer_refuses_for_good_what_is_not_email_and_sends_nothing() {
        // An endpoint nothing listens on: a request reaching it would fail as unsent, not as
        // rejected for good.
        let settings = crate::config::AwsSettings { region: "eu-west-1".into(), endpoint_url: Some("http://127.0.0.1:9".into()) };
        let clients = AwsClients::new(&settings, crate::ClientOptions::default()).await;
        let mailer = SesMailer::new(&clients, Some("vigil@example.com".into()));
        let messages = [
            OutboundMessage::Http { url: "https://hooks.example.com/x".parse().unwrap(), headers: Vec::new(), body: "{}".into() },
            OutboundMessage::Sms { to: "+33600000000".into(), text: "down".into() },
        ];
        for message in messages {
            let (result, _) = mailer.send(&message, Duration::from_secs(1)).await;
            assert!(
                matches!(&result, AttemptResult::Rejected { retryable: false, error, .. } if error == "this function sends email alone"),
                "{result:?}"
            );
        }
        let unsent = SesMailer::new(&clients, None);
        let email = OutboundMessage::Email { to: vec!["a@example.com".into()], subject: "s".into(), text: "t".into(), headers: Vec::new() };
        let (result, _) = unsent.send(&email, Duration::from_secs(1)).await;
        assert!(matches!(&result, AttemptResult::Rejected { error, .. } if error == NO_EMAIL_FROM), "{result:?}");
    }
}
