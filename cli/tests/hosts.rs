//! `vigil hosts` and `vigil host-rules` against a spawned `vigil serve` with the real
//! `vigil-agent` connected: enrol, list, metrics, rules, a refused and a run action, the action
//! history, revocation.

use crate::support::{Cli, Serve, eventually};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The agent binary `cargo build -p vigil-agent` left beside this test's executable.
fn agent_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let binary = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>").join("vigil-agent");
    assert!(binary.exists(), "{} is missing: run `cargo build -p vigil-agent` before this test", binary.display());
    binary
}

/// The agent as a child process, killed when dropped.
struct Agent(Child);

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_agent(serve: &Serve, token: &str, dir: &Path) -> Agent {
    let config = dir.join("agent.toml");
    let server = format!("{}/v1/agents/connect", serve.base.replacen("http://", "ws://", 1));
    let text = format!(
        "server = \"{server}\"\nenrolment_token = \"{token}\"\nstate_dir = \"{}\"\ninterval_seconds = 1\ndocker_socket = \"\"\n\n[actions]\nenabled = true\n\n[[actions.allow]]\nname = \"say-hello\"\nprogram = \"/bin/echo\"\nargs = [\"hello\", \"from\", \"the\", \"agent\"]\n",
        dir.join("state").display()
    );
    std::fs::write(&config, text).expect("the agent's config");
    let child = Command::new(agent_binary())
        .arg("--config")
        .arg(&config)
        .env("VIGIL_AGENT_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting vigil-agent");
    Agent(child)
}

#[test]
fn hosts_metrics_rules_and_actions_from_the_command_line() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);

    let enrolled = cli.run(&["hosts", "enrol", "--name", "cli-host", "--tag", "prod"]);
    assert_eq!(enrolled.code, 0, "{enrolled:?}");
    let token = enrolled.stdout.trim().to_owned();
    assert!(token.starts_with("vet_"), "the token alone on stdout: {enrolled:?}");
    assert!(enrolled.stderr.contains("shown this once"), "{enrolled:?}");
    let _agent = start_agent(&serve, &token, cli.dir());

    let up = eventually(30, || {
        let list = cli.run(&["hosts", "list", "-o", "json"]);
        list.code == 0 && list.json()[0]["status"] == "up"
    });
    assert!(up, "the host comes up: {:?}", cli.run(&["hosts", "list"]));
    let table = cli.run(&["hosts", "list"]);
    assert!(table.stdout.contains("cli-host") && table.stdout.contains("up"), "{table:?}");
    let shown = cli.run(&["hosts", "get", "cli-host"]);
    assert!(shown.stdout.contains("cores") && shown.stdout.contains("prod"), "{shown:?}");

    assert!(eventually(30, || cli.run(&["hosts", "metrics", "cli-host", "-o", "json"]).json()["sample"]["cpu"].is_object()));
    let metrics = cli.run(&["hosts", "metrics", "cli-host"]);
    assert!(metrics.stdout.contains("memory.used_percent") && metrics.stdout.contains("cpu.percent"), "{metrics:?}");
    let series = cli.run(&["hosts", "metrics", "cli-host", "--metric", "memory.used_percent", "-o", "json"]).json();
    assert!(!series["points"].as_array().unwrap().is_empty(), "{series}");

    let rule = cli.dir().join("rule.yaml");
    std::fs::write(&rule, "name: memory high\nmetric: memory.used_percent\nabove: 99.9\nwindow_seconds: 60\n").unwrap();
    let created = cli.run(&["host-rules", "create", rule.to_str().unwrap()]);
    assert_eq!(created.code, 0, "{created:?}");
    let rule_names = |cli: &Cli| -> Vec<String> {
        let listed = cli.run(&["host-rules", "list", "-o", "json"]).json();
        listed.as_array().unwrap().iter().filter_map(|r| r["name"].as_str().map(str::to_owned)).collect()
    };
    // Enrolment gave the host its own silence rule.
    assert_eq!(rule_names(&cli), ["silent for 2 min", "memory high"]);
    std::fs::write(&rule, "name: typo\nmetrik: memory.used_percent\n").unwrap();
    let refused = cli.run(&["host-rules", "create", rule.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "an unknown field is a usage error with its line: {refused:?}");
    assert!(refused.stderr.contains("metrik"), "{refused:?}");

    let unlisted = cli.run(&["hosts", "run", "cli-host", "wipe-disk", "-o", "json"]);
    assert_eq!(unlisted.code, 1, "{unlisted:?}");
    assert_eq!(unlisted.json()["status"], "refused", "{unlisted:?}");
    let hello = cli.run(&["hosts", "run", "cli-host", "say-hello"]);
    assert_eq!(hello.code, 0, "{hello:?}");
    assert!(hello.stdout.contains("hello from the agent"), "the output's tail: {hello:?}");
    let history = cli.run(&["hosts", "actions", "cli-host", "-o", "json"]).json();
    let ran: Vec<&str> = history.as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    assert_eq!(ran, ["say-hello", "wipe-disk"], "newest first: {history}");

    let deleted = cli.run(&["host-rules", "delete", "memory high"]);
    assert_eq!(deleted.code, 0, "{deleted:?}");
    assert_eq!(rule_names(&cli), ["silent for 2 min"]);
    let revoked = cli.run(&["hosts", "revoke", "cli-host", "-o", "json"]);
    assert_eq!(revoked.code, 0, "{revoked:?}");
    assert!(revoked.json()["revoked_at"].is_string(), "{revoked:?}");
    let missing = cli.run(&["hosts", "get", "no-such-host"]);
    assert_eq!(missing.code, 3, "{missing:?}");
}
