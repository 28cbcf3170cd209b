//! Sign-in through a real OpenID provider (the certified `oidc-provider` package, run with Node):
//! the whole flow from Vigil's start URL through the provider's login and consent pages to the
//! session cookie; the mapping rules letting people in or refusing them; unverified addresses,
//! replayed states, foreign return paths and the provider's own refusals.

use super::accounts::{OWNER, access, set_up};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use vigil_oidc::OidcSettings;
use vigil_tests::app::TestApp;
use vigil_tests::browser::{Browser, expect_redirect};
use vigil_tests::oidc_provider::{Account, CLIENT_ID, CLIENT_SECRET, ClaimsIn, Decision, OidcProvider};

const STATE_COOKIE: &str = "vigil_oidc_state";

const ANN: Account = Account { login: "ann", email: "ann@example.com", email_verified: true, name: "Ann Lee", groups: &["sre"] };
const CARL: Account =
    Account { login: "carl", email: "carl@contractor.example", email_verified: true, name: "Carl", groups: &["sre", "contractors"] };
const BEN: Account = Account { login: "ben", email: "ben@example.com", email_verified: false, name: "Ben", groups: &["sre"] };
const DORA: Account = Account { login: "dora", email: "dora@elsewhere.example", email_verified: true, name: "Dora", groups: &["ops"] };
const OLIVE: Account = Account { login: "olive", email: OWNER.0, email_verified: true, name: "Olive", groups: &[] };

/// Vigil with the provider configured, the owner set up (their access token is returned) and
/// the organisation's rules: contractors are refused, the `sre` group joins as editor.
async fn vigil_and_provider(claims: ClaimsIn, password_sign_in: bool) -> (TestApp, OidcProvider, String) {
    let mut provider = OidcProvider::start().await;
    let issuer = provider.issuer.clone();
    let app = TestApp::spawn_configured(move |config| {
        config.oidc = Some(OidcSettings {
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            display_name: "Test IdP".into(),
            extra_scopes: vec!["groups".into()],
            extra_root_certificates_pem: None,
        });
    })
    .await;
    let redirect_uri = format!("{}/v1/auth/oidc/callback", app.base);
    provider.configure(&redirect_uri, &[ANN, CARL, BEN, DORA, OLIVE], claims).await;
    let owner = access(&set_up(&app).await);
    let settings = json!({"settings": {"password_sign_in": password_sign_in, "oidc_rules": [
        {"match": {"group": "contractors"}, "role": null},
        {"match": {"group": "sre"}, "role": "editor"},
    ]}});
    let updated = app.call_as(Some(&owner), Method::PATCH, "/v1/organisation", Some(settings)).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.json);
    (app, provider, owner)
}

/// From Vigil's start URL to the provider's redirect back: the callback URL, not yet followed.
async fn through_the_provider(app: &TestApp, provider: &OidcProvider, browser: &Browser, who: &Account, decision: Decision) -> String {
    let start = format!("{}/v1/auth/oidc/start", app.base);
    let authorization = expect_redirect(&start, browser.get(&start).await, StatusCode::FOUND).await;
    provider.authorize(browser, &authorization, who.login, decision).await
}

