//! The real `vigil-agent` binary against the real `vigil serve` on loopback: it enrols with a
//! one-time token, its samples arrive and agree with /proc, Vigil stops and starts again and
//! the backlog arrives with no gap, a threshold rule on a small filesystem the test fills opens
//! and then resolves an incident, and an action missing from the agent's allowlist is refused
//! and recorded in the action history and the audit log.
//!
//! The binary is the one `cargo build -p vigil-agent` left beside this test's executable.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vigil_tests::app::TestApp;

const WAIT: Duration = Duration::from_secs(30);

/// The agent binary of this build (target/<profile>/vigil-agent).
fn agent_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("vigil-agent");
    assert!(binary.exists(), "{} is missing: run `cargo build -p vigil-agent` before this test", binary.display());
    binary
}

/// A 4 MiB tmpfs the test fills, unmounted when dropped.
struct SmallFilesystem {
    dir: tempfile::TempDir,
}

impl SmallFilesystem {
    fn mount() -> Self {
        let dir = tempfile::tempdir().expect("a mount point");
        let status = Command::new("mount").args(["-t", "tmpfs", "-o", "size=4m", "vigil-test"]).arg(dir.path()).status();
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "mounting a 4 MiB tmpfs for the threshold rule failed ({status:?}): this test needs root (CAP_SYS_ADMIN)"
        );
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn fill(&self, bytes: usize) {
        std::fs::write(self.path().join("ballast"), vec![7u8; bytes]).expect("filling the filesystem");
    }

    fn empty(&self) {
        std::fs::remove_file(self.path().join("ballast")).expect("emptying the filesystem");
    }
}

