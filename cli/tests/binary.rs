//! The real `vigil` binary: it starts on an empty data directory, prints its address, answers,
//! stops cleanly on Ctrl-C (SIGINT) and keeps every acknowledged write across the restart; after
//! a `kill -9` it loses nothing acknowledged, resumes checking in rhythm and sends each pending
//! delivery once.

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

fn start(data_dir: &Path, admin_key: Option<&str>) -> Running {
    start_with(data_dir, admin_key, &[])
}

// The child is handed to the caller, which waits for it in `interrupt_and_wait`.
#[allow(clippy::zombie_processes)]
fn start_with(data_dir: &Path, admin_key: Option<&str>, flags: &[&str]) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigil"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(flags)
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

fn vigil(args: &[&str], data_dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vigil")).args(args).arg("--data-dir").arg(data_dir).output().expect("running vigil")
}

/// Creates `count` monitors and one task; returns the task's id and ping URL.
async fn populate(client: &reqwest::Client, base: &str, count: usize) -> (String, String) {
    for i in 0..count {
        let body = serde_json::json!({"name": format!("m{i}"), "url": "http://127.0.0.1:9/", "interval_seconds": 3600});
        let created = client.post(format!("{base}/v1/monitors")).bearer_auth(KEY).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
    }
    let body = serde_json::json!({"name": "nightly", "period_seconds": 3600, "grace_seconds": 600});
    let task: serde_json::Value =
        client.post(format!("{base}/v1/tasks")).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
    (task["id"].as_str().unwrap().to_owned(), task["ping_url"].as_str().unwrap().to_owned())
}

/// Pings `url` until `stop`, counting the pings answered `OK` (acknowledged, hence stored).
fn ping_until(url: String, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut acknowledged = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(reply) = client.post(&url).body("ok").send().await
                && reply.status() == 200
            {
                acknowledged += 1;
            }
        }
        acknowledged
    })
}

