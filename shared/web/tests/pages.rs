//! The pages answered in-process (tower's `oneshot`) over the in-memory store: headers every
//! page carries, forms refused without their CSRF token, the server refusing a viewer whatever
//! the page shows, user strings escaped, assets cached for a year and gzipped.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;
use vigil_app::accounts::{SetUpOwner, SignedIn, StartSession, set_up_owner, start_session};
use vigil_app::{Blobs, Deps, Settings, Stores};
use vigil_domain::access::{Origin, Role};
use vigil_domain::accounts::{Email, Membership, User};
use vigil_domain::ids::UserId;
use vigil_memory::{MemoryStore, RecordingPublisher, ScriptedNotifier, ScriptedProber, SequentialRandom};

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn deps() -> Deps {
    let store = Arc::new(MemoryStore::new());
    Deps {
        stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts: store.clone(), ping_bodies: store })),
        events: Arc::new(RecordingPublisher::new()),
        prober: Arc::new(ScriptedProber::answering(ScriptedProber::response(200))),
        random: Arc::new(SequentialRandom::new()),
        notifier: Arc::new(ScriptedNotifier::default()),
        passwords: Arc::new(vigil_memory::InstantPasswords),
        oidc: None,
        live: None,
        settings: Arc::new(Settings::default()),
    }
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// A signed-in browser: its cookie header and its session's CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn session_of(deps: &Deps, signed_in: SignedIn) -> Browser {
    let (session, cookie) = start_session(deps, StartSession { signed_in, origin: Origin::default() }, now()).await.unwrap();
    Browser { cookie: format!("vigil_session={}", cookie.expose()), csrf: session.csrf }
}

/// An installation with an owner and a viewer named like a script; their browsers.
async fn installation() -> (Router, Deps, Browser, Browser, UserId) {
    let deps = deps();
    let cmd = SetUpOwner {
        email: "ann@example.com".into(),
        password: "correct horse battery staple".into(),
        name: "Ann".into(),
        organisation: Some("Acme".into()),
        origin: Origin::default(),
    };
    let owner = set_up_owner(&deps, cmd, now()).await.unwrap();
    let tenant_id = owner.tenant_id;
    let owner_id = owner.user.id;
    let viewer =
        User::new(UserId::from_uuid(uuid_of(7)), Email::parse("v@example.com").unwrap(), "<script>alert(1)</script>".into(), now());
    deps.stores.users.insert_user(&viewer).await.unwrap();
    deps.stores.memberships.put_membership(&Membership { tenant_id, user_id: viewer.id, role: Role::Viewer, since: now() }).await.unwrap();
    let owner_browser = session_of(&deps, owner).await;
    let viewer_browser = session_of(&deps, SignedIn { user: viewer, tenant_id, role: Role::Viewer }).await;
    (vigil_web::app(deps.clone()), deps, owner_browser, viewer_browser, owner_id)
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

async fn call(router: &Router, method: Method, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    Answer { status: parts.status, headers: parts.headers, body: body.collect().await.unwrap().to_bytes().to_vec() }
}

async fn get(router: &Router, path: &str, browser: Option<&Browser>) -> Answer {
    let cookie = browser.map(|b| b.cookie.as_str()).unwrap_or_default();
    call(router, Method::GET, path, &[("cookie", cookie)], "").await
}

async fn post(router: &Router, path: &str, browser: &Browser, form: &str) -> Answer {
    let headers = [("cookie", browser.cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    call(router, Method::POST, path, &headers, form).await
}

const PAGES: [&str; 9] = [
    "/",
    "/settings/profile",
    "/settings/password",
    "/settings/two-factor",
    "/settings/keys",
    "/settings/members",
    "/settings/audit-log",
    "/settings/organisation",
    "/sign-in",
];

#[tokio::test]
async fn every_page_carries_the_security_headers_and_no_inline_script_or_style() {
    let (router, _, owner, _, _) = installation().await;
    for path in PAGES.iter().copied().chain(["/forgot-password", "/reset-password?token=x", "/invitations/accept?token=x", "/setup"]) {
        let answer = get(&router, path, Some(&owner)).await;
        let csp = answer.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp:?}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(answer.headers[header::REFERRER_POLICY], "same-origin", "{path}");
        if answer.status == StatusCode::OK {
            let html = answer.text();
            assert!(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style"), "{path} has inline code");
            for handler in [" onclick=", " onsubmit=", " onchange=", " onload=", "javascript:"] {
                assert!(!html.contains(handler), "{path} has an inline handler {handler}");
            }
        }
    }
}

#[tokio::test]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let (router, deps, owner, _, owner_id) = installation().await;
    let forged = post(&router, "/settings/profile", &owner, "name=Mallory&locale=fr&time_zone=UTC").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.text().contains("This form has expired"), "{}", forged.text());
    let wrong = post(&router, "/settings/profile", &owner, "csrf=not-the-token&name=Mallory&locale=fr&time_zone=UTC").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(deps.stores.users.user(owner_id).await.unwrap().unwrap().name, "Ann", "nothing changed");
    let form = format!("csrf={}&name=Ann+Lee&locale=fr&time_zone=Europe%2FParis", owner.csrf);
    let accepted = post(&router, "/settings/profile", &owner, &form).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let user = deps.stores.users.user(owner_id).await.unwrap().unwrap();
    assert_eq!((user.name.as_str(), user.locale.as_str(), user.time_zone.as_str()), ("Ann Lee", "fr", "Europe/Paris"));
    let page = get(&router, "/settings/profile?notice=profile_saved", Some(&owner)).await;
    assert!(page.text().contains("<html lang=\"fr\"") && page.text().contains("Votre profil est enregistré."), "the user's language wins");
}

#[tokio::test]
async fn a_bad_profile_is_shown_again_with_each_fields_error() {
    let (router, deps, owner, _, owner_id) = installation().await;
    let form = format!("csrf={}&name=&locale=de&time_zone=Mars%2FOlympus", owner.csrf);
    let answer = post(&router, "/settings/profile", &owner, &form).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text();
    for id in ["name-error", "locale-error", "time_zone-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} shown");
    }
    assert!(html.contains("Mars/Olympus"), "what was typed stays");
    assert_eq!(deps.stores.users.user(owner_id).await.unwrap().unwrap().name, "Ann");
}

