//! The dashboard function on the emulator: its pages rendered and used on its own wiring
//! (`vigil_aws::wiring::dashboard_deps`, which lists the stores its pages reach and leaves the rest
//! unwired), so a page reaching a store that wiring leaves out fails here rather than with a 500
//! on AWS. A monitor's form is tried and the monitor checked from its page until it is down
//! (both the check-now function's, on its wiring), a status page is made with a component from
//! the editor's pages (the publishing function's, on its wiring), the incident the incidents
//! function opens is acknowledged, commented on and published on that page from its pages (the
//! triage function's, on its wiring), a monitor is paused and resumed, and so is a task from its
//! pages (the tasks function's, on its wiring); every request the pages make is one
//! functions/manifest.json declares for their function.

use crate::account_pages::{Answer, Owner, call, signed_in_owner};
use crate::alerting::drain;
use crate::pipeline::assert_declared;
use http::{Method, StatusCode};
use vigil_app::SystemClock;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_app::tasks::{CreateTask, create_task};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_tests::emulator::{Session, clients};
use vigil_tests::target::Target;

/// The first id a page links to below `prefix` (`/incidents/`).
fn first_id_after(text: &str, prefix: &str) -> String {
    text.split(prefix)
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect::<String>())
        .find(|id| id.len() >= 32)
        .unwrap_or_else(|| panic!("no link below {prefix} on the page: {text}"))
}

/// Clients of `session`'s emulator whose requests the returned counter counts, one per function.
async fn counted_clients(session: &Session) -> (RequestCounter, vigil_aws::AwsClients) {
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    (counter, counted)
}