async fn pings_of(client: &reqwest::Client, base: &str, task: &str) -> u64 {
    let task: serde_json::Value =
        client.get(format!("{base}/v1/tasks/{task}")).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
    task["pings"].as_u64().expect("a ping count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_everything_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (data, restored_dir) = (dir.path().join("data"), dir.path().join("restored"));
    let backup_file = dir.path().join("vigil-backup.db");
    let client = reqwest::Client::new();
    let server = start(&data, Some(KEY));
    let (task, ping_url) = populate(&client, &server.base, 50).await;

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pinger = ping_until(ping_url, stop.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before_backup = pings_of(&client, &server.base, &task).await;
    let (backup_dir, file) = (data.clone(), backup_file.clone());
    let backup = tokio::task::spawn_blocking(move || vigil(&["backup", file.to_str().unwrap()], &backup_dir)).await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged = pinger.await.unwrap();
    let stdout = String::from_utf8_lossy(&backup.stdout);
    assert!(backup.status.success(), "backup failed: {}", String::from_utf8_lossy(&backup.stderr));
    assert!(stdout.contains("50 monitors") && stdout.contains("1 task,"), "{stdout}");
    assert!(String::from_utf8_lossy(&backup.stderr).contains("(100 %)"), "progress is shown");
    assert!(acknowledged > 0 && before_backup > 0, "the server was under load: {acknowledged} pings");

    let again = vigil(&["backup", backup_file.to_str().unwrap()], &data);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    let busy = vigil(&["restore", backup_file.to_str().unwrap()], &data);
    assert!(!busy.status.success(), "restoring under a running server is refused");
    assert!(String::from_utf8_lossy(&busy.stderr).contains("another vigil process is using the data directory"));
    let final_pings = pings_of(&client, &server.base, &task).await;
    interrupt_and_wait(server);

    let restored = vigil(&["restore", backup_file.to_str().unwrap()], &restored_dir);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let server = start(&restored_dir, Some(KEY));
    let listed: serde_json::Value =
        client.get(format!("{}/v1/monitors?limit=100", server.base)).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 50);
    let kept = pings_of(&client, &server.base, &task).await;
    assert!(kept >= before_backup && kept <= final_pings, "the backup holds a snapshot: {before_backup} ≤ {kept} ≤ {final_pings}");
    interrupt_and_wait(server);

    // Restoring over an existing database keeps the one it replaces.
    let over = vigil(&["restore", backup_file.to_str().unwrap()], &data);
    assert!(over.status.success(), "{}", String::from_utf8_lossy(&over.stderr));
    assert!(String::from_utf8_lossy(&over.stdout).contains("kept as"), "{}", String::from_utf8_lossy(&over.stdout));
    let not_vigil = dir.path().join("not-vigil.db");
    std::fs::write(&not_vigil, b"hello").unwrap();
    let refused = vigil(&["restore", not_vigil.to_str().unwrap()], &data);
    assert!(!refused.status.success());
}

/// A check target counting requests by path.
async fn counting_target() -> (String, std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = stream.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                *counter.lock().unwrap().entry(path).or_insert(0) += 1;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
            });
        }
    });
    (base, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_nothing_acknowledged_and_checking_resumes_in_rhythm() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let (target, hits) = counting_target().await;
    // Each monitor checked at once, so that every one has a check before the kill to count
    // its slots from.
    let mut server = start_with(dir.path(), Some(KEY), &["--first-check-within-ms", "0"]);
    // Ten checks a second, so that whenever the kill comes, some are claimed and not started.
    const MONITORS: usize = 100;
    const INTERVAL: u64 = 10;
    let mut ids = Vec::new();
    for i in 0..MONITORS {
        let body = serde_json::json!({"name": format!("m{i}"), "url": format!("{target}/m{i}"), "interval_seconds": INTERVAL});
        let created = client.post(format!("{}/v1/monitors", server.base)).bearer_auth(KEY).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        ids.push(created.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    let body = serde_json::json!({"name": "nightly", "period_seconds": 3600, "grace_seconds": 600});
    let task: serde_json::Value =
        client.post(format!("{}/v1/tasks", server.base)).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
    let task_id = task["id"].as_str().unwrap().to_owned();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pinger = ping_until(task["ping_url"].as_str().unwrap().to_owned(), stop.clone());
    tokio::time::sleep(Duration::from_secs(2)).await;
    // SIGKILL in the middle of the pings: no shutdown, no flush, no goodbye.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged = pinger.await.unwrap();
    assert!(acknowledged > 10, "the server was under load: {acknowledged} pings");
    let killed_at = std::time::Instant::now();
    hits.lock().unwrap().clear();

    let restart_began = jiff::Timestamp::now();
    let restarted = start(dir.path(), Some(KEY));
    let restarted_at = std::time::Instant::now();
    let stored = pings_of(&client, &restarted.base, &task_id).await;
    assert!(stored >= acknowledged, "every acknowledged ping is stored: {stored} stored, {acknowledged} acknowledged");
    let listed: serde_json::Value =
        client.get(format!("{}/v1/monitors?limit=100", restarted.base)).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), MONITORS);

    // A check claimed (up to the 2 s claim horizon ahead) but not started when the server was
    // killed is handed back at the restart and runs late; every other monitor's next slot is
    // at most one interval after its last check, started on the next half-second tick. So one
    // interval, the horizon, a tick and a second of slack after the restart, every monitor was
    // checked, and none more than twice on its rhythm (plus its handed-back check, if any).
    const WINDOW: u64 = INTERVAL + 4;
    tokio::time::sleep(Duration::from_secs(WINDOW)).await;
    let hits = hits.lock().unwrap().clone();
    let restart_took = restarted_at.duration_since(killed_at);
    // A slot claimed and not run before the kill was due at most about a second before it,
    // and is handed back when the restart comes less than an interval after the slot: so
    // after a restart well within the interval, no monitor misses a slot.
    let restart_within_interval = restart_took < Duration::from_secs(INTERVAL - 2);
    let mut handed_back = 0;
    for (i, id) in ids.iter().enumerate() {
        let checks = checks_of(&client, &restarted.base, id).await;
        let late = checks.iter().filter(|(planned, started)| *planned < restart_began && *started > restart_began).count();
        handed_back += late;
        assert!(late <= 1, "monitor m{i}: {late} checks planned before the restart ran after it: {checks:?}");
        let n = hits.get(&format!("/m{i}")).copied().unwrap_or(0) as usize;
        assert!(
            (1..=2 + late).contains(&n),
            "monitor m{i} was checked {n} times in the first {WINDOW} s after the restart ({late} handed back): {hits:?}"
        );
        if restart_within_interval {
            // The first check came at creation, off the monitor's rhythm, and its slots follow
            // it: the first less than an interval later, each next one an interval after.
            let interval = jiff::SignedDuration::from_secs(INTERVAL as i64);
            let planned: Vec<_> = checks.iter().map(|(planned, _)| *planned).collect();
            let gaps: Vec<_> = planned
                .windows(2)
                .enumerate()
                .filter(|(n, w)| if *n == 0 { w[1] - w[0] > interval } else { w[1] - w[0] != interval })
                .collect();
            assert!(gaps.is_empty(), "monitor m{i} missed slots across the restart: {gaps:?} in {planned:?}");
        }
    }
    if !restart_within_interval {
        eprintln!("WARNING: the restart took {restart_took:?}, too long to assert that no slot was missed across it");
    }
    eprintln!(
        "kill -9: {acknowledged} pings acknowledged, {stored} stored; restart took {restart_took:?}; {handed_back} checks handed \
         back; checks per monitor in the next interval: {:?}",
        hits.values().collect::<Vec<_>>()
    );
    interrupt_and_wait(restarted);
}

