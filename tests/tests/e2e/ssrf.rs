use reqwest::Method;
use serde_json::json;
use vigil_domain::probe::NetworkPolicy;
use vigil_tests::app::TestApp;
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_only_refuses_private_targets_at_save_time() {
    let app = TestApp::spawn_with(NetworkPolicy::PublicOnly).await;
    for url in
        ["http://127.0.0.1:8080/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://localhost/", "http://[::1]/"]
    {
        app.call(Method::POST, "/v1/monitors", Some(json!({"name": "x", "url": url})))
            .await
            .assert_problem(400, "only checks public addresses");
    }
    let public = app.call(Method::POST, "/v1/monitors", Some(json!({"name": "x", "url": "https://example.com/"}))).await;
    assert_eq!(public.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_only_blocks_at_check_time_without_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::http().await;
    // Saved while private targets were allowed, then the operator tightened the policy.
    let permissive = TestApp::spawn_in(dir.path(), NetworkPolicy::AllowPrivate).await.unwrap();
    let id = permissive.create_monitor(json!({"name": "lan", "url": target.url("/"), "interval_seconds": 3600})).await;
    assert_eq!(permissive.check_now(&id).await["check"]["result"], "up");
    let hits_before = target.hits();
    permissive.stop().await;

    let strict = TestApp::spawn_in(dir.path(), NetworkPolicy::PublicOnly).await.unwrap();
    let check = strict.check_now(&id).await;
    assert_eq!(check["check"]["result"], "down");
    assert_eq!(check["check"]["failure"]["class"], "blocked");
    assert!(check["check"]["failure"]["message"].as_str().unwrap().contains("127.0.0.1"), "{check}");
    assert_eq!(target.hits(), hits_before, "the target was never contacted");
    strict.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_private_reaches_the_lan() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let id = app.create_monitor(json!({"name": "lan", "url": target.url("/")})).await;
    assert_eq!(app.check_now(&id).await["check"]["result"], "up");
}