/// The problem a response carries, checked to be problem+json with `status`.
async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("a problem body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_through_the_provider_lands_where_they_were_going_and_a_replay_is_refused() {
    let (app, provider, owner) = vigil_and_provider(ClaimsIn::UserInfo, true).await;
    let offered = app.call_as(None, Method::GET, "/v1/auth/providers", None).await;
    assert_eq!(offered.json, json!({"oidc": {"configured": true, "name": "Test IdP"}}));

    let browser = Browser::default();
    let start = format!("{}/v1/auth/oidc/start?return_to=%2Fmonitors%3Ftag%3Dprod", app.base);
    let authorization = expect_redirect(&start, browser.get(&start).await, StatusCode::FOUND).await;
    let asked = url::Url::parse(&authorization).unwrap();
    assert!(authorization.starts_with(&format!("{}/auth?", provider.issuer)), "{authorization}");
    let param = |name: &str| asked.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("code_challenge").map(|c| c.len()), Some(43), "a SHA-256 challenge, base64url");
    assert_eq!(param("scope").as_deref(), Some("openid email profile groups"));
    assert_eq!(param("redirect_uri"), Some(format!("{}/v1/auth/oidc/callback", app.base)));
    let state = param("state").expect("a state");
    assert!(param("nonce").is_some_and(|n| n.len() >= 43));
    assert_eq!(browser.cookie(&app.base, STATE_COOKIE).as_deref(), Some(state.as_str()), "the browser keeps the state");

    let callback = provider.authorize(&browser, &authorization, ANN.login, Decision::Consent).await;
    assert!(callback.starts_with(&format!("{}/v1/auth/oidc/callback?", app.base)), "{callback}");
    let finished = browser.get(&callback).await;
    let set_cookies: Vec<String> = finished.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let back = expect_redirect(&callback, finished, StatusCode::SEE_OTHER).await;
    assert_eq!(back, format!("{}/monitors?tag=prod", app.base), "back where they were going");
    let session = set_cookies.iter().find(|c| c.starts_with("vigil_session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    assert_eq!(browser.cookie(&app.base, STATE_COOKIE), None, "the state cookie is spent");

    let me = browser.get(&format!("{}/v1/me", app.base)).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["user"]["email"], ANN.email);
    assert_eq!(me["user"]["name"], ANN.name, "the name the provider gave");
    assert_eq!(me["user"]["email_verified"], true);
    assert_eq!(me["organisations"][0]["name"], "Acme");
    assert_eq!(me["organisations"][0]["role"], "editor", "the `sre` rule made them an editor");

    // Someone holding the callback URL and the state cookie cannot use them a second time.
    browser.set_cookie(&app.base, STATE_COOKIE, &state);
    let replay = problem(browser.get(&callback).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(replay["type"], "https://vigil.dev/problems/oidc-state");
    assert!(replay["detail"].as_str().unwrap().contains("finished already"), "{replay}");

    let log = app.call_as(Some(&owner), Method::GET, "/v1/audit-log?target_kind=member", None).await;
    let joined: Vec<&Value> = log.json["items"].as_array().unwrap().iter().filter(|e| e["action"] == "member.oidc_join").collect();
    assert_eq!(joined.len(), 1, "{:?}", log.json);
    assert_eq!(joined[0]["target"]["name"], ANN.email);
    let signed_in = app.call_as(Some(&owner), Method::GET, "/v1/audit-log?action=user.oidc_sign_in", None).await;
    let entry = &signed_in.json["items"][0];
    assert_eq!(entry["target"]["name"], ANN.email, "{:?}", signed_in.json);
    assert!(entry.to_string().contains(&provider.issuer), "the entry names the provider: {entry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_refuse_unverified_addresses_are_refused_and_members_get_in_without_passwords() {
    let (app, provider, _) = vigil_and_provider(ClaimsIn::IdToken, false).await;

    let browser = Browser::default();
    let callback = through_the_provider(&app, &provider, &browser, &CARL, Decision::Consent).await;
    let refused = problem(browser.get(&callback).await, StatusCode::FORBIDDEN).await;
    assert_eq!(refused["type"], "https://vigil.dev/problems/oidc-refused", "the contractors rule comes before the sre one: {refused}");
    assert!(refused["detail"].as_str().unwrap().contains("a sign-in rule refuses this account"), "{refused}");

    let browser = Browser::default();
    let callback = through_the_provider(&app, &provider, &browser, &BEN, Decision::Consent).await;
    let unverified = problem(browser.get(&callback).await, StatusCode::FORBIDDEN).await;
    assert_eq!(unverified["type"], "https://vigil.dev/problems/oidc-email-unverified");
    assert!(unverified["detail"].as_str().unwrap().contains("has not verified ben@example.com"), "{unverified}");

    let browser = Browser::default();
    let callback = through_the_provider(&app, &provider, &browser, &DORA, Decision::Consent).await;
    let stranger = problem(browser.get(&callback).await, StatusCode::FORBIDDEN).await;
    assert!(stranger["detail"].as_str().unwrap().contains("no organisation here lets this account in"), "{stranger}");

    // Password sign-in is off for the organisation; the owner still gets in through the provider.
    let password = app.call_as(None, Method::POST, "/v1/auth/session", Some(json!({"email": OWNER.0, "password": OWNER.1}))).await;
    assert_eq!(password.status, StatusCode::FORBIDDEN, "{:?}", password.json);
    let browser = Browser::default();
    let callback = through_the_provider(&app, &provider, &browser, &OLIVE, Decision::Consent).await;
    let back = expect_redirect(&callback, browser.get(&callback).await, StatusCode::SEE_OTHER).await;
    assert_eq!(back, format!("{}/", app.base), "no return path: the root");
    let me: Value = browser.get(&format!("{}/v1/me", app.base)).await.json().await.unwrap();
    assert_eq!(me["user"]["email"], OWNER.0);
    assert_eq!(me["organisations"][0]["role"], "owner", "a member keeps the role they have");
    assert_eq!(me["organisations"].as_array().unwrap().len(), 1);

    // Nobody refused got an account.
    let members = app.call(Method::GET, "/v1/members", None).await;
    let emails: Vec<&str> = members.json["items"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, [OWNER.0], "{:?}", members.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_return_paths_other_browsers_and_the_providers_refusal_get_clear_problems() {
    let (app, provider, _) = vigil_and_provider(ClaimsIn::UserInfo, true).await;
    let browser = Browser::default();
    for foreign in ["https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example%2Fpath", "%2F%5Cevil.example"] {
        let start = format!("{}/v1/auth/oidc/start?return_to={foreign}", app.base);
        let refused = problem(browser.get(&start).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(refused["errors"][0]["field"], "return_to", "{refused}");
        assert!(refused["detail"].as_str().unwrap().starts_with("return_to: `"), "{refused}");
        assert!(refused["detail"].as_str().unwrap().contains("is not a local path"), "{refused}");
    }
    assert_eq!(browser.cookie(&app.base, STATE_COOKIE), None, "nothing was started");

    // The provider's own refusal, in its words.
    let callback = through_the_provider(&app, &provider, &browser, &ANN, Decision::Abort).await;
    assert!(callback.contains("error=access_denied"), "{callback}");
    let aborted = problem(browser.get(&callback).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(aborted["type"], "https://vigil.dev/problems/oidc-provider-refused");
    let detail = aborted["detail"].as_str().unwrap();
    assert!(detail.contains("access_denied") && detail.contains("End-User aborted interaction"), "{detail}");

    // A callback finished in another browser than the one that started it (login CSRF).
    let starter = Browser::default();
    let callback = through_the_provider(&app, &provider, &starter, &ANN, Decision::Consent).await;
    let victim = Browser::default();
    let elsewhere = problem(victim.get(&callback).await, StatusCode::BAD_REQUEST).await;
    assert!(elsewhere["detail"].as_str().unwrap().contains("started in another browser"), "{elsewhere}");
    // The starter's own callback still works: the other browser spent nothing.
    let back = expect_redirect(&callback, starter.get(&callback).await, StatusCode::SEE_OTHER).await;
    assert_eq!(back, format!("{}/", app.base));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_provider_the_sign_in_page_offers_none() {
    let app = TestApp::spawn().await;
    let offered = app.call_as(None, Method::GET, "/v1/auth/providers", None).await;
    assert_eq!(offered.json, json!({"oidc": {"configured": false, "name": null}}));
    let start = app.call_as(None, Method::GET, "/v1/auth/oidc/start", None).await;
    assert_eq!(start.status, StatusCode::NOT_FOUND);
    assert_eq!(start.json["type"], "https://vigil.dev/problems/oidc-not-configured");
}

/// The authorization URL with one parameter replaced, as someone between Vigil and the provider
/// could.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| if k == name { (k.into_owned(), value.to_owned()) } else { (k.into_owned(), v.into_owned()) })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_request_fails_the_nonce_and_pkce_checks() {
    let (app, provider, _) = vigil_and_provider(ClaimsIn::IdToken, true).await;
    let start = format!("{}/v1/auth/oidc/start", app.base);

    // Another nonce: the provider signs it into the ID token, which Vigil then refuses.
    let browser = Browser::default();
    let authorization = expect_redirect(&start, browser.get(&start).await, StatusCode::FOUND).await;
    let tampered = with_param(&authorization, "nonce", "a-nonce-vigil-never-made");
    let callback = provider.authorize(&browser, &tampered, ANN.login, Decision::Consent).await;
    let refused = problem(browser.get(&callback).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(refused["type"], "https://vigil.dev/problems/oidc-invalid-token", "{refused}");
    assert!(refused["detail"].as_str().unwrap().to_lowercase().contains("nonce"), "{refused}");

    // Another PKCE challenge: the provider refuses the code for Vigil's verifier.
    let browser = Browser::default();
    let authorization = expect_redirect(&start, browser.get(&start).await, StatusCode::FOUND).await;
    let tampered = with_param(&authorization, "code_challenge", &vigil_domain::accounts::pkce_challenge(&"x".repeat(43)));
    let callback = provider.authorize(&browser, &tampered, ANN.login, Decision::Consent).await;
    let refused = problem(browser.get(&callback).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(refused["type"], "https://vigil.dev/problems/oidc-provider-refused", "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("invalid_grant"), "the provider's own words: {refused}");

    let members = app.call(Method::GET, "/v1/members", None).await;
    assert_eq!(members.json["items"].as_array().unwrap().len(), 1, "nobody got in: {:?}", members.json);
}
