//! A signed-in client against a fake token server that behaves as Vigil's does: each refresh
//! token works once and a spent one sent again revokes the whole sign-in. The client refreshes
//! before its access token expires or when it is refused, keeps every new refresh token in its
//! store, and clients sharing a store (two processes on one configuration file) never send a
//! spent refresh token.

use async_trait::async_trait;
use bytes::Bytes;
use std::sync::{Arc, Mutex};
use vigil_client::api::{Me, TenantId};
use vigil_client::{Client, Error, MemoryTokens, StoredTokens, Transport, TransportError};

const ORG: &str = "0192f3a4-0000-7000-8000-0000000000aa";
const OTHER_ORG: &str = "0192f3a4-0000-7000-8000-0000000000bb";

/// What the fake server knows and saw.
#[derive(Default)]
struct State {
    /// The refresh token that works now (`None`: the sign-in was revoked).
    refresh: Option<String>,
    /// Refresh tokens already used.
    spent: Vec<String>,
    /// The access tokens that work now (until they expire, as JWTs do).
    access: Vec<String>,
    /// How many pairs were issued.
    issued: u32,
    /// Seconds each access token is said to last.
    expires_in: i64,
    /// Whether a spent refresh token came back.
    replayed: bool,
    /// The organisation of the latest pair.
    organisation: String,
    /// Every request: method, path, Authorization, body.
    seen: Vec<(String, String, Option<String>, String)>,
}

#[derive(Clone)]
struct FakeServer(Arc<Mutex<State>>);

impl FakeServer {
    fn new(expires_in: i64) -> Self {
        let state = State { refresh: Some("vr_0".into()), expires_in, organisation: ORG.into(), ..State::default() };
        Self(Arc::new(Mutex::new(state)))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap()
    }

    fn paths(&self) -> Vec<String> {
        self.state().seen.iter().map(|(method, path, _, _)| format!("{method} {path}")).collect()
    }
}

fn answer(status: u16, body: serde_json::Value) -> http::Response<Bytes> {
    let content_type = if status >= 400 { "application/problem+json" } else { "application/json" };
    http::Response::builder().status(status).header("content-type", content_type).body(Bytes::from(body.to_string())).unwrap()
}

fn problem(kind: &str, detail: &str) -> serde_json::Value {
    serde_json::json!({"type": format!("https://vigil.dev/problems/{kind}"), "title": "Refused", "status": 401, "detail": detail})
}

fn me_body() -> serde_json::Value {
    serde_json::json!({
        "user": {"id": "0192f3a4-0000-7000-8000-000000000001", "email": "ann@example.com", "email_verified": true, "name": "Ann",
            "locale": "en", "time_zone": "UTC", "two_factor": false, "recovery_codes_left": 0, "created_at": "2026-03-01T00:00:00Z"},
        "organisations": [{"id": ORG, "name": "Acme", "role": "owner"}],
        "current_organisation": ORG
    })
}