impl Drop for SmallFilesystem {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// The agent as a child process, killed when dropped.
struct AgentProcess {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl AgentProcess {
    fn start(app: &TestApp, token: &str, mount: &Path) -> Self {
        let dir = tempfile::tempdir().expect("the agent's directory");
        let server = format!("{}/v1/agents/connect", app.base.replacen("http://", "ws://", 1));
        let config = format!(
            r#"server = "{server}"
enrolment_token = "{token}"
state_dir = "{state}"
interval_seconds = 1
docker_socket = ""
mounts = ["{mount}"]

[actions]
enabled = true

[[actions.allow]]
name = "say-hello"
program = "/bin/echo"
args = ["hello"]
timeout_seconds = 5
output_cap_bytes = 1024
"#,
            state = dir.path().join("state").display(),
            mount = mount.display(),
        );
        let path = dir.path().join("agent.toml");
        std::fs::write(&path, config).expect("the agent's config");
        let log = dir.path().join("agent.log");
        let child = Command::new(agent_binary())
            .arg("--config")
            .arg(&path)
            .env("VIGIL_AGENT_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("the agent's log"))
            .spawn()
            .expect("starting vigil-agent");
        Self { child, log, _dir: dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `GET path` until `done` holds, failing after `WAIT` with the last answer and the log.
async fn poll(app: &TestApp, agent: &AgentProcess, path: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let reply = app.call(Method::GET, path, None).await;
        if reply.status == StatusCode::OK && done(&reply.json) {
            return reply.json;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: GET {path} answered {:?}\nagent log:\n{}", reply.json, agent.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn proc_value(file: &str, key: &str) -> f64 {
    let text = std::fs::read_to_string(file).expect("reading /proc");
    let line = text.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("{key} in {file}"));
    line[key.len()..].split_whitespace().next().and_then(|v| v.parse().ok()).expect("a number")
}

fn host_incident<'a>(incidents: &'a Value, rule_name: &str) -> Option<&'a Value> {
    incidents["items"]
        .as_array()?
        .iter()
        .find(|i| i["subject"]["kind"] == "host" && i["subject"]["name"].as_str().is_some_and(|n| n.contains(rule_name)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_enrols_streams_survives_a_restart_alerts_and_is_refused_an_unlisted_action() {
    let scratch = SmallFilesystem::mount();
    // Before the agent's first sample, which it takes before it enrols.
    let test_start = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
    let app = TestApp::spawn().await;
    let enrolment = app.call(Method::POST, "/v1/enrolments", Some(json!({"name": "loopback", "tags": ["e2e"]}))).await;
    assert_eq!(enrolment.status, StatusCode::CREATED, "{:?}", enrolment.json);
    let token = enrolment.json["token"].as_str().expect("the token, this once").to_owned();
    let agent = AgentProcess::start(&app, &token, scratch.path());

    // Enrolled: the host is up and the token is spent.
    let hosts = poll(&app, &agent, "/v1/hosts", "the host enrols", |h| h["items"][0]["status"] == "up").await;
    let host = hosts["items"][0].clone();
    let id = host["id"].as_str().unwrap().to_owned();
    assert_eq!(host["name"], "loopback");
    let cores = std::fs::read_to_string("/proc/stat").unwrap().lines().filter(|l| l.starts_with("cpu") && !l.starts_with("cpu ")).count();
    assert_eq!(host["info"]["cpu_cores"], cores as u64, "cores as /proc/stat counts them");
    let pending = app.call(Method::GET, "/v1/enrolments", None).await;
    assert_eq!(pending.json["items"], json!([]), "the token was spent");

    // The latest sample agrees with /proc.
    let latest =
        poll(&app, &agent, &format!("/v1/hosts/{id}/metrics"), "a sample with CPU figures", |m| m["sample"]["cpu"].is_object()).await;
    let sample = &latest["sample"];
    assert_eq!(sample["memory"]["total_bytes"].as_f64().unwrap(), proc_value("/proc/meminfo", "MemTotal:") * 1024.0, "MemTotal");
    let uptime = proc_value("/proc/uptime", "");
    let reported = sample["uptime_seconds"].as_f64().unwrap();
    assert!((uptime - reported).abs() < 10.0, "uptime {reported} s against /proc/uptime's {uptime} s");
    let disk = sample["disks"].as_array().unwrap().iter().find(|d| d["mount"] == scratch.path().display().to_string()).cloned();
    let disk = disk.unwrap_or_else(|| panic!("the scratch filesystem in {sample}"));
    assert_eq!(disk["total_bytes"], 4 * 1024 * 1024, "the tmpfs's size");

    // A threshold rule on the filesystem's use: above 50 % over 2 s opens, back under 30 % resolves.
    let metric = format!("disk.used_percent[{}]", scratch.path().display());
    let rule = app
        .call(
            Method::POST,
            "/v1/host-rules",
            Some(json!({"name": "scratch full", "metric": metric, "above": 50, "resolve_at": 30, "window_seconds": 2})),
        )
        .await;
    assert_eq!(rule.status, StatusCode::CREATED, "{:?}", rule.json);
    scratch.fill(3 * 1024 * 1024);
    let opened = poll(&app, &agent, "/v1/incidents", "an incident opens", |i| host_incident(i, "scratch full").is_some()).await;
    let incident = host_incident(&opened, "scratch full").unwrap();
    assert_eq!(incident["status"], "open", "{incident}");
    let incident_id = incident["id"].as_str().unwrap().to_owned();

    // Vigil stops for a few intervals and starts again on the same port: the agent kept its
    // batches and sends them in order; every second has its sample.
    let before = app.call(Method::GET, &format!("/v1/hosts/{id}"), None).await.json;
    let acked_before = before["acked_through"].as_u64().expect("batches acknowledged");
    let app = app.restart_after(Duration::from_secs(4), true).await;
    let after = poll(&app, &agent, &format!("/v1/hosts/{id}"), "the backlog arrives", |h| {
        h["acked_through"].as_u64().is_some_and(|n| n >= acked_before + 6)
    })
    .await;
    assert_eq!(after["dropped_total"], 0, "nothing dropped");
    let series =
        app.call(Method::GET, &format!("/v1/hosts/{id}/metrics/series?metric=uptime.seconds&resolution=raw&from={test_start}"), None).await;
    assert_eq!(series.status, StatusCode::OK, "{:?}", series.json);
    let times: Vec<jiff::Timestamp> =
        series.json["points"].as_array().unwrap().iter().map(|p| p["at"].as_str().unwrap().parse().unwrap()).collect();
    assert!(times.len() as u64 >= acked_before + 6, "one sample per batch at least: {} samples, host {after}", times.len());
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]).as_secs_f64();
        assert!(gap > 0.0 && gap < 2.5, "samples in order with no gap: {gap} s between {} and {}", pair[0], pair[1]);
    }
    let connections = app.call(Method::GET, &format!("/v1/hosts/{id}/connections"), None).await;
    let kinds: Vec<&str> = connections.json["items"].as_array().unwrap().iter().filter_map(|c| c["kind"].as_str()).collect();
    assert!(kinds.iter().filter(|k| **k == "connected").count() >= 2 && kinds.contains(&"disconnected"), "{kinds:?}");

    // Emptied, the filesystem's average falls under 30 % and the incident resolves.
    scratch.empty();
    poll(&app, &agent, &format!("/v1/incidents/{incident_id}"), "the incident resolves", |i| i["status"] == "resolved").await;

    // An action the agent's config does not list is sent, refused by the agent and recorded.
    let requested = app.call(Method::POST, &format!("/v1/hosts/{id}/actions"), Some(json!({"action": "wipe-disk"}))).await;
    assert_eq!(requested.status, StatusCode::CREATED, "{:?}", requested.json);
    let action_id = requested.json["id"].as_str().unwrap().to_owned();
    let refused = poll(&app, &agent, &format!("/v1/actions/{action_id}"), "the refusal", |a| a["status"] != "pending").await;
    assert_eq!(refused["status"], "refused", "{refused}");
    assert_eq!(refused["refusal"], "not_allowed", "{refused}");
    assert_eq!(refused["exit_code"], Value::Null, "nothing ran");
    // The history is written before the audit entry: the entry may come a moment later.
    let audit = poll(&app, &agent, "/v1/audit-log?action=host.action_refused", "the refusal in the audit log", |a| {
        a["items"].as_array().is_some_and(|items| !items.is_empty())
    })
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "one refusal: {audit}");
    assert_eq!(audit["items"][0]["target"]["id"], id.as_str(), "on the host: {audit}");

    // The listed one runs, and its output comes back.
    let hello = app.call(Method::POST, &format!("/v1/hosts/{id}/actions"), Some(json!({"action": "say-hello"}))).await;
    let hello_id = hello.json["id"].as_str().unwrap().to_owned();
    let ran = poll(&app, &agent, &format!("/v1/actions/{hello_id}"), "the action's result", |a| a["status"] != "pending").await;
    assert_eq!((ran["exit_code"].clone(), ran["output_tail"].as_str().map(str::trim)), (json!(0), Some("hello")), "{ran}");
}
