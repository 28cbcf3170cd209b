//! Account mail through SES on the emulator: an invitation and a password reset sent by the
//! accounts function's wiring reach SES (moto keeps what it was given), with working links.

use crate::pipeline::assert_declared;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::tenant::ApiKeySecret;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, clients};

pub(crate) async fn send(router: &axum::Router, key: Option<&str>, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let response = router.clone().oneshot(request.body(axum::body::Body::from(body.to_string())).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Every message SES was given, as moto reports them.
pub(crate) async fn sent_mail(endpoint: &str) -> Vec<Value> {
    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json")).await.unwrap().json().await.unwrap();
    let mut messages = Vec::new();
    fn walk(value: &Value, out: &mut Vec<Value>) {
        match value {
            Value::Object(map) => {
                if map.contains_key("destinations") || map.contains_key("destination") {
                    out.push(value.clone());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&data["ses"], &mut messages);
    walk(&data["sesv2"], &mut messages);
    messages
}

fn token_in(message: &Value, path: &str) -> String {
    let text = message.to_string().replace("\\n", "\n").replace("=\\r\\n", "");
    let start = text.find(path).unwrap_or_else(|| panic!("no {path} link in {text}"));
    let after = &text[start..];
    let at = after.find("token=").expect("a token") + "token=".len();
    after[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// The emulator with the sender verified in SES: it sends only from a verified identity.
pub(crate) async fn mailing_session() -> Session {
    let session = Session::start().await;
    session
        .clients
        .ses()
        .create_email_identity()
        .email_identity(vigil_tests::emulator::EMAIL_FROM)
        .send()
        .await
        .expect("verifying the sender");
    session
}

/// [`mailing_session`] with a tenant whose admin key is [`TEST_KEY`], and the accounts
/// function's router over it, with the counter of the requests it makes.
pub(crate) async fn mailing_tenant() -> (Session, axum::Router, RequestCounter) {
    let session = mailing_session().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let accounts =
        vigil_fn_api::accounts_app(wiring::accounts_deps(&counted, &session.store_config()).expect("wiring the accounts function"));
    (session, accounts, counter)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_and_resets_are_mailed_through_ses_with_working_links() {
    let (session, router, requests) = mailing_tenant().await;

    let (status, invitation) =
        send(&router, Some(TEST_KEY), Method::POST, "/v1/invitations", json!({"email": "new@example.com", "role": "editor"})).await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    assert!(invitation.get("mail_error").is_none(), "SES took the invitation: {invitation}");
    let mail = sent_mail(&session.endpoint).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].to_string().contains("new@example.com"), "{}", mail[0]);
    let token = token_in(&mail[0], "/invitations/accept");
    let (status, tokens) = send(
        &router,
        None,
        Method::POST,
        "/v1/invitations/accept",
        json!({"token": token, "name": "Neo", "password": "a fine long passphrase"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "the mailed link works: {tokens}");

    let (status, _) = send(&router, None, Method::POST, "/v1/auth/password-reset", json!({"email": "new@example.com"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mail = sent_mail(&session.endpoint).await;
    assert_eq!(mail.len(), 2, "{mail:?}");
    let token = token_in(&mail[1], "/reset-password");
    let (status, answer) = send(
        &router,
        None,
        Method::POST,
        "/v1/auth/password-reset/confirm",
        json!({"token": token, "password": "another fine passphrase"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    assert_declared("accounts", &requests);
}
