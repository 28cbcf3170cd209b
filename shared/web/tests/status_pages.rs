//! Public status pages over the in-memory store: the page with its banner, an ongoing incident,
//! groups and 90-day bars, in the page's language or the reader's pick; one incident and the
//! history; caching with an `ETag`; a password page and a members-only page that refuse
//! anonymous readers; the subscription form and the links of its mails followed by a browser.

use crate::installation::{Installation, assert_safe, element, now};
use axum::http::{Method, StatusCode};
use vigil_app::status_pages::{CreatePage, PostIncident, PutComponent, create_page, current_snapshot, post_incident, put_component};
use vigil_domain::ids::{ComponentId, MonitorId};
use vigil_domain::status_page::StatusPage;

async fn page(at: &Installation, json: serde_json::Value) -> StatusPage {
    let draft = serde_json::from_value(json).unwrap();
    create_page(&at.deps, CreatePage { actor: at.system(), draft }, now()).await.unwrap()
}

async fn component(at: &Installation, page: &StatusPage, json: serde_json::Value) -> ComponentId {
    let cmd = PutComponent { actor: at.system(), page_id: page.id, component_id: None, draft: serde_json::from_value(json).unwrap() };
    put_component(&at.deps, cmd, now()).await.unwrap().1
}

/// A page "acme" with a group Europe holding API (fed by a monitor) and Docs, and Billing on
/// its own; the API's monitor is down and an incident is posted about it.
async fn acme(at: &Installation) -> (StatusPage, MonitorId, ComponentId) {
    let api_monitor = at.monitor("API check").await;
    let page =
        page(at, serde_json::json!({"name": "Acme status", "slug": "acme", "description": "Acme's services", "time_zone": "Europe/Paris"}))
            .await;
    let europe = component(at, &page, serde_json::json!({"name": "Europe", "group": true})).await;
    let api = component(
        at,
        &page,
        serde_json::json!({"name": "API", "group_id": europe.to_string(), "monitors": [api_monitor.to_string()], "show_sources": false}),
    )
    .await;
    component(at, &page, serde_json::json!({"name": "Docs", "group_id": europe.to_string()})).await;
    component(at, &page, serde_json::json!({"name": "Billing"})).await;
    at.outage(api_monitor).await;
    let draft = serde_json::from_value(serde_json::json!({
        "name": "API errors", "status": "identified", "body": "A bad deploy; rolling back.",
        "components": {api.to_string(): "major_outage"}, "notify": false,
    }))
    .unwrap();
    post_incident(&at.deps, PostIncident { actor: at.system(), page_id: page.id, draft }, now()).await.unwrap();
    let page = at.deps.stores.status_pages.page_by_slug("acme").await.unwrap().unwrap();
    (page, api_monitor, api)
}

async fn anonymous(at: &Installation, path: &str) -> crate::installation::Answer {
    at.call(Method::GET, path, &[], "").await
}

#[tokio::test]
async fn the_page_shows_the_banner_the_incident_and_each_component_with_its_bar() {
    let at = Installation::new().await;
    acme(&at).await;
    let answer = anonymous(&at, "/status/acme").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_safe("/status/acme", &answer);
    let html = answer.text();
    assert!(html.contains("<html lang=\"en\""));
    assert!(element(&html, "p", "banner").contains("Major system outage"), "{}", element(&html, "p", "banner"));
    let open = element(&html, "section", "open-incidents");
    assert!(open.contains("API errors") && open.contains("Identified") && open.contains("A bad deploy; rolling back."), "{open}");
    assert!(open.contains("Affects API"), "{open}");
    let components = element(&html, "section", "components");
    for (name, state) in [("Europe", "Major outage"), ("API", "Major outage"), ("Docs", "Operational"), ("Billing", "Operational")] {
        let at_name = components.find(&format!(">{name}</h3>")).unwrap_or_else(|| panic!("{name} is listed"));
        assert!(components[at_name..].contains(state), "{name} says {state}");
    }
    assert_eq!(components.matches("<ol class=\"days\"").count(), 4, "a bar per component and group");
    assert_eq!(components.matches("tabindex=\"0\" aria-label=").count(), 4 * 90, "90 days, each reachable by keyboard");
    assert!(components.contains("— API errors\">"), "today's cell names the incident");
    assert!(!html.contains("API check"), "a monitor's name is not shown unless the editor chose it");
    assert!(html.contains("/status/acme/history.rss") && html.contains("/status/acme/api/v2/summary.json"));
    assert!(!html.contains("noindex"));
}