#[async_trait]
impl Transport for FakeServer {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        // A round trip takes a while, as on a network: time for concurrent callers to interleave.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        let path = request.uri().path().to_owned();
        let authorization = request.headers().get("authorization").map(|v| v.to_str().unwrap().to_owned());
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let mut state = self.state();
        state.seen.push((request.method().to_string(), path.clone(), authorization.clone(), body.clone()));
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let response = match (request.method().as_str(), path.as_str()) {
            ("POST", "/v1/auth/token") if json["grant_type"] == "refresh_token" => {
                let presented = json["refresh_token"].as_str().unwrap().to_owned();
                if state.refresh.as_deref() == Some(presented.as_str()) {
                    state.issued += 1;
                    let issued = state.issued;
                    state.spent.push(presented);
                    state.refresh = Some(format!("vr_{issued}"));
                    state.access.push(format!("at_{issued}"));
                    if let Some(organisation) = json["organisation_id"].as_str() {
                        state.organisation = organisation.to_owned();
                    }
                    answer(
                        200,
                        serde_json::json!({"access_token": format!("at_{issued}"), "token_type": "Bearer",
                        "expires_in": state.expires_in, "refresh_token": format!("vr_{issued}"), "organisation_id": state.organisation}),
                    )
                } else {
                    if state.spent.contains(&presented) {
                        state.replayed = true;
                        state.refresh = None;
                        state.access.clear();
                    }
                    answer(401, problem("unauthorized", "this refresh token is not valid"))
                }
            }
            ("POST", "/v1/auth/token") if json["grant_type"] == "password" => {
                let mut refusal = problem("second-factor-required", "a two-factor code is needed");
                refusal["second_factor_required"] = true.into();
                refusal["ticket"] = "tk_1".into();
                answer(401, refusal)
            }
            ("POST", "/v1/auth/revoke") => {
                state.refresh = None;
                state.access.clear();
                http::Response::builder().status(204).body(Bytes::new()).unwrap()
            }
            ("GET", "/v1/me") if state.access.iter().any(|a| authorization.as_deref() == Some(&format!("Bearer {a}"))) => {
                answer(200, me_body())
            }
            ("GET", "/v1/me") => answer(401, problem("unauthorized", "the access token is not valid")),
            other => panic!("unexpected request {other:?}"),
        };
        Ok(response)
    }
}

fn signed_in(server: &FakeServer, store: &MemoryTokens) -> Client {
    Client::with_transport("http://vigil.test/".parse().unwrap(), None, Arc::new(server.clone())).with_tokens(Arc::new(store.clone()))
}

fn first_sign_in() -> MemoryTokens {
    MemoryTokens::new(Some(StoredTokens {
        refresh_token: "vr_0".into(),
        access_token: None,
        access_expires_at: None,
        organisation_id: None,
    }))
}

