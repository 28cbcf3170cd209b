//! HTTP channels: one POST per attempt, redirects not followed (a webhook that moved is a
//! configuration to fix, and following it would re-send the signed body elsewhere).

use std::time::Duration;
use vigil_domain::notify::{AttemptResult, ReceiverVerdict};

/// The most response bytes kept in an error message.
const ERROR_BODY_CHARS: usize = 300;

/// One pooled HTTPS client (rustls on ring) posting rendered messages.
#[derive(Clone, Debug)]
pub struct HttpSender {
    client: reqwest::Client,
}

impl HttpSender {
    /// A sender with its own connection pool.
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Vigil/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { client })
    }

    /// Posts `body` to `url` once, giving up after `timeout`. A 2xx is accepted; other
    /// statuses are rejected, retryable or not as [`ReceiverVerdict::of_status`] says; a
    /// transport failure is retryable.
    pub async fn post(&self, url: &str, headers: &[(String, String)], body: Vec<u8>, timeout: Duration) -> AttemptResult {
        let mut request = self.client.post(url).timeout(timeout).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
                let code = response.status().as_u16();
                match ReceiverVerdict::of_status(code) {
                    ReceiverVerdict::Delivered => AttemptResult::Accepted { status_code: Some(code) },
                    verdict => {
                        let text = response.text().await.unwrap_or_default();
                        let excerpt: String = text.chars().take(ERROR_BODY_CHARS).collect();
                        AttemptResult::Rejected {
                            status_code: Some(code),
                            error: format!("HTTP {code}: {}", excerpt.trim()),
                            retryable: verdict == ReceiverVerdict::Retry,
                        }
                    }
                }
            }
            Err(error) => {
                // Never the URL: for Slack, Discord and Teams it is the credential.
                let error = if error.is_timeout() {
                    format!("no answer within {} ms", timeout.as_millis())
                } else if error.is_connect() {
                    "could not connect".to_owned()
                } else {
                    format!("request failed: {}", error.without_url())
                };
                AttemptResult::Rejected { status_code: None, error, retryable: true }
            }
        }
    }
}
