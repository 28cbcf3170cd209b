//! SNS's `Publish` alone, through a [`Caller`] rather than `aws-sdk-sns`: every function that
//! publishes an event, and the notifier's SMS, made that one call, and the SDK's client, endpoint
//! rules and query-protocol serialisers were about 70 KiB of each one's text. SNS speaks AWS's
//! query protocol: a form-encoded `Action=Publish`, answered in XML.

use crate::service_answer::{CallError, ServiceError, service_endpoint, xml_answer_is_retryable};
use crate::signed_call::{CallRequest, Caller, Service, Signer};
use url::form_urlencoded;

/// SNS, as its calls are signed, counted and tried again: its query protocol answers throttling
/// with a 400 whose code names it.
static SNS: Service = Service { label: "SNS", signing_name: "sns", s3_rules: false, retryable: xml_answer_is_retryable };

/// The query protocol's version of SNS's API.
const API_VERSION: &str = "2010-03-31";

/// Where a message goes.
#[derive(Clone, Copy, Debug)]
pub enum Recipient<'a> {
    /// A topic, by its ARN: every subscription gets the message.
    Topic(&'a str),
    /// A phone number in E.164 form: an SMS.
    Phone(&'a str),
}

/// Publishes messages through SNS.
#[derive(Clone, Debug)]
pub struct SnsMessages {
    endpoint: String,
    caller: Caller,
}

impl SnsMessages {
    /// A client of SNS in `signer`'s region, or of an emulator at `endpoint` when there is one.
    /// Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>) -> Self {
        Self { endpoint: service_endpoint("sns", &signer.region, endpoint), caller: Caller::new(&SNS, signer) }
    }

    /// Publishes `message` to `to`, with string message `attributes` (name, value).
    pub async fn publish(&self, to: Recipient<'_>, message: &str, attributes: &[(&str, &str)]) -> Result<(), CallError> {
        let headers = vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8".to_owned())];
        let body = publish_form(to, message, attributes);
        let request = CallRequest { method: "POST", url: self.endpoint.clone(), headers, body: body.into() };
        let answer = self.caller.send("Publish", request).await?;
        CallError::unless_success(|| call_to(to), &answer, ServiceError::of_xml)
    }
}

/// The call, as an error names it.
fn call_to(to: Recipient<'_>) -> String {
    match to {
        Recipient::Topic(arn) => format!("SNS Publish to {arn}"),
        // A phone number is personal data: the logs say an SMS failed, not to whom.
        Recipient::Phone(_) => "SNS Publish of an SMS".to_owned(),
    }
}

/// The form of a `Publish` call. Message attributes are numbered from 1, each with its name and
/// a `String` value.
fn publish_form(to: Recipient<'_>, message: &str, attributes: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", "Publish").append_pair("Version", API_VERSION);
    match to {
        Recipient::Topic(arn) => form.append_pair("TopicArn", arn),
        Recipient::Phone(number) => form.append_pair("PhoneNumber", number),
    };
    form.append_pair("Message", message);
    for (index, (name, value)) in attributes.iter().enumerate() {
        let entry = format!("MessageAttributes.entry.{}", index + 1);
        form.append_pair(&format!("{entry}.Name"), name)
            .append_pair(&format!("{entry}.Value.DataType"), "String")
            .append_pair(&format!("{entry}.Value.StringValue"), value);
    }
    form.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(form: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(form.as_bytes()).into_owned().collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_topic_message_carries_its_attributes_in_order() {
        let form = publish_form(
            Recipient::Topic("arn:aws:sns:eu-west-1:1:vigil-events"),
            r#"{"type":"x","name":"a & b"}"#,
            &[("type", "monitor_status_changed"), ("tenant_id", "t 1")],
        );
        assert_eq!(
            decoded(&form),
            pairs(&[
                ("Action", "Publish"),
                ("Version", "2010-03-31"),
                ("TopicArn", "arn:aws:sns:eu-west-1:1:vigil-events"),
                ("Message", r#"{"type":"x","name":"a & b"}"#),
                ("MessageAttributes.entry.1.Name", "type"),
                ("MessageAttributes.entry.1.Value.DataType", "String"),
                ("MessageAttributes.entry.1.Value.StringValue", "monitor_status_changed"),
                ("MessageAttributes.entry.2.Name", "tenant_id"),
                ("MessageAttributes.entry.2.Value.DataType", "String"),
                ("MessageAttributes.entry.2.Value.StringValue", "t 1"),
            ])
        );
        assert!(!form.contains(' ') && !form.contains("a & b"), "the form is encoded: {form}");
    }

    #[test]
    fn an_sms_goes_to_a_phone_number() {
        let form = publish_form(Recipient::Phone("+33600000000"), "down", &[]);
        assert_eq!(
            decoded(&form),
            pairs(&[("Action", "Publish"), ("Version", "2010-03-31"), ("PhoneNumber", "+33600000000"), ("Message", "down")])
        );
    }

    #[test]
    fn an_error_names_the_topic_but_not_the_phone_number() {
        assert_eq!(call_to(Recipient::Topic("arn:aws:sns:eu-west-1:1:t")), "SNS Publish to arn:aws:sns:eu-west-1:1:t");
        assert_eq!(call_to(Recipient::Phone("+33600000000")), "SNS Publish of an SMS");
    }
}