#[tokio::test]
async fn a_viewer_sees_no_edit_controls_and_is_refused_anyway() {
    let (router, deps, owner, viewer, owner_id) = installation().await;
    let page = get(&router, "/settings/members", Some(&viewer)).await.text();
    assert!(!page.contains("name=\"role\"") && !page.contains("/remove\"") && !page.contains("/settings/members/invite"), "no controls");
    let form = format!("csrf={}&role=viewer", viewer.csrf);
    let refused = post(&router, &format!("/settings/members/{owner_id}/role"), &viewer, &form).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let owner_role = deps.stores.memberships.memberships_of(owner_id).await.unwrap()[0].0.role;
    assert_eq!(owner_role, Role::Owner);
    let organisation = get(&router, "/settings/organisation", Some(&viewer)).await;
    assert_eq!(organisation.status, StatusCode::FORBIDDEN, "owners only");
    let audit = get(&router, "/settings/audit-log", Some(&viewer)).await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN, "admins only");
    let controls = get(&router, "/settings/members", Some(&owner)).await.text();
    assert!(controls.contains("name=\"role\"") && controls.contains("/settings/members/invite"), "the owner has them");
}

#[tokio::test]
async fn user_strings_are_escaped() {
    let (router, _, owner, viewer, _) = installation().await;
    for browser in [&owner, &viewer] {
        let html = get(&router, "/settings/members", Some(browser)).await.text();
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "escaped"
        );
        assert!(!html.contains("<script>alert(1)"), "never raw");
    }
}