/// `form` posted to `path` of `app` with the session `cookie`.
async fn submit(app: &axum::Router, cookie: &str, path: impl AsRef<str>, form: String) -> Answer {
    call(app, Method::POST, path.as_ref(), Some(cookie), Some(form)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_pages_render_and_act_on_the_dashboard_wiring() {
    let session = Session::start().await;
    let deps = session.deps();
    let Owner { cookie, csrf, actor } = signed_in_owner(&deps).await;
    let target = Target::http().await;
    let draft = serde_json::from_value(serde_json::json!({
        "name": "Checkout", "url": target.url("/"), "interval_seconds": 3600, "failure_threshold": 1,
    }))
    .expect("a monitor's draft");
    let monitor = create_monitor(&deps, CreateMonitor { actor: actor.clone(), draft }, SystemClock::now()).await.unwrap().monitor.id;
    let draft = serde_json::from_value(serde_json::json!({"name": "backup", "period_seconds": 3600, "grace_seconds": 300}))
        .expect("a task's draft");
    let task = create_task(&deps, CreateTask { actor, draft }, SystemClock::now()).await.unwrap().task.id;

    let (counter, counted) = counted_clients(&session).await;
    let pages = vigil_fn_api::dashboard_app(wiring::dashboard_deps(&counted, &session.store_config()).unwrap());
    let (check_counter, counted) = counted_clients(&session).await;
    let checks = vigil_fn_api::check_now_app(vigil_fn_api::check_now_deps(&counted, &session.store_config()).unwrap());
    let (task_counter, counted) = counted_clients(&session).await;
    let task_pages = vigil_fn_api::tasks_app(wiring::tasks_deps(&counted, &session.store_config()).unwrap());
    let (triage_counter, counted) = counted_clients(&session).await;
    let incident_pages = vigil_fn_api::triage_app(wiring::triage_deps(&counted, &session.store_config()).unwrap());
    let (publishing_counter, counted) = counted_clients(&session).await;
    let editor_pages = vigil_fn_api::publishing_app(wiring::publishing_deps(&counted, &session.store_config()).unwrap());

    for path in ["/".to_owned(), "/monitors/new".to_owned(), format!("/monitors/{monitor}"), format!("/monitors/{monitor}/edit")] {
        let page = call(&pages, Method::GET, &path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
    }
    let overview = call(&pages, Method::GET, "/", Some(&cookie), None).await;
    assert!(overview.text.contains("Checkout") && overview.text.contains("backup"), "{}", overview.text);

    // A status page from its form, and its editor, on the publishing function: the page's
    // settings, a component showing the monitor, the form of a component (which lists the
    // monitors to pick from) and that of an incident (which lists the components).
    for path in ["/status-pages", "/status-pages/new"] {
        let page = call(&editor_pages, Method::GET, path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
    }
    let form = format!("csrf={csrf}&name=Shop+status&slug=shop&description=&access=public&default_locale=en&time_zone=UTC");
    let made = submit(&editor_pages, &cookie, "/status-pages", form).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let status_page = first_id_after(&made.location, "/status-pages/");
    let component = format!("csrf={csrf}&name=Payments&monitors={monitor}");
    let added = submit(&editor_pages, &cookie, format!("/status-pages/{status_page}/components"), component).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let editor = call(&editor_pages, Method::GET, &made.location, Some(&cookie), None).await;
    assert!(editor.status == StatusCode::OK && editor.text.contains("Shop status") && editor.text.contains("Payments"), "{}", editor.text);
    for (form, shows) in [("components", "Checkout"), ("incidents", "Payments"), ("settings", "Shop status")] {
        let path = format!("/status-pages/{status_page}/{form}");
        let page = call(&editor_pages, Method::GET, &path, Some(&cookie), None).await;
        assert!(page.status == StatusCode::OK && page.text.contains(shows), "{path}: {}", page.text);
    }

    // The monitor's form tried, which the check-now function renders with what it found; nothing
    // is saved.
    let typed = format!("csrf={csrf}&name=Trial&url={}&method=GET&interval_seconds=60&expected_status=2xx", target.url("/"));
    let tried = submit(&checks, &cookie, "/monitors/try", typed).await;
    assert_eq!(tried.status, StatusCode::OK, "{}", tried.text);
    assert!(tried.text.contains("Try it: the check passed") && tried.text.contains("HTTP status 200"), "{}", tried.text);

    // "Check now" from the monitor's page (the check-now function's), up and then down; the
    // incidents function opens the incident from the status change it published.
    let checked = submit(&checks, &cookie, format!("/monitors/{monitor}/check"), format!("csrf={csrf}")).await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.text);
    target.set_status(503);
    let checked = submit(&checks, &cookie, format!("/monitors/{monitor}/check"), format!("csrf={csrf}")).await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.text);
    let back = checked.location.split('#').next().unwrap_or_default();
    let shown = call(&pages, Method::GET, back, Some(&cookie), None).await;
    assert!(shown.status == StatusCode::OK && shown.text.contains("503"), "the dashboard shows the check: {}", shown.text);
    let incidents_deps = session.wired(wiring::incidents_deps);
    let queue = session.resources.incident_queue_url.clone();
    let handled = drain(&session, &queue, |e| async { vigil_fn_incidents::handle(&incidents_deps, e).await.unwrap() }).await;
    assert!(handled > 0, "the status change reached the incidents queue");

    // The incident's pages, on the triage function: listed (filtered by the monitor), shown,
    // acknowledged, commented on, and published on the status page, whose editor (the
    // publishing function's) opens the post.
    let listed = call(&incident_pages, Method::GET, &format!("/incidents?subject=monitor:{monitor}"), Some(&cookie), None).await;
    assert!(listed.status == StatusCode::OK && listed.text.contains("Checkout (Monitor)"), "{}", listed.text);
    let incident = first_id_after(&listed.text, "/incidents/");
    let shown = call(&incident_pages, Method::GET, &format!("/incidents/{incident}"), Some(&cookie), None).await;
    assert!(shown.status == StatusCode::OK && shown.text.contains("Checkout") && shown.text.contains("Shop status"), "{}", shown.text);
    let acknowledged = submit(&incident_pages, &cookie, format!("/incidents/{incident}/acknowledge"), format!("csrf={csrf}")).await;
    assert_eq!(acknowledged.status, StatusCode::SEE_OTHER, "{}", acknowledged.text);
    let commented =
        submit(&incident_pages, &cookie, format!("/incidents/{incident}/comment"), format!("csrf={csrf}&text=Restarting+the+workers"))
            .await;
    assert_eq!(commented.status, StatusCode::SEE_OTHER, "{}", commented.text);
    let shown = call(&incident_pages, Method::GET, &format!("/incidents/{incident}"), Some(&cookie), None).await;
    assert!(shown.text.contains("Restarting the workers"), "the comment is on the timeline: {}", shown.text);
    let published =
        submit(&incident_pages, &cookie, format!("/incidents/{incident}/publish"), format!("csrf={csrf}&page_id={status_page}")).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text);
    let post_editor = call(&editor_pages, Method::GET, &published.location, Some(&cookie), None).await;
    assert_eq!(post_editor.status, StatusCode::OK, "{}: {}", published.location, post_editor.text);

    for action in ["pause", "resume"] {
        let done = submit(&pages, &cookie, format!("/monitors/{monitor}/{action}"), format!("csrf={csrf}")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "monitor {action}: {}", done.text);
    }

    // The tasks' pages, on the tasks function: each renders, and the task is paused and resumed.
    for path in ["/tasks".to_owned(), "/tasks/new".to_owned(), format!("/tasks/{task}"), format!("/tasks/{task}/edit")] {
        let page = call(&task_pages, Method::GET, &path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
    }
    for action in ["pause", "resume"] {
        let done = submit(&task_pages, &cookie, format!("/tasks/{task}/{action}"), format!("csrf={csrf}")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "task {action}: {}", done.text);
    }
    let shown = call(&task_pages, Method::GET, &format!("/tasks/{task}"), Some(&cookie), None).await;
    assert!(shown.text.contains("backup"), "{}", shown.text);

    // The hosts', alerting's, the account's, the tasks', the incidents' and the status pages'
    // editor's pages are their own functions', and so is "check now".
    for path in ["/hosts", "/channels", "/settings/keys", "/tasks", "/incidents", "/status-pages"] {
        assert_eq!(call(&pages, Method::GET, path, Some(&cookie), None).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let elsewhere = submit(&pages, &cookie, format!("/monitors/{monitor}/check"), format!("csrf={csrf}")).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "{}", elsewhere.text);
    assert_declared("dashboard", &counter);
    assert_declared("check-now", &check_counter);
    assert_declared("tasks", &task_counter);
    assert_declared("triage", &triage_counter);
    assert_declared("publishing", &publishing_counter);
}
