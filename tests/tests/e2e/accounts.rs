//! People and organisations through the API of a real server: first-run set-up, tokens and
//! their rotation, browser sessions with CSRF, invitations and resets through an SMTP sink,
//! two-factor sign-in, keys bounded by their creator, throttling, and the audit log.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use vigil_domain::accounts::Totp;
use vigil_local::{SmtpConfig, SmtpSecurity};
use vigil_tests::app::TestApp;
use vigil_tests::smtp_sink::{Mail, SmtpSink};

pub(crate) const OWNER: (&str, &str) = ("olive@example.com", "correct horse battery staple");

async fn app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let addr = sink.addr;
    let app = TestApp::spawn_configured(move |config| {
        config.smtp = Some(SmtpConfig {
            host: addr.ip().to_string(),
            port: addr.port(),
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "vigil@example.com".into(),
        });
    })
    .await;
    (app, sink)
}

/// Sets up the owner (`OWNER`) of organisation Acme; their tokens.
pub(crate) async fn set_up(app: &TestApp) -> Value {
    let reply = app
        .call_as(
            None,
            Method::POST,
            "/v1/setup",
            Some(json!({"email": OWNER.0, "password": OWNER.1, "name": "Olive", "organisation": "Acme"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
    reply.json
}

pub(crate) fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("an access token").to_owned()
}

/// The link of a mail, with quoted-printable soft breaks undone.
fn link_in(mail: &Mail, path: &str) -> String {
    let body = mail.data.replace("=\r\n", "").replace("=3D", "=");
    let start = body.find(path).unwrap_or_else(|| panic!("no {path} link in {body}"));
    let token_at = body[start..].find("token=").expect("a token in the link") + start + "token=".len();
    body[token_at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_up_once_then_tokens_rotate_and_a_replay_revokes_the_family() {
    let app = TestApp::spawn().await;
    let tokens = set_up(&app).await;
    let again = app
        .call_as(None, Method::POST, "/v1/setup", Some(json!({"email": "x@example.com", "password": "another long one", "name": "X"})))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "set-up happens once: {:?}", again.json);

    let me = app.call_as(Some(&access(&tokens)), Method::GET, "/v1/me", None).await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.json);
    assert_eq!(me.json["user"]["email"], OWNER.0);
    assert_eq!(me.json["organisations"][0]["role"], "owner");
    assert_eq!(me.json["organisations"][0]["name"], "Acme", "the first-start organisation became the owner's, renamed");
    let monitors = app.call(Method::GET, "/v1/monitors", None).await;
    assert_eq!(monitors.status, StatusCode::OK, "the admin key printed at first start still works");

    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let rotated = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "refresh_token", "refresh_token": first_refresh})))
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.json);
    assert_ne!(rotated.json["refresh_token"], tokens["refresh_token"]);
    let replay = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "refresh_token", "refresh_token": first_refresh})))
        .await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert!(replay.json["detail"].as_str().unwrap().contains("already used"), "{:?}", replay.json);
    let after_replay = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "refresh_token", "refresh_token": rotated.json["refresh_token"]})),
        )
        .await;
    assert_eq!(after_replay.status, StatusCode::UNAUTHORIZED, "the replay revoked the whole family");

    let signed_in = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "password", "email": OWNER.0.to_uppercase(), "password": OWNER.1})),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "emails match whatever their case: {:?}", signed_in.json);
    let revoke = app.call_as(None, Method::POST, "/v1/auth/revoke", Some(json!({"refresh_token": signed_in.json["refresh_token"]}))).await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    let after_sign_out = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "refresh_token", "refresh_token": signed_in.json["refresh_token"]})),
        )
        .await;
    assert_eq!(after_sign_out.status, StatusCode::UNAUTHORIZED);

    let forged = format!("{}x", access(&tokens));
    assert_eq!(app.call_as(Some(&forged), Method::GET, "/v1/me", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_set_up_input_lists_every_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let reply =
        app.call_as(None, Method::POST, "/v1/setup", Some(json!({"email": "not-an-email", "password": "short", "name": " "}))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = reply.json["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "name"], "{:?}", reply.json);
    let common =
        app.call_as(None, Method::POST, "/v1/setup", Some(json!({"email": OWNER.0, "password": "password123", "name": "Olive"}))).await;
    assert_eq!(common.status, StatusCode::BAD_REQUEST);
    assert_eq!(common.json["errors"][0]["field"], "password", "{:?}", common.json);
    set_up(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_session_needs_its_csrf_token_to_change_anything() {
    let app = TestApp::spawn().await;
    set_up(&app).await;
    let client = &app.client;
    let started =
        client.post(format!("{}/v1/auth/session", app.base)).json(&json!({"email": OWNER.0, "password": OWNER.1})).send().await.unwrap();
    assert_eq!(started.status(), StatusCode::CREATED);
    let set_cookie = started.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && !set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let session: Value = started.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();

    let me = client.get(format!("{}/v1/me", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let body = json!({"name": "shop", "url": "http://127.0.0.1:9/"});
    let without = client.post(format!("{}/v1/monitors", app.base)).header("cookie", &cookie).json(&body).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let problem: Value = without.json().await.unwrap();
    assert_eq!(problem["type"], "https://vigil.dev/problems/csrf");
    let list = app.call(Method::GET, "/v1/monitors", None).await;
    assert_eq!(list.json["items"].as_array().unwrap().len(), 0, "the refused request changed nothing");
    let with = client
        .post(format!("{}/v1/monitors", app.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::CREATED);

    let ended = client
        .delete(format!("{}/v1/auth/session", app.base))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let after = client.get(format!("{}/v1/me", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "signed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_by_mail_makes_a_member_once() {
    let (app, sink) = app_with_mail().await;
    let owner = access(&set_up(&app).await);
    let invite =
        app.call_as(Some(&owner), Method::POST, "/v1/invitations", Some(json!({"email": "Bo@Example.com", "role": "editor"}))).await;
    assert_eq!(invite.status, StatusCode::CREATED, "{:?}", invite.json);
    assert!(invite.json.get("mail_error").is_none(), "{:?}", invite.json);
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].to, ["bo@example.com"]);
    assert!(mails[0].header("Subject").unwrap().contains("Acme"), "{:?}", mails[0].header("Subject"));
    let token = link_in(&mails[0], "/invitations/accept");

    let weak = app
        .call_as(None, Method::POST, "/v1/invitations/accept", Some(json!({"token": token, "name": "Bo", "password": "qwerty123"})))
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST, "{:?}", weak.json);
    let accepted = app
        .call_as(
            None,
            Method::POST,
            "/v1/invitations/accept",
            Some(json!({"token": token, "name": "Bo", "password": "bo's long passphrase"})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{:?}", accepted.json);
    let again = app
        .call_as(
            None,
            Method::POST,
            "/v1/invitations/accept",
            Some(json!({"token": token, "name": "Bo", "password": "bo's long passphrase"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "a link works once: {:?}", again.json);
    assert_eq!(again.json["type"], "https://vigil.dev/problems/bad-token");

    let members = app.call_as(Some(&owner), Method::GET, "/v1/members", None).await;
    let roles: Vec<(&str, &str)> =
        members.json["items"].as_array().unwrap().iter().map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap())).collect();
    assert_eq!(roles, [(OWNER.0, "owner"), ("bo@example.com", "editor")]);
    let bo = access(&accepted.json);
    let refused = app.call_as(Some(&bo), Method::POST, "/v1/invitations", Some(json!({"email": "cy@example.com", "role": "viewer"}))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "an editor does not invite: {:?}", refused.json);
    let invitations = app.call_as(Some(&owner), Method::GET, "/v1/invitations", None).await;
    assert_eq!(invitations.json["items"][0]["state"], "accepted");

    let bo_id = members.json["items"][1]["user_id"].as_str().unwrap().to_owned();
    let owner_id = members.json["items"][0]["user_id"].as_str().unwrap().to_owned();
    let last_owner = app.call_as(Some(&owner), Method::PATCH, &format!("/v1/members/{owner_id}"), Some(json!({"role": "admin"}))).await;
    assert_eq!(last_owner.status, StatusCode::CONFLICT, "{:?}", last_owner.json);
    assert_eq!(last_owner.json["type"], "https://vigil.dev/problems/last-owner");
    let removed = app.call_as(Some(&owner), Method::DELETE, &format!("/v1/members/{bo_id}"), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call_as(Some(&bo), Method::GET, "/v1/me", None).await.status,
        StatusCode::FORBIDDEN,
        "a removed member's token stops working"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_link_works_once_and_ends_every_sign_in() {
    let (app, sink) = app_with_mail().await;
    let tokens = set_up(&app).await;
    let unknown = app.call_as(None, Method::POST, "/v1/auth/password-reset", Some(json!({"email": "nobody@example.com"}))).await;
    let known = app.call_as(None, Method::POST, "/v1/auth/password-reset", Some(json!({"email": OWNER.0}))).await;
    assert_eq!((unknown.status, known.status), (StatusCode::ACCEPTED, StatusCode::ACCEPTED), "the answer says nothing about who exists");
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1, "only the account's address gets mail");
    let token = link_in(&mails[0], "/reset-password");

    let reset = app
        .call_as(None, Method::POST, "/v1/auth/password-reset/confirm", Some(json!({"token": token, "password": "a brand new passphrase"})))
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{:?}", reset.json);
    let reused = app
        .call_as(None, Method::POST, "/v1/auth/password-reset/confirm", Some(json!({"token": token, "password": "yet another passphrase"})))
        .await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    let old = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "password", "email": OWNER.0, "password": OWNER.1})))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "password", "email": OWNER.0, "password": "a brand new passphrase"})),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    let refresh = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED, "the reset revoked the earlier sign-ins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_sign_in_with_a_code_a_ticket_or_a_recovery_code() {
    let app = TestApp::spawn().await;
    let owner = access(&set_up(&app).await);
    let offer = app.call_as(Some(&owner), Method::POST, "/v1/me/totp", None).await;
    assert_eq!(offer.status, StatusCode::CREATED, "{:?}", offer.json);
    let totp = Totp::from_base32(offer.json["secret"].as_str().unwrap()).unwrap();
    let wrong = app.call_as(Some(&owner), Method::POST, "/v1/me/totp/confirm", Some(json!({"code": "000000"}))).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let confirmed =
        app.call_as(Some(&owner), Method::POST, "/v1/me/totp/confirm", Some(json!({"code": totp.code(jiff::Timestamp::now())}))).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.json);
    let recovery: Vec<String> =
        confirmed.json["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(recovery.len(), 10);

    let password_only = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "password", "email": OWNER.0, "password": OWNER.1})))
        .await;
    assert_eq!(password_only.status, StatusCode::UNAUTHORIZED);
    assert_eq!(password_only.json["second_factor_required"], true, "{:?}", password_only.json);
    let ticket = password_only.json["ticket"].as_str().unwrap().to_owned();
    let bad_code = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "second_factor", "ticket": ticket, "code": "123456"})))
        .await;
    assert_eq!(bad_code.status, StatusCode::UNAUTHORIZED);
    let with_recovery = app
        .call_as(None, Method::POST, "/v1/auth/token", Some(json!({"grant_type": "second_factor", "ticket": ticket, "code": recovery[0]})))
        .await;
    assert_eq!(with_recovery.status, StatusCode::OK, "a mistyped code leaves the ticket usable: {:?}", with_recovery.json);
    let spent = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "password", "email": OWNER.0, "password": OWNER.1, "code": recovery[0]})),
        )
        .await;
    assert_eq!(spent.status, StatusCode::UNAUTHORIZED, "a recovery code works once");
    let me = app.call_as(Some(&access(&with_recovery.json)), Method::GET, "/v1/me", None).await;
    assert_eq!(me.json["user"]["recovery_codes_left"], 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_slowed_with_a_retry_after() {
    let app = TestApp::spawn().await;
    set_up(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let reply = app
            .call_as(
                None,
                Method::POST,
                "/v1/auth/token",
                Some(json!({"grant_type": "password", "email": OWNER.0, "password": "not the password"})),
            )
            .await;
        statuses.push(reply.status.as_u16());
    }
    assert_eq!(&statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    let response = app
        .client
        .post(format!("{}/v1/auth/token", app.base))
        .json(&json!({"grant_type": "password", "email": OWNER.0, "password": OWNER.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let unknown = app
        .call_as(
            None,
            Method::POST,
            "/v1/auth/token",
            Some(json!({"grant_type": "password", "email": "ghost@example.com", "password": "whatever it is"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.json["detail"], "the email or the password is wrong", "the same words whether the account exists or not");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_shown_once_scoped_and_revocable_and_the_audit_log_names_who() {
    let app = TestApp::spawn().await;
    let owner = access(&set_up(&app).await);
    let made = app.call_as(Some(&owner), Method::POST, "/v1/keys", Some(json!({"name": "reader", "scope": "read"}))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json);
    let secret = made.json["secret"].as_str().unwrap().to_owned();
    let listed = app.call_as(Some(&owner), Method::GET, "/v1/keys", None).await;
    assert!(listed.json["items"].as_array().unwrap().iter().all(|k| k.get("secret").is_none()), "a secret is shown once");
    assert_eq!(app.call_as(Some(&secret), Method::GET, "/v1/organisation", None).await.status, StatusCode::OK);
    let past = app
        .call_as(Some(&owner), Method::POST, "/v1/keys", Some(json!({"name": " ", "scope": "admin", "expires_at": "2001-01-01T00:00:00Z"})))
        .await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    assert_eq!(past.json["errors"].as_array().unwrap().len(), 2, "{:?}", past.json);

    let id = made.json["id"].as_str().unwrap();
    let revoked = app.call_as(Some(&owner), Method::DELETE, &format!("/v1/keys/{id}"), None).await;
    assert_eq!(revoked.status, StatusCode::OK);
    let after = app.call_as(Some(&secret), Method::GET, "/v1/organisation", None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(after.json["detail"].as_str().unwrap().contains("revoked"));

    let log = app.call_as(Some(&owner), Method::GET, "/v1/audit-log?target_kind=key", None).await;
    assert_eq!(log.status, StatusCode::OK, "{:?}", log.json);
    let actions: Vec<&str> = log.json["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["key.revoke", "key.create"], "newest first");
    assert_eq!(log.json["items"][0]["actor_label"], OWNER.0);
    assert_eq!(log.json["items"][0]["origin"]["ip"], "127.0.0.1");
    let page = app.call_as(Some(&owner), Method::GET, "/v1/audit-log?limit=1", None).await;
    assert!(page.json["next_cursor"].is_string());
}

/// Every route with an id, with one organisation's key on another organisation's ids: 404, and
/// nothing of the other organisation changes (on SQLite; tests/tests/aws runs it on DynamoDB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organisations_ids_answer_404_on_every_route_and_change_nothing() {
    let app = TestApp::spawn().await;
    let deps = app.server.as_ref().unwrap().deps.clone();
    vigil_tests::isolation::run(vigil_http::router(deps.clone()), &deps, &app.key).await;
}

/// Joins the owner's organisation as `role` through an invitation; the new member's token.
async fn member(app: &TestApp, owner: &str, email: &str, role: &str) -> String {
    let invite = app.call_as(Some(owner), Method::POST, "/v1/invitations", Some(json!({"email": email, "role": role}))).await;
    assert_eq!(invite.status, StatusCode::CREATED, "{:?}", invite.json);
    let token = invite.json["link"].as_str().unwrap().split("token=").nth(1).unwrap().to_owned();
    let joined = app
        .call_as(
            None,
            Method::POST,
            "/v1/invitations/accept",
            Some(json!({"token": token, "name": role, "password": "a fine long passphrase"})),
        )
        .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{:?}", joined.json);
    access(&joined.json)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_is_refused_what_the_table_refuses_and_a_demotion_binds_its_keys() {
    let app = TestApp::spawn().await;
    let owner = access(&set_up(&app).await);
    let editor = member(&app, &owner, "ed@example.com", "editor").await;
    let responder = member(&app, &owner, "re@example.com", "responder").await;
    let viewer = member(&app, &owner, "vi@example.com", "viewer").await;
    let monitor = json!({"name": "shop", "url": "http://127.0.0.1:9/", "failure_threshold": 1});

    for (token, allowed) in [(&viewer, false), (&responder, false), (&editor, true)] {
        let created = app.call_as(Some(token), Method::POST, "/v1/monitors", Some(monitor.clone())).await;
        assert_eq!(created.status == StatusCode::CREATED, allowed, "{:?}", created.json);
        if !allowed {
            assert_eq!(created.json["type"], "https://vigil.dev/problems/forbidden", "{:?}", created.json);
        }
    }
    let monitors = app.call_as(Some(&viewer), Method::GET, "/v1/monitors", None).await;
    assert_eq!(monitors.json["items"].as_array().unwrap().len(), 1, "everyone reads; only the editor's monitor was made");
    let id = monitors.json["items"][0]["id"].as_str().unwrap().to_owned();
    app.call_as(Some(&editor), Method::POST, &format!("/v1/monitors/{id}/check"), Some(json!({}))).await;
    let mut incident = Value::Null;
    for _ in 0..50 {
        incident = app.call_as(Some(&viewer), Method::GET, "/v1/incidents", None).await.json["items"][0].clone();
        if incident.is_object() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let incident = incident["id"].as_str().expect("an incident").to_owned();
    let ack = format!("/v1/incidents/{incident}/acknowledge");
    assert_eq!(app.call_as(Some(&viewer), Method::POST, &ack, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call_as(Some(&responder), Method::POST, &ack, None).await.status, StatusCode::OK, "a responder responds");
    assert_eq!(app.call_as(Some(&responder), Method::DELETE, &format!("/v1/monitors/{id}"), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call_as(Some(&editor), Method::GET, "/v1/audit-log", None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call_as(Some(&editor), Method::POST, "/v1/invitations", Some(json!({"email": "x@example.com", "role": "viewer"}))).await.status,
        StatusCode::FORBIDDEN
    );

    // The editor's write key works until the editor is made a viewer, then only reads.
    let key = app.call_as(Some(&editor), Method::POST, "/v1/keys", Some(json!({"name": "ci", "scope": "write"}))).await;
    assert_eq!(key.status, StatusCode::CREATED, "{:?}", key.json);
    let secret = key.json["secret"].as_str().unwrap().to_owned();
    let second = json!({"name": "api", "url": "http://127.0.0.1:9/api"});
    assert_eq!(app.call_as(Some(&secret), Method::POST, "/v1/monitors", Some(second.clone())).await.status, StatusCode::CREATED);
    let members = app.call_as(Some(&owner), Method::GET, "/v1/members", None).await;
    let editor_id = members.json["items"].as_array().unwrap().iter().find(|m| m["email"] == "ed@example.com").unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let demoted = app.call_as(Some(&owner), Method::PATCH, &format!("/v1/members/{editor_id}"), Some(json!({"role": "viewer"}))).await;
    assert_eq!(demoted.status, StatusCode::NO_CONTENT, "{:?}", demoted.json);
    assert_eq!(
        app.call_as(Some(&secret), Method::POST, "/v1/monitors", Some(second)).await.status,
        StatusCode::FORBIDDEN,
        "the key follows its maker's role"
    );
    assert_eq!(app.call_as(Some(&secret), Method::GET, "/v1/monitors", None).await.status, StatusCode::OK);
    assert_eq!(
        app.call_as(Some(&editor), Method::POST, "/v1/monitors", Some(monitor)).await.status,
        StatusCode::FORBIDDEN,
        "at once, not at the token's expiry"
    );

    let log = app.call_as(Some(&owner), Method::GET, "/v1/audit-log?action=monitor", None).await;
    let actions: Vec<&str> = log.json["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["monitor.create", "monitor.create"], "{:?}", log.json);
    assert_eq!(log.json["items"][0]["actor"]["kind"], "key");
    assert_eq!(log.json["items"][1]["actor_label"], "ed@example.com");
}
