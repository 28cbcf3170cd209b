//! The real `vigil` binary: it starts on an empty data directory, prints its address, answers,
//! stops cleanly on Ctrl-C (SIGINT) and keeps every acknowledged write across the restart.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY: &str = "vk_binary_test_key_0123456789abcdef";

struct Running {
    child: Child,
    base: String,
    stdout_lines: Vec<String>,
}

// The child is handed to the caller, which waits for it in `interrupt_and_wait`.
#[allow(clippy::zombie_processes)]
fn start(data_dir: &Path, admin_key: Option<&str>) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("VIGIL_ADMIN_KEY")
        .env("VIGIL_LOG_FORMAT", "text")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(key) = admin_key {
        command.env("VIGIL_ADMIN_KEY", key);
    }
    let mut child = command.spawn().expect("starting vigil");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("reading stdout") == 0 {
            let status = child.wait();
            panic!("vigil exited early ({status:?}): {lines:?}");
        }
        lines.push(line.trim_end().to_owned());
        if let Some(rest) = line.strip_prefix("Vigil is listening on ") {
            let base = rest.split_whitespace().next().expect("address").to_owned();
            // Keep draining stdout so the child never blocks on a full pipe.
            std::thread::spawn(move || for _ in reader.lines() {});
            return Running { child, base, stdout_lines: lines };
        }
    }
}

fn interrupt_and_wait(mut running: Running) {
    let pid = running.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().expect("sending SIGINT");
    assert!(status.success());
    for _ in 0..200 {
        if let Some(exit) = running.child.try_wait().expect("waiting for vigil") {
            assert!(exit.success(), "vigil exited with {exit} after Ctrl-C");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = running.child.kill();
    panic!("vigil did not stop within 10 s of Ctrl-C");
}

#[tokio::test]
async fn first_start_prints_a_key_once_and_ctrl_c_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();

    let first = start(dir.path(), None);
    let key_line = first.stdout_lines.iter().position(|l| l.contains("Created the admin API key")).expect("key announced");
    let key = first.stdout_lines.iter().skip(key_line + 1).find(|l| l.trim().starts_with("vk_")).expect("key printed").trim().to_owned();
    let health = client.get(format!("{}/healthz", first.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let mut ids = Vec::new();
    for i in 0..20 {
        let created = client
            .post(format!("{}/v1/monitors", first.base))
            .bearer_auth(&key)
            .json(&serde_json::json!({"name": format!("m{i}"), "url": "http://127.0.0.1:9/", "interval_seconds": 3600}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        ids.push(created.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    // Interrupted straight after the last acknowledgement.
    interrupt_and_wait(first);

    let second = start(dir.path(), Some(KEY));
    assert!(!second.stdout_lines.iter().any(|l| l.contains("Created the admin API key")), "a second start creates no key");
    let listed: serde_json::Value =
        client.get(format!("{}/v1/monitors?limit=100", second.base)).bearer_auth(&key).send().await.unwrap().json().await.unwrap();
    let stored: Vec<_> = listed["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(stored, ids);
    let refused = client.get(format!("{}/v1/monitors", second.base)).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(refused.status(), 401, "VIGIL_ADMIN_KEY only seeds a fresh store");
    interrupt_and_wait(second);
}