#[tokio::test]
async fn strangers_are_sent_to_sign_in_and_a_fresh_installation_to_set_up() {
    let (router, _, _, _, _) = installation().await;
    for path in PAGES.iter().filter(|p| p.starts_with("/settings")) {
        let answer = get(&router, path, None).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        let location = answer.headers[header::LOCATION].to_str().unwrap();
        assert!(location.starts_with("/sign-in?next=%2Fsettings%2F"), "{path}: {location}");
    }
    let fresh = vigil_web::app(deps());
    let answer = get(&fresh, "/", None).await;
    assert_eq!(answer.headers[header::LOCATION], "/setup");
    let setup = get(&fresh, "/setup", None).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(
        setup.headers.get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("vigil_form=")),
        "a form token before sign-in"
    );
}

#[tokio::test]
async fn the_language_comes_from_the_cookie_then_the_browser() {
    let router = vigil_web::app(deps());
    let cases = [
        (vec![("accept-language", "fr-CA,fr;q=0.9")], "Connexion"),
        (vec![("accept-language", "de, en;q=0.5")], "Sign in"),
        (vec![("accept-language", "fr"), ("cookie", "vigil_lang=en")], "Sign in"),
        (vec![("cookie", "vigil_lang=fr")], "Connexion"),
    ];
    for (headers, title) in cases {
        let answer = call(&router, Method::GET, "/forgot-password", &headers, "").await;
        let html = answer.text();
        let expected = if title == "Connexion" { "Mot de passe oublié" } else { "Forgotten password" };
        assert!(html.contains(&format!("<h1>{expected}</h1>")), "{headers:?}");
    }
}

#[tokio::test]
async fn assets_are_served_by_hashed_name_cached_for_a_year_and_gzipped() {
    let router = vigil_web::app(deps());
    let page = get(&router, "/forgot-password", None).await.text();
    let css = page
        .split("href=\"")
        .find_map(|s| s.strip_prefix("/assets/app.").map(|r| format!("/assets/app.{}", &r[..r.find('"').unwrap()])))
        .unwrap();
    let plain = get(&router, &css, None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(plain.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    let gzipped = call(&router, Method::GET, &css, &[("accept-encoding", "gzip, br")], "").await;
    assert_eq!(gzipped.headers[header::CONTENT_ENCODING], "gzip");
    assert!(gzipped.body.len() < plain.body.len());
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped.body[..]), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain.body);
    assert_eq!(get(&router, "/assets/app.css", None).await.status, StatusCode::NOT_FOUND, "only hashed names");
}

#[tokio::test]
async fn the_api_still_answers_beside_the_pages() {
    let router = vigil_web::app(deps());
    let answer = get(&router, "/v1/monitors", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(get(&router, "/healthz", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_header_switches_between_the_members_organisations() {
    let (router, deps, owner, _, owner_id) = installation().await;
    let first = get(&router, "/", Some(&owner)).await.text();
    assert!(!first.contains("organisation-switch") && first.contains("Acme"), "one organisation: its name, no switcher");
    let tenant_id = deps.stores.memberships.memberships_of(owner_id).await.unwrap()[0].0.tenant_id;
    let actor = vigil_domain::access::Actor::member(tenant_id, owner_id, Role::Owner, "ann@example.com");
    let second = vigil_app::accounts::create_organisation(&deps, &actor, "Second & Co", now()).await.unwrap();
    let page = get(&router, "/", Some(&owner)).await.text();
    assert!(page.contains("id=\"organisation-switch\""), "a switcher once there are two");
    assert!(page.contains("Second &#38; Co") || page.contains("Second &amp; Co"), "both listed, escaped");

    let elsewhere = vigil_domain::ids::TenantId::from_uuid(uuid_of(99));
    let refused = post(&router, "/organisation/switch", &owner, &format!("csrf={}&organisation={elsewhere}", owner.csrf)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "not a member there");

    let switched = post(&router, "/organisation/switch", &owner, &format!("csrf={}&organisation={}", owner.csrf, second.id)).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.headers[header::LOCATION], "/?notice=switched");
    let after = get(&router, "/?notice=switched", Some(&owner)).await.text();
    assert!(after.contains(&format!("<option value=\"{}\" selected>", second.id)), "the session looks at the second");
    assert!(after.contains("You switched organisation."));
}