#[tokio::test]
async fn readers_pick_the_language_and_the_page_speaks_its_own_by_default() {
    let at = Installation::new().await;
    acme(&at).await;
    let french = anonymous(&at, "/status/acme?lang=fr").await.text();
    assert!(french.contains("<html lang=\"fr\""));
    assert!(element(&french, "p", "banner").contains("Panne majeure du système"));
    assert!(french.contains("Cause identifiée") && french.contains("Opérationnel"));
    assert!(french.contains("href=\"/status/acme?lang=en\""), "the switch leads back to English");
    let page = page(&at, serde_json::json!({"name": "Statut", "slug": "statut", "default_locale": "fr", "no_index": true})).await;
    let html = anonymous(&at, &format!("/status/{}", page.slug)).await.text();
    assert!(html.contains("<html lang=\"fr\"") && html.contains("Cette page n’a pas encore de composant."));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
}

#[tokio::test]
async fn answers_are_cached_with_an_etag_and_a_repeat_is_not_modified() {
    let at = Installation::new().await;
    acme(&at).await;
    let first = anonymous(&at, "/status/acme").await;
    assert_eq!(first.headers["cache-control"], "public, max-age=30, stale-while-revalidate=30");
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    let again = at.call(Method::GET, "/status/acme", &[("if-none-match", &etag)], "").await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let french = anonymous(&at, "/status/acme?lang=fr").await;
    assert_ne!(french.headers["etag"], first.headers["etag"], "each language is its own answer");
    assert!(first.headers.get("set-cookie").is_none(), "a public answer sets no cookie a cache would share");

    let zipped = at.call(Method::GET, "/status/acme", &[("accept-encoding", "gzip, br")], "").await;
    assert_eq!(zipped.headers["content-encoding"], "gzip");
    assert_eq!(zipped.headers["vary"], "Accept-Encoding");
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(zipped.body.as_slice()), &mut html).unwrap();
    assert_eq!(html, first.text(), "the same page, rendered once");
    assert!(zipped.body.len() * 5 < first.body.len(), "{} bytes gzipped, {} plain", zipped.body.len(), first.body.len());
}

#[tokio::test]
async fn an_incident_and_the_history_have_pages_of_their_own() {
    let at = Installation::new().await;
    let (page, ..) = acme(&at).await;
    let snapshot = current_snapshot(&at.deps, &page, now()).await.unwrap();
    let path = format!("/status/acme/incidents/{}", snapshot.incidents[0].id);
    let answer = anonymous(&at, &path).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_safe(&path, &answer);
    let updates = element(&answer.text(), "ol", "updates");
    assert!(updates.contains("Identified") && updates.contains("A bad deploy; rolling back."), "{updates}");
    assert_eq!(anonymous(&at, "/status/acme/incidents/0190c0de-0000-7000-8000-000000000000").await.status, StatusCode::NOT_FOUND);

    let history = anonymous(&at, "/status/acme/history?lang=fr").await;
    assert_eq!(history.status, StatusCode::OK);
    let html = history.text();
    let months = element(&html, "section", "months");
    assert_eq!(months.matches("<ol class=\"days\"").count(), 4);
    assert_eq!(months.matches("tabindex=\"0\"").count(), 4 * 12, "twelve months each");
    assert!(element(&html, "section", "incidents").contains("API errors"));
    assert_eq!(anonymous(&at, "/status/nobody").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_password_page_asks_for_its_password_and_lets_the_reader_in_with_a_cookie() {
    let at = Installation::new().await;
    page(&at, serde_json::json!({"name": "Internal", "slug": "internal", "access": "password", "password": "open sesame"})).await;
    let door = anonymous(&at, "/status/internal").await;
    assert_eq!(door.status, StatusCode::UNAUTHORIZED);
    assert_safe("/status/internal", &door);
    assert!(door.text().contains("protected by a password") && door.text().contains("action=\"/status/internal/unlock?lang=en\""));
    assert_eq!(door.headers["cache-control"], "no-store");
    assert_eq!(anonymous(&at, "/status/internal/history").await.status, StatusCode::UNAUTHORIZED);

    let form = [("content-type", "application/x-www-form-urlencoded")];
    let wrong = at.call(Method::POST, "/status/internal/unlock", &form, "password=guess").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("That password is not right."));
    let right = at.call(Method::POST, "/status/internal/unlock?lang=fr", &form, "password=open+sesame").await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.location(), "/status/internal?lang=fr");
    let cookie = right.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/status/internal") && cookie.contains("HttpOnly"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    let inside = at.call(Method::GET, "/status/internal?lang=fr", &[("cookie", pair)], "").await;
    assert_eq!(inside.status, StatusCode::OK);
    assert!(inside.text().contains("Tous les systèmes sont opérationnels"));
    assert_eq!(inside.headers["cache-control"], "private, no-cache", "a protected page is its readers' only");
}

