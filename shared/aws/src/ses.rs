//! SES's `SendEmail` (API v2) alone, through a [`Caller`] rather than `aws-sdk-sesv2`: the
//! functions that send mail (the notifier, the accounts and account pages' functions, alerting
//! and its pages) made that one call, and the SDK's client kept its orchestrator and endpoint
//! rules in each of them after every other SDK client had gone. SES v2 is a REST service: a
//! JSON body posted to `/v2/email/outbound-emails`.

use crate::service_answer::{CallError, ServiceError, json_answer_is_retryable, service_endpoint};
use crate::signed_call::{CallRequest, Caller, Service, Signer};
use anyhow::Context;
use serde::Serialize;

/// SES, as its calls are signed (as `ses`, its API v2 included), counted (as the SDK's client
/// named it) and tried again.
static SES: Service = Service { label: "SESv2", signing_name: "ses", s3_rules: false, retryable: json_answer_is_retryable };

/// What `SendEmail` takes: a simple message, its text in UTF-8.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendEmail<'a> {
    from_email_address: &'a str,
    destination: Destination<'a>,
    content: Content<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Destination<'a> {
    to_addresses: &'a [String],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Content<'a> {
    simple: Simple<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Simple<'a> {
    subject: Text<'a>,
    body: Body<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    headers: Vec<Header<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    text: Text<'a>,
}

/// Text with its charset: explicit, because subjects and bodies carry monitor names in any
/// script, which SES would otherwise read as ASCII.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Text<'a> {
    data: &'a str,
    charset: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Header<'a> {
    name: &'a str,
    value: &'a str,
}

/// One plain-text email.
#[derive(Clone, Copy, Debug)]
pub struct Email<'a> {
    /// The sender, a verified SES identity.
    pub from: &'a str,
    /// The recipients.
    pub to: &'a [String],
    /// The subject.
    pub subject: &'a str,
    /// The text.
    pub text: &'a str,
    /// Extra headers (`List-Unsubscribe`).
    pub headers: &'a [(String, String)],
}

/// Sends email through SES.
#[derive(Clone, Debug)]
pub struct SesEmails {
    url: String,
    caller: Caller,
}

impl SesEmails {
    /// A client of SES in `signer`'s region, or of an emulator at `endpoint` when there is one.
    /// Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>) -> Self {
        // SES's endpoints are named `email`, not `ses`.
        let base = service_endpoint("email", &signer.region, endpoint);
        Self { url: format!("{base}v2/email/outbound-emails"), caller: Caller::new(&SES, signer) }
    }

    /// Sends `email`.
    pub async fn send(&self, email: Email<'_>) -> Result<(), CallError> {
        let body = serde_json::to_vec(&send_email(email)).context("a SendEmail request")?;
        let headers = vec![("content-type", "application/json".to_owned())];
        let request = CallRequest { method: "POST", url: self.url.clone(), headers, body: body.into() };
        let answer = self.caller.send("SendEmail", request).await?;
        CallError::unless_success(|| "SES SendEmail".to_owned(), &answer, ServiceError::of_json)
    }
}

/// The request that sends `email`.
fn send_email(email: Email<'_>) -> SendEmail<'_> {
    let utf8 = |data| Text { data, charset: "UTF-8" };
    let headers = email.headers.iter().map(|(name, value)| Header { name, value }).collect();
    SendEmail {
        from_email_address: email.from,
        destination: Destination { to_addresses: email.to },
        content: Content { simple: Simple { subject: utf8(email.subject), body: Body { text: utf8(email.text) }, headers } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_email_is_sent_as_simple_utf8_content_with_its_headers() {
        let to = ["a@example.com".to_owned(), "b@example.com".to_owned()];
        let unsubscribe = [("List-Unsubscribe".to_owned(), "<https://status.example.com/u>".to_owned())];
        let email = Email { from: "vigil@example.com", to: &to, subject: "Überwachung down", text: "Seit 10:00", headers: &unsubscribe };
        assert_eq!(
            serde_json::to_value(send_email(email)).unwrap(),
            json!({
                "FromEmailAddress": "vigil@example.com",
                "Destination": {"ToAddresses": ["a@example.com", "b@example.com"]},
                "Content": {"Simple": {
                    "Subject": {"Data": "Überwachung down", "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": "Seit 10:00", "Charset": "UTF-8"}},
                    "Headers": [{"Name": "List-Unsubscribe", "Value": "<https://status.example.com/u>"}],
                }},
            })
        );
        let bare = Email { headers: &[], ..email };
        assert!(serde_json::to_value(send_email(bare)).unwrap()["Content"]["Simple"].get("Headers").is_none());
    }

    #[test]
    fn the_endpoint_is_the_emulator_or_the_region_s() {
        let signer = Signer::for_tests("eu-west-1");
        assert_eq!(SesEmails::new(&signer, Some("http://127.0.0.1:5000/")).url, "http://127.0.0.1:5000/v2/email/outbound-emails");
        assert_eq!(SesEmails::new(&signer, None).url, "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails");
    }
}
