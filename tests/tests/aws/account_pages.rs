//! The account pages' function on the emulator: every page it serves rendered on its own wiring
//! (the accounts function's, `wiring::accounts_deps`), so a store a page reaches but that wiring
//! leaves unwired fails here; a key made and an invitation mailed from the settings pages; and
//! every request it makes is one functions/manifest.json declares for it.

use crate::account_mail::{mailing_session, sent_mail};
use crate::pipeline::assert_declared;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use vigil_app::SystemClock;
use vigil_app::accounts::{AuthenticateSession, SetUpOwner, StartSession, authenticate_session, set_up_owner, start_session};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::access::Origin;
use vigil_tests::emulator::clients;

/// What a page answered: its status, its `Location` if any, and its text.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) text: String,
}

/// `method` of `path` on `router`, with the session `cookie` and the urlencoded `form`, if any.
pub(crate) async fn call(router: &axum::Router, method: Method, path: &str, cookie: Option<&str>, form: Option<String>) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = match form {
        Some(form) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            axum::body::Body::from(form)
        }
        None => axum::body::Body::empty(),
    };
    let response = router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, location, text: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Ann, the owner of Acme, signed in.
pub(crate) struct Owner {
    /// Her session's `Cookie` header value.
    pub(crate) cookie: String,
    /// The session's CSRF token, for the pages' forms.
    pub(crate) csrf: String,
    /// Her, as the use cases know her.
    pub(crate) actor: vigil_domain::access::Actor,
}

/// Ann, the owner of Acme, set up and signed in on `deps`.
pub(crate) async fn signed_in_owner(deps: &vigil_app::Deps) -> Owner {
    let set_up = SetUpOwner {
        email: "ann@example.com".into(),
        password: "correct horse battery staple".into(),
        name: "Ann".into(),
        organisation: Some("Acme".into()),
        origin: Origin::default(),
    };
    let owner = set_up_owner(deps, set_up, SystemClock::now()).await.unwrap();
    let (signed_in, cookie) =
        start_session(deps, StartSession { signed_in: owner, origin: Origin::default() }, SystemClock::now()).await.unwrap();
    let header = format!("vigil_session={}", cookie.expose());
    let (actor, _, _) =
        authenticate_session(deps, AuthenticateSession { cookie, origin: Origin::default() }, SystemClock::now()).await.unwrap();
    Owner { cookie: header, csrf: signed_in.csrf, actor }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_pages_render_and_act_on_the_accounts_wiring() {
    let session = mailing_session().await;
    let Owner { cookie, csrf, .. } = signed_in_owner(&session.deps()).await;

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let pages = vigil_fn_api::account_pages_app(wiring::accounts_deps(&counted, &session.store_config()).unwrap());

    for path in ["/sign-in", "/forgot-password"] {
        let page = call(&pages, Method::GET, path, None, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
    }
    for path in [
        "/settings/profile",
        "/settings/password",
        "/settings/two-factor",
        "/settings/members",
        "/settings/keys",
        "/settings/audit-log",
        "/settings/organisation",
    ] {
        let page = call(&pages, Method::GET, path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        assert!(page.text.contains("Acme"), "{path} shows the organisation: {}", page.text);
    }

    let made = call(&pages, Method::POST, "/settings/keys", Some(&cookie), Some(format!("csrf={csrf}&name=deploys&scope=write"))).await;
    assert!(made.status.is_success(), "{}: {}", made.status, made.text);
    assert!(made.text.contains("vk_"), "the new key is shown once: {}", made.text);
    let invited = call(
        &pages,
        Method::POST,
        "/settings/members/invite",
        Some(&cookie),
        Some(format!("csrf={csrf}&email=new%40example.com&role=editor")),
    )
    .await;
    assert!(invited.status.is_success() || invited.status == StatusCode::SEE_OTHER, "{}: {}", invited.status, invited.text);
    let mail = sent_mail(&session.endpoint).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].to_string().contains("new@example.com") && mail[0].to_string().contains("/invitations/accept"), "{}", mail[0]);
    let log = call(&pages, Method::GET, "/settings/audit-log", Some(&cookie), None).await;
    assert!(log.text.contains("deploys"), "the audit log names the key: {}", log.text);

    // The overview is the dashboard's: this function answers it as an unknown path.
    let overview = call(&pages, Method::GET, "/", Some(&cookie), None).await;
    assert_eq!(overview.status, StatusCode::NOT_FOUND, "{}", overview.location);
    assert_declared("account-pages", &counter);
}