#[tokio::test]
async fn a_members_only_page_sends_strangers_to_sign_in_and_shows_members_the_page() {
    let at = Installation::new().await;
    page(&at, serde_json::json!({"name": "Staff", "slug": "staff", "access": "members"})).await;
    let stranger = anonymous(&at, "/status/staff").await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(stranger.text().contains("href=\"/sign-in?next=%2Fstatus%2Fstaff\""), "{}", stranger.text());
    let member = at.get("/status/staff", &at.viewer).await;
    assert_eq!(member.status, StatusCode::OK);
    assert!(member.text().contains("All systems operational"));
}

#[tokio::test]
async fn a_reader_subscribes_from_the_page_and_the_mails_links_lead_back_to_it() {
    let at = Installation::new().await;
    let (_, _, api) = acme(&at).await;
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let refused = at.call(Method::POST, "/status/acme/subscription", &form, "email=not-an-address").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(element(&html, "section", "subscribe").contains("Enter an email address such as you@example.com."));
    assert!(html.contains("value=\"not-an-address\""), "what was typed stays");

    let body = format!("email=reader%40example.com&component={api}");
    let sent = at.call(Method::POST, "/status/acme/subscription?lang=fr", &form, &body).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.location(), "/status/acme?lang=fr&notice=subscription-sent#subscribe");
    let told = anonymous(&at, "/status/acme?lang=fr&notice=subscription-sent").await;
    assert!(told.text().contains("Presque fini"), "the notice is shown");
    assert_eq!(told.headers["cache-control"], "private, no-cache", "a notice is one reader's");

    at.deliver_due().await;
    let mail = at.notifier.sent().into_iter().map(|m| format!("{m:?}")).find(|m| m.contains("reader@example.com")).expect("a mail");
    let link = |marker: &str| {
        let start = mail.find(marker).unwrap_or_else(|| panic!("{marker} in {mail}"));
        let tail = &mail[start..];
        tail[..tail.find(|c: char| c.is_whitespace() || c == '"' || c == '\\').unwrap_or(tail.len())].to_owned()
    };
    let confirm = link("/status/acme/subscribe/confirm?");
    let browser = [("accept", "text/html,application/xhtml+xml")];
    let wrong = at.call(Method::GET, &confirm.replace("&t=", "&t=x"), &browser, "").await;
    assert_eq!(wrong.location(), "/status/acme?notice=bad-link");
    let confirmed = at.call(Method::GET, &confirm, &browser, "").await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(confirmed.location(), "/status/acme?notice=subscription-confirmed");
    let shown = anonymous(&at, &confirmed.location()).await.text();
    assert!(shown.contains("Your subscription is confirmed."));
    let script = at.call(Method::GET, &confirm, &[], "").await;
    assert_eq!(script.status, StatusCode::OK, "a script still gets the API's JSON");
    assert!(script.text().contains("\"confirmed\":true"));
}