/// Every check of monitor `id` the API shows, newest first, page after page.
async fn checks(client: &reqwest::Client, base: &str, id: &str) -> Vec<serde_json::Value> {
    let mut checks = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/monitors/{id}/checks?limit=100");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: serde_json::Value = client.get(url).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
        checks.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return checks,
        }
    }
}

/// The planned and start times of every check of monitor `id` the API shows, oldest first.
async fn checks_of(client: &reqwest::Client, base: &str, id: &str) -> Vec<(jiff::Timestamp, jiff::Timestamp)> {
    let time = |check: &serde_json::Value, field: &str| check[field].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
    checks(client, base, id).await.iter().rev().map(|c| (time(c, "planned_at"), time(c, "started_at"))).collect()
}

/// The ids of every check of monitor `id` the API shows.
async fn check_ids(client: &reqwest::Client, base: &str, id: &str) -> std::collections::BTreeSet<String> {
    checks(client, base, id).await.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_ping_and_check_load_keeps_every_ping_and_check_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let (target, hits) = counting_target().await;
    // Checks from the start, so they come at about 20 a second from the first second.
    let mut server = start_with(dir.path(), Some(KEY), &["--first-check-within-ms", "0"]);
    const MONITORS: usize = 200;
    let mut monitors = Vec::new();
    for i in 0..MONITORS {
        let body = serde_json::json!({"name": format!("m{i}"), "url": format!("{target}/m{i}"), "interval_seconds": 10});
        let created: serde_json::Value =
            client.post(format!("{}/v1/monitors", server.base)).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
        monitors.push(created["id"].as_str().unwrap().to_owned());
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut pingers = Vec::new();
    for i in 0..4 {
        let body = serde_json::json!({"name": format!("job {i}"), "period_seconds": 3600, "grace_seconds": 600});
        let task: serde_json::Value =
            client.post(format!("{}/v1/tasks", server.base)).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
        let id = task["id"].as_str().unwrap().to_owned();
        pingers.push((id, ping_until(task["ping_url"].as_str().unwrap().to_owned(), stop.clone())));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    // What the API shows is what it acknowledged: read every monitor's checks while the pings go
    // on, then kill at once.
    let mut shown = Vec::new();
    for id in &monitors {
        shown.push(check_ids(&client, &server.base, id).await);
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let shown_checks: usize = shown.iter().map(|ids| ids.len()).sum();
    let target_saw: u32 = hits.lock().unwrap().values().sum();
    assert!(shown_checks >= MONITORS, "every monitor was checked before the kill: {shown_checks} checks shown");

    let restarted = start(dir.path(), Some(KEY));
    let mut acknowledged_pings = 0;
    for (task, pinger) in pingers {
        let acknowledged = pinger.await.unwrap();
        let stored = pings_of(&client, &restarted.base, &task).await;
        assert!(acknowledged > 10, "task {task} was under load: {acknowledged} pings");
        assert!(stored >= acknowledged, "task {task}: {stored} pings stored, {acknowledged} acknowledged");
        acknowledged_pings += acknowledged;
    }
    for (id, before) in monitors.iter().zip(&shown) {
        let after = check_ids(&client, &restarted.base, id).await;
        let lost: Vec<_> = before.difference(&after).collect();
        assert!(lost.is_empty(), "monitor {id}: checks shown before the kill are gone: {lost:?}");
    }
    eprintln!(
        "kill -9 under load: {acknowledged_pings} pings acknowledged and stored; {shown_checks} checks shown and kept \
         ({target_saw} requests reached the target before the kill)"
    );
    interrupt_and_wait(restarted);
}

/// A webhook receiver that refuses (500) the first request of each message and accepts (200)
/// the later ones; it records every request as (`webhook-id`, status answered).
async fn refusing_each_message_once() -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, u16)>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, u16)>::new()));
    let requests = log.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let requests = requests.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let (mut id, mut length) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        match name.trim().to_ascii_lowercase().as_str() {
                            "webhook-id" => id = value.trim().to_owned(),
                            "content-length" => length = value.trim().parse().unwrap_or(0),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body).await;
                let status = {
                    let mut log = requests.lock().unwrap();
                    let status = if log.iter().any(|(seen, _)| *seen == id) { 200 } else { 500 };
                    log.push((id, status));
                    status
                };
                let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                let _ = reader.get_mut().write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, log)
}

