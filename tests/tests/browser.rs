//! The dashboard in real headless Chromium (Debian's `chromium` package), driven by
//! playwright-core from tests/browser/ against a `vigil serve` started in this process. The
//! Node script runs the scenarios in order and prints `N passed, N failed`; a failing scenario
//! leaves a screenshot and the page's HTML in `<target dir>/browser-artifacts`.
//!
//! `cargo test -p vigil-tests --test browser -- --ignored screenshots` remakes the screenshots
//! of docs/screenshots/ (light and dark, English and French, desktop and phone width);
//! `./scripts/test-all` runs those ignored tests too, with `VIGIL_SCREENSHOTS_DIR` pointing into
//! the build directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use vigil::serve::LiveUpdates;
use vigil_tests::app::TestApp;

const INSTALL: &str = "run ./scripts/install-test-tools (it installs Debian's chromium with apt-get and playwright-core into tests/browser/node_modules with npm ci)";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned()
}

/// The scripts' folder, after checking that Chromium, Node and playwright-core are there.
fn browser_dir() -> PathBuf {
    let dir = workspace().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(Path::new(&chromium).exists(), "the browser tests need Chromium at {chromium}: {INSTALL}");
    assert!(
        std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()),
        "the browser tests need Node: {INSTALL}"
    );
    assert!(dir.join("node_modules/playwright-core/package.json").exists(), "the browser tests need playwright-core: {INSTALL}");
    dir
}

/// Where the screenshot scripts write: docs/screenshots, unless `VIGIL_SCREENSHOTS_DIR` names
/// another folder (the test command runs them into the build directory, leaving docs/ alone).
fn screenshots_dir() -> PathBuf {
    std::env::var_os("VIGIL_SCREENSHOTS_DIR").map_or_else(|| workspace().join("docs/screenshots"), PathBuf::from)
}

/// Where failing scenarios leave their evidence (CI keeps the target directory).
fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
    let target = if target.is_absolute() { target } else { workspace().join(target) };
    target.join("browser-artifacts")
}

/// Runs `script` with Node against `app`, for at most `limit`; its output and whether it
/// succeeded.
async fn node(script: &str, app: &TestApp, limit: Duration, env: &[(&str, PathBuf)]) -> (bool, String) {
    let mut command = tokio::process::Command::new("node");
    command.envs(env.iter().map(|(name, value)| (*name, value.as_os_str())));
    command
        .arg(script)
        .current_dir(browser_dir())
        .env("VIGIL_URL", &app.base)
        .env("ARTIFACTS_DIR", artifacts_dir())
        .env("SCREENSHOTS_DIR", screenshots_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().expect("starting node");
    let output = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish within {limit:?}"))
        .expect("node ran");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Runs the scenarios of `script` against a fresh installation, with `env` besides the usual,
/// and checks that at least `at_least` of them ran and none failed.
async fn scenarios_with(script: &str, at_least: usize, env: &[(&str, PathBuf)]) {
    let app = TestApp::spawn().await;
    let (ok, output) = node(script, &app, Duration::from_secs(300), env).await;
    println!("{output}");
    let summary = output.lines().rev().find(|line| line.contains(" passed, ")).unwrap_or_default();
    assert!(
        ok && summary.ends_with(" passed, 0 failed"),
        "browser scenarios failed ({summary}); evidence in {}",
        artifacts_dir().display()
    );
    let passed: usize = summary.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(passed >= at_least, "every scenario ran: {summary}");
    app.stop().await;
}

/// Runs the scenarios of `script` against a fresh installation and checks that at least
/// `at_least` of them ran and none failed.
async fn scenarios(script: &str, at_least: usize) {
    scenarios_with(script, at_least, &[]).await;
}

/// The agent binary of this build (target/<profile>/vigil-agent), which `cargo test --workspace`
/// builds beside the tests.
fn agent_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let binary = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>").join("vigil-agent");
    assert!(binary.exists(), "{} is missing: run `cargo build -p vigil-agent` before this test", binary.display());
    binary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_in_chromium_with_a_real_agent() {
    scenarios_with("hosts.mjs", 3, &[("VIGIL_AGENT", agent_binary())]).await;
}

/// Remakes the screenshots of the Hosts pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run with --ignored"]
async fn host_screenshots() {
    scenarios_with("hosts.mjs", 3, &[("VIGIL_AGENT", agent_binary()), ("HOSTS_SCREENSHOTS_DIR", screenshots_dir())]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_chromium() {
    scenarios("run.mjs", 13).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_incidents_and_notifications_in_chromium() {
    scenarios("alerting.mjs", 8).await;
}

/// Public status pages: the page with an ongoing incident in English and French (screenshots
/// kept with the evidence), an incident, the history, subscribing and a password page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_pages_in_chromium() {
    scenarios("status-pages.mjs", 6).await;
}

/// Live updates by polling (`--live-updates poll`, as on AWS and behind a proxy that cuts
/// streams): a monitor page shows its status change without a reload, then says it cannot reach
/// the server once this test stops it. The script prints `stop the server` when it is time and
/// waits for `stopped` on its stdin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_updates_by_polling_in_chromium() {
    let mut app = Some(TestApp::spawn_configured(|config| config.live_updates = LiveUpdates::Poll).await);
    let base = app.as_ref().map(|a| a.base.clone()).unwrap_or_default();
    let mut child = tokio::process::Command::new("node")
        .arg("polling.mjs")
        .current_dir(browser_dir())
        .env("VIGIL_URL", &base)
        .env("ARTIFACTS_DIR", artifacts_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("starting node");
    let mut stdin = child.stdin.take().expect("node's stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("node's stdout")).lines();
    let mut output = Vec::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("node's output") {
            println!("{line}");
            if line == "stop the server"
                && let Some(app) = app.take()
            {
                app.stop().await;
                stdin.write_all(b"stopped\n").await.expect("telling node");
            }
            output.push(line);
        }
    };
    tokio::time::timeout(Duration::from_secs(300), read).await.expect("polling.mjs finished within 5 minutes");
    let status = child.wait().await.expect("node ran");
    let summary = output.iter().rev().find(|line| line.contains(" passed, ")).cloned().unwrap_or_default();
    assert!(
        status.success() && summary == "3 passed, 0 failed",
        "polling scenarios failed ({summary}); evidence in {}",
        artifacts_dir().display()
    );
    assert!(app.is_none(), "the script asked for the server to stop");
}

/// Remakes the status page screenshots of docs/screenshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "remakes the status page screenshots of docs/screenshots; run on purpose"]
async fn status_page_screenshots() {
    scenarios_with("status-pages.mjs", 6, &[("STATUS_SCREENSHOTS_DIR", screenshots_dir())]).await;
}

/// Runs `script`, which writes screenshots into docs/screenshots, against a fresh installation.
async fn take_screenshots(script: &str) {
    let app = TestApp::spawn().await;
    let (ok, output) = node(script, &app, Duration::from_secs(600), &[]).await;
    println!("{output}");
    assert!(ok, "the screenshots were not all taken");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "remakes docs/screenshots; run on purpose"]
async fn screenshots() {
    take_screenshots("screenshots.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "remakes the task, incident and channels screenshots of docs/screenshots; run on purpose"]
async fn alerting_screenshots() {
    take_screenshots("alerting-screenshots.mjs").await;
}
