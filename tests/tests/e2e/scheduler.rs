use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use vigil::serve::SchedulerConfig;
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::release_at;
use vigil_tests::app::TestApp;
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_are_checked_on_schedule_at_their_phase() {
    let within = Duration::from_secs(10);
    let app = TestApp::spawn_configured(|config| config.first_check_within = within).await;
    let target = Target::http().await;
    let id = app.create_monitor(json!({"name": "sched", "url": target.url("/"), "interval_seconds": 10})).await;
    let first = app.wait_for_checks(&id, 1, within + Duration::from_secs(5)).await;
    assert_eq!(first[0]["result"], "up");
    let created: jiff::Timestamp =
        app.call(reqwest::Method::GET, &format!("/v1/monitors/{id}"), None).await.json["created_at"].as_str().unwrap().parse().unwrap();
    let monitor: MonitorId = id.parse().unwrap();
    let spread = CheckInterval::from_seconds(10).unwrap().first_check_at(monitor, created, within.try_into().unwrap());
    let first_planned: jiff::Timestamp = first[0]["planned_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(first_planned, spread, "a new monitor's first check is at its offset within the spread window");

    let checks = app.wait_for_checks(&id, 3, Duration::from_secs(30)).await;
    let planned: Vec<i64> =
        checks.iter().map(|c| c["planned_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_millisecond()).collect();
    assert_eq!(planned[0] - planned[1], 10_000, "one interval apart: {planned:?}");
    let interval = CheckInterval::from_seconds(10).unwrap();
    let phase = interval.phase_of(id.parse::<MonitorId>().unwrap());
    assert_eq!(planned[0].rem_euclid(10_000), phase, "later checks sit at the monitor's phase");
    let tick = SchedulerConfig::default().release.tick;
    assert!(tick > jiff::SignedDuration::ZERO, "the scheduler releases checks on a tick");
    for check in &checks {
        let planned: jiff::Timestamp = check["planned_at"].as_str().unwrap().parse().unwrap();
        let started: jiff::Timestamp = check["started_at"].as_str().unwrap().parse().unwrap();
        let lag = started.duration_since(planned).as_secs_f64();
        assert!((0.0..1.0).contains(&lag), "started {lag} s after its planned time");
        let release = release_at(planned, tick);
        assert!(started >= release, "started at {started}, before the release tick {release} of its plan {planned}");
    }
    let stats = &app.server.as_ref().unwrap().scheduler_stats;
    assert!(stats.started.load(Ordering::Relaxed) >= 3);
    let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    let started: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("vigil_checks_started_total "))
        .and_then(|v| v.parse().ok())
        .expect("the started counter is exposed");
    assert!(started >= 3, "{metrics}");
    assert!(metrics.contains("vigil_schedule_lag_seconds{quantile=\"0.99\"}"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_monitor_is_not_checked() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app.create_monitor(json!({"name": "paused", "url": target.url("/"), "interval_seconds": 10})).await;
    app.call(reqwest::Method::POST, &format!("/v1/monitors/{id}/pause"), None).await;
    let hits = target.hits();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(target.hits() <= hits + 1, "at most a check already claimed before the pause");
    let history = app.call(reqwest::Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(history.json["status"], "paused");
}