/// Every delivery of every incident, as the API shows them.
async fn deliveries(client: &reqwest::Client, base: &str) -> Vec<serde_json::Value> {
    let incidents: serde_json::Value =
        client.get(format!("{base}/v1/incidents")).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
    let mut deliveries = Vec::new();
    for incident in incidents["items"].as_array().unwrap() {
        let url = format!("{base}/v1/incidents/{}", incident["id"].as_str().unwrap());
        let detail: serde_json::Value = client.get(url).bearer_auth(KEY).send().await.unwrap().json().await.unwrap();
        deliveries.extend(detail["deliveries"].as_array().unwrap().iter().cloned());
    }
    deliveries
}

/// Polls `deliveries` until `done` holds for `count` of them, failing after `timeout`.
async fn wait_for_deliveries(
    client: &reqwest::Client,
    base: &str,
    count: usize,
    timeout: Duration,
    done: impl Fn(&serde_json::Value) -> bool,
) -> Vec<serde_json::Value> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let all = deliveries(client, base).await;
        if all.len() == count && all.iter().all(&done) {
            return all;
        }
        assert!(std::time::Instant::now() < deadline, "deliveries not there within {timeout:?}: {all:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_with_deliveries_pending_sends_each_once_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let (hook, requests) = refusing_each_message_once().await;
    // The first attempts are refused; their retries are due 5 s later, in the database only.
    // Every monitor's first check at once, so that all first attempts are pending together.
    let flags = ["--notify-retry-ms", "5000", "--notify-max-attempts", "4", "--first-check-within-ms", "0"];
    let mut server = start_with(dir.path(), Some(KEY), &flags);
    const MONITORS: usize = 5;
    let mut ids = Vec::new();
    for i in 0..MONITORS {
        // Nothing listens on port 9: every check fails, and the first one is due at once.
        let body =
            serde_json::json!({"name": format!("m{i}"), "url": "http://127.0.0.1:9/", "interval_seconds": 3600, "failure_threshold": 1});
        let created: serde_json::Value =
            client.post(format!("{}/v1/monitors", server.base)).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
        ids.push(created["id"].clone());
    }
    let channel = serde_json::json!({"name": "hook", "type": "webhook", "url": hook});
    let channel: serde_json::Value =
        client.post(format!("{}/v1/channels", server.base)).bearer_auth(KEY).json(&channel).send().await.unwrap().json().await.unwrap();
    let rule =
        serde_json::json!({"name": "all", "select": {"monitors": ids}, "channels": [channel["id"]], "notify_on": {"resolved": false}});
    let created = client.post(format!("{}/v1/alert-rules", server.base)).bearer_auth(KEY).json(&rule).send().await.unwrap();
    assert_eq!(created.status(), 201);

    // Every first attempt refused and recorded: each delivery is pending, due again later.
    let pending =
        wait_for_deliveries(&client, &server.base, MONITORS, Duration::from_secs(20), |d| d["status"] == "pending" && d["attempts"] == 1)
            .await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let at_kill = requests.lock().unwrap().clone();
    assert_eq!(at_kill.len(), MONITORS, "only the first attempts were made before the kill: {at_kill:?}");
    assert!(at_kill.iter().all(|(_, status)| *status == 500));

    let restarted = start_with(dir.path(), Some(KEY), &flags);
    let delivered = wait_for_deliveries(&client, &restarted.base, MONITORS, Duration::from_secs(20), |d| d["status"] == "delivered").await;
    // Longer than a retry delay: anything sent twice would have come by now.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let requests = requests.lock().unwrap().clone();
    for delivery in &pending {
        let id = delivery["id"].as_str().unwrap();
        let statuses: Vec<u16> = requests.iter().filter(|(seen, _)| seen == id).map(|(_, status)| *status).collect();
        assert_eq!(statuses, [500, 200], "delivery {id}: refused before the kill, accepted once after the restart");
    }
    assert_eq!(requests.len(), 2 * MONITORS, "nothing else was sent: {requests:?}");
    assert!(delivered.iter().all(|d| d["attempts"] == 2), "{delivered:?}");
    interrupt_and_wait(restarted);
}