#[tokio::test]
async fn a_signed_in_client_refreshes_once_and_keeps_the_new_refresh_token() {
    let server = FakeServer::new(900);
    let store = first_sign_in();
    let client = signed_in(&server, &store);
    let me: Me = client.me().await.unwrap();
    assert_eq!(me.user.email, "ann@example.com");
    client.me().await.unwrap();
    assert_eq!(server.paths(), ["POST /v1/auth/token", "GET /v1/me", "GET /v1/me"], "one refresh, then the access token is reused");
    let seen = server.state().seen.clone();
    assert_eq!(seen[0].2, None, "a refresh carries no Authorization");
    assert!(seen[0].3.contains("\"refresh_token\":\"vr_0\""), "{}", seen[0].3);
    assert_eq!(seen[1].2.as_deref(), Some("Bearer at_1"));
    let kept = store.current().await.unwrap();
    assert_eq!((kept.refresh_token.as_str(), kept.access_token.as_deref()), ("vr_1", Some("at_1")), "the rotated token is kept");
    assert!(kept.access_expires_at.is_some_and(|at| at > jiff::Timestamp::now()));
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_and_the_request_sent_once_more() {
    let server = FakeServer::new(900);
    let store = first_sign_in();
    let client = signed_in(&server, &store);
    client.me().await.unwrap();
    // The server stops taking the access token early (its signing key changed, say).
    server.state().access.clear();
    client.me().await.unwrap();
    assert_eq!(server.paths(), ["POST /v1/auth/token", "GET /v1/me", "GET /v1/me", "POST /v1/auth/token", "GET /v1/me"]);
    assert_eq!(store.current().await.unwrap().refresh_token, "vr_2");
}

#[tokio::test]
async fn an_access_token_about_to_expire_is_refreshed_first() {
    // 20 s is within the client's margin: every request starts with a refresh, each with the
    // newest refresh token.
    let server = FakeServer::new(20);
    let store = first_sign_in();
    let client = signed_in(&server, &store);
    for _ in 0..3 {
        client.me().await.unwrap();
    }
    assert_eq!(server.state().issued, 3);
    assert!(!server.state().replayed);
    assert_eq!(store.current().await.unwrap().refresh_token, "vr_3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_sharing_a_store_never_send_a_spent_refresh_token() {
    let server = FakeServer::new(20);
    let store = first_sign_in();
    // Two clients with a session each, like two `vigil` processes on one configuration file.
    let (a, b) = (signed_in(&server, &store), signed_in(&server, &store));
    let calls = (0..12).map(|i| {
        let client = if i % 2 == 0 { a.clone() } else { b.clone() };
        tokio::spawn(async move { client.me().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    {
        let state = server.state();
        assert!(!state.replayed, "no spent refresh token was sent");
        assert_eq!(state.issued, 12, "each call needed a fresh token, one refresh each");
    }
    assert_eq!(store.current().await.unwrap().refresh_token, "vr_12");

    // With long-lived access tokens, the other client takes the one already in the store.
    let server = FakeServer::new(900);
    let store = first_sign_in();
    signed_in(&server, &store).me().await.unwrap();
    signed_in(&server, &store).me().await.unwrap();
    assert_eq!(server.state().issued, 1);
}

#[tokio::test]
async fn a_refused_refresh_ends_the_sign_in_and_changes_nothing() {
    let server = FakeServer::new(900);
    server.state().refresh = Some("vr_elsewhere".into());
    let store = first_sign_in();
    let error = signed_in(&server, &store).me().await.unwrap_err();
    assert_eq!(error.status(), Some(401), "{error:?}");
    assert!(error.is_unauthorized());
    assert_eq!(store.current().await.unwrap().refresh_token, "vr_0", "nothing was rotated");
}

#[tokio::test]
async fn signing_out_revokes_and_forgets_the_tokens() {
    let server = FakeServer::new(900);
    let store = first_sign_in();
    let client = signed_in(&server, &store);
    client.me().await.unwrap();
    client.sign_out().await.unwrap();
    let revoke = server.state().seen.last().cloned().unwrap();
    assert_eq!((revoke.1.as_str(), revoke.3.as_str()), ("/v1/auth/revoke", r#"{"refresh_token":"vr_1"}"#));
    assert_eq!(store.current().await, None);
    assert!(matches!(client.me().await, Err(Error::SignedOut)));
}

#[tokio::test]
async fn switching_organisation_is_a_refresh_for_it() {
    let server = FakeServer::new(900);
    let store = first_sign_in();
    let client = signed_in(&server, &store);
    let other: TenantId = OTHER_ORG.parse().unwrap();
    let grant = client.switch_organisation(other).await.unwrap();
    assert_eq!(grant.organisation_id, other);
    assert!(server.state().seen[0].3.contains(OTHER_ORG));
    let kept = store.current().await.unwrap();
    assert_eq!((kept.refresh_token.as_str(), kept.organisation_id), ("vr_1", Some(other)));
    client.me().await.unwrap();
    assert_eq!(server.state().issued, 1, "the switch's access token is used");
    // Its next refresh stays in that organisation.
    server.state().access.clear();
    client.me().await.unwrap();
    assert!(server.state().seen.iter().filter(|s| s.1 == "/v1/auth/token").all(|s| s.3.contains(OTHER_ORG)));
}

#[tokio::test]
async fn a_password_that_needs_a_second_factor_answers_its_ticket() {
    let server = FakeServer::new(900);
    let client = Client::with_transport("http://vigil.test/".parse().unwrap(), None, Arc::new(server.clone()));
    match client.sign_in("ann@example.com", "correct horse battery staple", None).await {
        Err(Error::SecondFactorRequired { ticket, problem }) => {
            assert_eq!(ticket, "tk_1");
            assert_eq!(problem.status, 401);
        }
        other => panic!("expected a second factor: {other:?}"),
    }
    assert_eq!(server.state().seen[0].2, None, "a sign-in carries no credentials");
}
