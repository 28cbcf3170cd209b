//! The alerting pages' function on the emulator: every page it serves rendered on its own wiring
//! (`wiring::alerting_page_deps`: the alerting function's stores with the monitors and tasks
//! read), so a store a page reaches but that wiring leaves out fails here. A channel is made from
//! its form and its test send reaches a local receiver; the rules', windows' and mutes' forms
//! list the organisation's monitor, which is muted and unmuted; every request the pages make is
//! one functions/manifest.json declares for the function.

use crate::account_pages::{Owner, call, signed_in_owner};
use crate::pipeline::assert_declared;
use http::{Method, StatusCode};
use std::time::Duration;
use vigil_app::SystemClock;
use vigil_app::monitors::{CreateMonitor, create_monitor};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{ClientOptions, wiring};
use vigil_tests::emulator::{Session, clients};
use vigil_tests::receiver::Receiver;

/// The id of the channel whose test button a channels page shows.
fn channel_id_in(text: &str) -> String {
    text.split("/channels/")
        .find_map(|rest| rest.split_once("/test").map(|(id, _)| id).filter(|id| !id.contains(['/', '"', '<'])))
        .unwrap_or_else(|| panic!("no channel's test on the page: {text}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alerting_pages_render_and_act_on_their_wiring() {
    let session = Session::start().await;
    let deps = session.deps();
    let Owner { cookie, csrf, actor } = signed_in_owner(&deps).await;
    let draft = serde_json::from_value(serde_json::json!({"name": "Checkout", "url": "http://127.0.0.1:9/", "interval_seconds": 60}))
        .expect("a monitor's draft");
    let monitor = create_monitor(&deps, CreateMonitor { actor, draft }, SystemClock::now()).await.unwrap();
    let monitor_id = monitor.monitor.id.to_string();
    let receiver = Receiver::start().await;

    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let pages = vigil_fn_api::alerting_pages_app(wiring::alerting_page_deps(&counted, &session.store_config()).unwrap());

    for path in ["/channels", "/channels/new", "/rules", "/rules/new", "/windows", "/windows/new", "/mutes"] {
        let page = call(&pages, Method::GET, path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        if ["/rules/new", "/windows/new", "/mutes"].contains(&path) {
            assert!(page.text.contains("Checkout") && page.text.contains(&monitor_id), "{path} lists the monitor: {}", page.text);
        }
    }

    let hook = format!("csrf={csrf}&kind=webhook&name=ops+hook&url={}&secret=", receiver.url().replace(':', "%3A").replace('/', "%2F"));
    let made = call(&pages, Method::POST, "/channels", Some(&cookie), Some(hook)).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert!(made.text.contains("whsec_"), "the signing secret made for it is shown once: {}", made.text);
    let listed = call(&pages, Method::GET, "/channels", Some(&cookie), None).await;
    assert!(listed.text.contains("ops hook"), "{}", listed.text);
    let channel = channel_id_in(&listed.text);
    let tested = call(&pages, Method::POST, &format!("/channels/{channel}/test"), Some(&cookie), Some(format!("csrf={csrf}"))).await;
    assert!(tested.status.is_success() || tested.status == StatusCode::SEE_OTHER, "{}: {}", tested.status, tested.text);
    assert_eq!(receiver.wait_for_accepted(1, Duration::from_secs(10)).await.len(), 1, "the test message was sent");

    let muted = call(&pages, Method::POST, "/mutes", Some(&cookie), Some(format!("csrf={csrf}&monitor={monitor_id}&for=3600"))).await;
    assert_eq!(muted.status, StatusCode::SEE_OTHER, "{}", muted.text);
    let unmute = format!("/mutes/{monitor_id}/unmute");
    assert!(call(&pages, Method::GET, "/mutes", Some(&cookie), None).await.text.contains(&unmute), "the mute is listed");
    let unmuted = call(&pages, Method::POST, &unmute, Some(&cookie), Some(format!("csrf={csrf}"))).await;
    assert_eq!(unmuted.status, StatusCode::SEE_OTHER, "{}", unmuted.text);
    assert!(!call(&pages, Method::GET, "/mutes", Some(&cookie), None).await.text.contains(&unmute), "the mute is gone");

    // The overview is the dashboard's: this function answers it as an unknown path.
    let overview = call(&pages, Method::GET, "/", Some(&cookie), None).await;
    assert_eq!(overview.status, StatusCode::NOT_FOUND, "{}", overview.location);
    assert_declared("alerting-pages", &counter);
}
