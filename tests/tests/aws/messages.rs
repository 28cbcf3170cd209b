//! Messages through the notifier's own clients on the emulator: an SMS through SNS (moto keeps
//! what it was given), and a number SNS refuses, a rejection for good that carries SNS's status
//! and code, not the number; an email from a sender SES has not verified, refused for good with
//! SES's type.

use crate::pipeline::assert_declared;
use serde_json::Value;
use std::time::Duration;
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{AwsNotifier, ClientOptions};
use vigil_domain::notify::{AttemptResult, OutboundMessage};
use vigil_domain::ports::Notifier;
use vigil_domain::probe::NetworkPolicy;
use vigil_probe::NetworkGuard;
use vigil_tests::emulator::{Session, clients};

#[tokio::test]
async fn an_sms_reaches_sns_and_a_refused_number_is_not_tried_again() {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let clients = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let notifier = AwsNotifier::new(&clients, None, NetworkGuard::with_getaddrinfo(), NetworkPolicy::PublicOnly).unwrap();

    // Characters the form encoding must carry: spaces, an ampersand, a plus, accents.
    let text = "Vigil: « api » est en panne (HTTP 503) & 1+1 réponses";
    let sms = OutboundMessage::Sms { to: "+33612345678".into(), text: text.into() };
    let (result, _) = notifier.send(&sms, Duration::from_secs(10)).await;
    assert!(matches!(result, AttemptResult::Accepted { status_code: None }), "{result:?}");
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", session.endpoint)).await.unwrap().json().await.unwrap();
    let sent: Vec<(&str, &str)> = data["sns"]["SMS"]
        .as_array()
        .expect("moto lists the texts it was given")
        .iter()
        .map(|m| (m["phone_number"].as_str().unwrap(), m["message"].as_str().unwrap()))
        .collect();
    assert_eq!(sent, [("+33612345678", text)]);

    let refused = OutboundMessage::Sms { to: "0612345678".into(), text: "down".into() };
    let (result, _) = notifier.send(&refused, Duration::from_secs(10)).await;
    match &result {
        AttemptResult::Rejected { status_code: Some(400), error, retryable: false } => {
            assert!(error.starts_with("SNS Publish of an SMS: HTTP 400: ") && error.contains("(InvalidParameter)"), "{error}");
            assert!(!error.contains("0612345678"), "the number stays out of the delivery's record: {error}");
        }
        other => panic!("a refused number is rejected for good with SNS's status: {other:?}"),
    }

    let counts = counter.snapshot();
    assert_eq!(counts.get(&("SNS".to_owned(), "Publish".to_owned())), Some(&2), "one request each, no retry: {counts:?}");
    assert_declared("notifier", &counter);
}

#[tokio::test]
async fn an_email_from_an_unverified_sender_is_refused_for_good_with_ses_s_reason() {
    let session = Session::start().await;
    let counter = RequestCounter::default();
    let clients = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let notifier =
        AwsNotifier::new(&clients, Some("nobody@unverified.example".into()), NetworkGuard::with_getaddrinfo(), NetworkPolicy::PublicOnly)
            .unwrap();
    let email =
        OutboundMessage::Email { to: vec!["ops@example.com".into()], subject: "down".into(), text: "down".into(), headers: Vec::new() };
    let (result, _) = notifier.send(&email, Duration::from_secs(10)).await;
    match &result {
        AttemptResult::Rejected { status_code: Some(400), error, retryable: false } => {
            assert!(error.starts_with("SES SendEmail: HTTP 400: ") && error.contains("(MessageRejected)"), "{error}");
        }
        other => panic!("an unverified sender is rejected for good with SES's status: {other:?}"),
    }
    assert_eq!(counter.snapshot().get(&("SESv2".to_owned(), "SendEmail".to_owned())), Some(&1), "no retry");
    assert_declared("notifier", &counter);
}
