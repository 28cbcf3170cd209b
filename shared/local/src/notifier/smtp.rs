//! Email through an SMTP relay (lettre over rustls).

use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;
use vigil_domain::notify::AttemptResult;

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a test sink.
    None,
}

/// Where and as whom email is sent.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Relay host.
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// Login, if the relay needs one.
    pub username: Option<String>,
    /// Password (never logged).
    pub password: Option<String>,
    /// The From address.
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Clone)]
pub(super) struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    pub(super) fn new(config: SmtpConfig) -> anyhow::Result<Self> {
        let builder = match config.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)?,
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
        };
        let mut builder = builder.port(config.port).timeout(Some(Duration::from_secs(30)));
        if let Some(username) = config.username {
            builder = builder.credentials(Credentials::new(username, config.password.unwrap_or_default()));
        }
        let from = config.from.parse().map_err(|e| anyhow::anyhow!("the SMTP From address `{}` is not valid: {e}", config.from))?;
        Ok(Self { transport: builder.build(), from })
    }

    pub(super) async fn send(&self, to: &[String], subject: &str, text: &str, headers: &[(String, String)]) -> AttemptResult {
        let mut message = Message::builder().from(self.from.clone()).subject(subject).header(ContentType::TEXT_PLAIN);
        for (name, value) in headers {
            match HeaderName::new_from_ascii(name.clone()) {
                Ok(name) => message = message.raw_header(HeaderValue::new(name, value.clone())),
                Err(error) => {
                    return AttemptResult::Rejected { status_code: None, error: format!("bad header {name}: {error}"), retryable: false };
                }
            }
        }
        for address in to {
            match address.parse::<Mailbox>() {
                Ok(mailbox) => message = message.to(mailbox),
                Err(error) => {
                    return AttemptResult::Rejected {
                        status_code: None,
                        error: format!("bad recipient {address}: {error}"),
                        retryable: false,
                    };
                }
            }
        }
        let message = match message.body(text.to_owned()) {
            Ok(message) => message,
            Err(error) => {
                return AttemptResult::Rejected { status_code: None, error: format!("building the email: {error}"), retryable: false };
            }
        };
        match self.transport.send(message).await {
            Ok(response) => AttemptResult::Accepted { status_code: Some(u16::from(response.code())) },
            Err(error) => AttemptResult::Rejected {
                status_code: error.status().map(u16::from),
                error: format!("SMTP: {error}"),
                retryable: !error.is_permanent(),
            },
        }
    }
}