#[tokio::test]
async fn a_page_on_its_own_domain_is_served_at_the_domains_root() {
    let at = Installation::new().await;
    page(&at, serde_json::json!({"name": "Acme status", "slug": "acme", "custom_domain": "status.acme.test"})).await;
    let host = |h: &'static str| [("host", h)];
    let root = at.call(Method::GET, "/", &host("Status.Acme.test:443"), "").await;
    assert_eq!(root.status, StatusCode::OK);
    assert!(element(&root.text(), "p", "banner").contains("All systems operational"));
    let history = at.call(Method::GET, "/history?lang=fr", &host("status.acme.test"), "").await;
    assert!(history.text().contains("Disponibilité par mois"));
    let document = at.call(Method::GET, "/api/v2/status.json", &host("status.acme.test"), "").await;
    assert_eq!(document.status, StatusCode::OK, "the Statuspage documents by Host, unchanged");
    let unknown = at.call(Method::GET, "/sign-in", &host("status.acme.test"), "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "the domain serves the page and nothing else");
    for other in ["127.0.0.1:8080", "other.example.com"] {
        let dashboard = at.call(Method::GET, "/sign-in", &host(other), "").await;
        assert_eq!(dashboard.status, StatusCode::OK, "{other} is the dashboard's");
    }
}

#[tokio::test]
async fn a_protected_page_on_its_own_domain_keeps_its_reader_in_and_sends_members_to_vigils_address() {
    let at = Installation::new().await;
    let draft = serde_json::json!({"name": "Internal", "slug": "internal", "access": "password", "password": "open sesame",
        "custom_domain": "status.acme.test"});
    page(&at, draft).await;
    let on_domain = [("host", "status.acme.test"), ("content-type", "application/x-www-form-urlencoded")];
    let door = at.call(Method::GET, "/", &on_domain[..1], "").await;
    assert_eq!(door.status, StatusCode::UNAUTHORIZED);
    let right = at.call(Method::POST, "/status/internal/unlock", &on_domain, "password=open+sesame").await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let cookie = right.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/;"), "the whole domain is the page's: {cookie}");
    let pair = cookie.split(';').next().unwrap();
    for path in ["/", "/history"] {
        let inside = at.call(Method::GET, path, &[("host", "status.acme.test"), ("cookie", pair)], "").await;
        assert_eq!(inside.status, StatusCode::OK, "{path} on the domain");
    }
    let on_vigil = at.call(Method::POST, "/status/internal/unlock", &on_domain[1..], "password=open+sesame").await;
    assert!(on_vigil.headers["set-cookie"].to_str().unwrap().contains("Path=/status/internal;"), "Vigil's host keeps pages apart");

    page(&at, serde_json::json!({"name": "Staff", "slug": "staff", "access": "members", "custom_domain": "staff.acme.test"})).await;
    let stranger = at.call(Method::GET, "/", &[("host", "staff.acme.test")], "").await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(
        stranger.text().contains("href=\"http://127.0.0.1:8080/sign-in?next=%2Fstatus%2Fstaff\""),
        "signing in happens where the session lives: {}",
        stranger.text()
    );
}

#[tokio::test]
async fn editors_edit_pages_in_the_dashboard_and_viewers_only_read_them() {
    let at = Installation::new().await;
    let (page, _, api) = acme(&at).await;
    let listed = at.get("/status-pages", &at.viewer).await;
    assert_eq!(listed.status, StatusCode::OK);
    let html = listed.text();
    assert!(element(&html, "table", "status-pages").contains("Acme status"));
    assert!(!html.contains("New status page"), "a viewer is not offered what would be refused");
    let refused = at.post("/status-pages", &at.viewer, &[("name", "Mine"), ("slug", "mine"), ("access", "public")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let editor = at.get(&format!("/status-pages/{}", page.id), &at.editor).await.text();
    let components = element(&editor, "section", "components");
    assert!(components.contains("API check") && components.contains("Group: shows its worst component"), "{components}");
    let incidents = element(&editor, "section", "incidents");
    assert!(incidents.contains("API errors") && incidents.contains("Identified"), "{incidents}");

    let bad = at
        .post(
            &format!("/status-pages/{}/settings", page.id),
            &at.editor,
            &[("name", "Acme status"), ("slug", "acme"), ("access", "password"), ("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = bad.text();
    assert!(form.contains("id=\"password-error\"") && form.contains("id=\"time_zone-error\""), "every field's error at once");
    assert!(form.contains("value=\"Mars/Olympus\""), "what was typed stays");

    let impact = format!("impact_{api}");
    let update = at
        .post(
            &format!("/status-pages/{}/incidents/{}", page.id, first_incident(&at, &page).await),
            &at.editor,
            &[("status", "resolved"), ("body", "Rolled back."), (impact.as_str(), "major_outage")],
        )
        .await;
    assert_eq!(update.status, StatusCode::SEE_OTHER);
    let reader = at.call(Method::GET, "/status/acme/api/v2/incidents/unresolved.json", &[], "").await.text();
    assert!(!reader.contains("API errors"), "resolved for readers too: {reader}");
}

async fn first_incident(at: &Installation, page: &StatusPage) -> String {
    let request = vigil_domain::page::PageRequest { cursor: None, limit: 10 };
    let listed = vigil_app::status_pages::list_public_incidents(&at.deps, &at.system(), page.id, &request).await.unwrap();
    listed.items[0].id.to_string()
}

#[tokio::test]
async fn an_internal_incident_is_posted_on_a_page_in_one_action() {
    let at = Installation::new().await;
    let (page, monitor, _) = acme(&at).await;
    let incident = at.ongoing(monitor).await.expect("the outage's incident");
    let path = format!("/incidents/{incident}");
    assert!(at.get(&path, &at.editor).await.text().contains("id=\"publish\""), "editors are offered it");
    assert!(!at.get(&path, &at.responder).await.text().contains("id=\"publish\""), "responders are not");
    let page_id = page.id.to_string();
    let posted = at.post(&format!("{path}/publish"), &at.editor, &[("page_id", page_id.as_str())]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert!(posted.location().starts_with(&format!("/status-pages/{}/incidents/", page.id)), "{}", posted.location());
    let again = at.post(&format!("{path}/publish"), &at.editor, &[("page_id", page_id.as_str())]).await;
    assert_eq!(again.location(), posted.location(), "publishing again opens the same post");
    let update_form = at.get(&posted.location(), &at.editor).await.text();
    assert!(update_form.contains("id=\"incident-form\""), "the post opens on its next update's form");
    let listed = vigil_app::status_pages::list_public_incidents(
        &at.deps,
        &at.system(),
        page.id,
        &vigil_domain::page::PageRequest { cursor: None, limit: 10 },
    )
    .await
    .unwrap();
    assert_eq!(listed.items.len(), 2, "the hand-posted one and the published one");
    assert!(listed.items.iter().any(|i| i.source == Some(incident)));
}

#[tokio::test]
async fn the_status_function_serves_every_asset_its_pages_link_to() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let at = Installation::new().await;
    let (_, _, _) = acme(&at).await;
    let status = vigil_web::status_app(at.deps.clone());
    let get = |path: String| {
        let status = status.clone();
        async move {
            let request = axum::http::Request::get(&path).body(axum::body::Body::empty()).unwrap();
            let response = status.oneshot(request).await.unwrap();
            let code = response.status();
            (code, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned())
        }
    };
    let mut linked = Vec::new();
    for path in ["/status/acme", "/status/acme/history"] {
        let (code, html) = get(path.to_owned()).await;
        assert_eq!(code, StatusCode::OK, "{path}");
        linked.extend(html.split('"').filter(|part| part.starts_with("/assets/")).map(str::to_owned));
    }
    assert!(linked.iter().any(|l| l.ends_with(".css")) && linked.iter().any(|l| l.ends_with(".svg")), "{linked:?}");
    for asset in linked {
        assert_eq!(get(asset.clone()).await.0, StatusCode::OK, "{asset} is linked but not served by the status function");
    }
    let dashboard_script = vigil_web::ASSETS.iter().find(|a| a.name == "htmx.js").unwrap().hashed;
    assert_eq!(get(format!("/assets/{dashboard_script}")).await.0, StatusCode::NOT_FOUND, "the dashboard's scripts stay the api's");
}
