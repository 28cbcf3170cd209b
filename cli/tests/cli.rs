//! The `vigil` command line as people and scripts use it, against a spawned `vigil serve`:
//! login and contexts, exit codes, status, the monitoring-file round trip (plan, apply,
//! export, a second apply that changes nothing, --prune among the file's own), Gatus imports,
//! and `vigil run` reporting a failing job with its output.

use crate::support::{Cli, KEY, Serve, eventually};
use std::os::unix::fs::PermissionsExt;

const FILE: &str = r#"
source: prod
channels:
  ops-hook: {type: webhook, url: "http://127.0.0.1:9/hook"}
  alerts: {type: slack, url: "${SLACK_URL}"}
monitors:
  api:
    name: API health
    url: SERVE/healthz
    interval_seconds: 30
    assertions: ["[BODY].status == ok"]
    tags: [prod]
  docs:
    url: SERVE/v1/openapi.json
    headers: {Authorization: "Bearer ${DOCS_TOKEN}"}
tasks:
  backup: {name: Nightly backup, cron: "0 2 * * *", timezone: Europe/Riga, grace_seconds: 1800}
alert_rules:
  prod:
    select: {tags: [prod], tasks: [backup]}
    channels: [ops-hook, alerts]
    escalation: [{after_seconds: 900, channels: [alerts]}]
maintenance_windows:
  sundays:
    select: {monitors: [docs]}
    schedule: {type: recurring, timezone: Europe/Paris, days: [sun], start: "02:00", duration_minutes: 90}
"#;

fn write(cli: &Cli, name: &str, text: &str) -> String {
    let path = cli.dir().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// `vigil plan FILE -o json` (and its environment), as JSON.
fn plan_json(cli: &Cli, file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["plan", file, "-o", "json"];
    args.extend(extra);
    let run = cli.run_env(&args, &SECRETS);
    assert_eq!(run.code, 0, "{run:?}");
    run.json()
}

fn actions(plan: &serde_json::Value) -> Vec<(String, String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_owned(), c["key"].as_str().unwrap().to_owned(), c["action"].as_str().unwrap().to_owned()))
        .collect()
}

const SECRETS: [(&str, &str); 2] =
    [("SLACK_URL", "https://hooks.slack.com/services/T1/B2/first"), ("DOCS_TOKEN", "abcdefghijklmnopqrstuvwxyz")];

#[test]
fn login_keeps_the_key_to_its_owner_and_exit_codes_say_what_failed() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    assert_eq!(cli.run(&["status"]).code, 4, "not logged in yet");
    let refused = cli.run(&["login", &serve.base, "--key", "vk_not_the_right_key_0000000000"]);
    assert_eq!(refused.code, 4, "{refused:?}");
    assert!(refused.stderr.contains("refused the key"), "{refused:?}");
    assert!(!cli.config_file().exists(), "a refused key is not saved");

    let typed = cli.command().args(["login", &serve.base, "--context", "local"]).stdin(std::process::Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    typed.stdin.as_ref().unwrap().write_all(format!("{KEY}\n").as_bytes()).unwrap();
    let typed = typed.wait_with_output().unwrap();
    assert!(typed.status.success(), "the key read from standard input: {typed:?}");
    let mode = std::fs::metadata(cli.config_file()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the configuration holds a key");
    assert!(std::fs::read_to_string(cli.config_file()).unwrap().contains(KEY));

    cli.login(&serve);
    let contexts = cli.run(&["contexts", "-o", "json"]).json();
    assert_eq!(contexts.as_array().unwrap().len(), 2, "{contexts}");
    assert_eq!(cli.run(&["contexts", "use", "local"]).code, 0);
    assert_eq!(cli.run(&["contexts", "use", "nowhere"]).code, 3);

    let empty = cli.run(&["status"]);
    assert_eq!(empty.code, 0, "{empty:?}");
    assert_eq!(cli.run(&["monitors", "get", "nothing-by-this-name"]).code, 3, "not found");
    assert_eq!(cli.run(&["monitors", "frobnicate"]).code, 2, "usage");
    let invalid = cli.run(&["monitors", "create", "--name", "x", "--url", "ftp://example.com", "--assert", "[STAUS] == 200"]);
    assert_eq!(invalid.code, 1, "{invalid:?}");
    assert!(
        invalid.stderr.contains("url: must use http or https") && invalid.stderr.contains("did you mean [STATUS]"),
        "the server's words: {invalid:?}"
    );
    assert_eq!(cli.run(&["--key", "vk_wrong_key_000000000000000000000", "status"]).code, 4, "a refused key");
    assert_eq!(cli.run(&["--server", "http://127.0.0.1:1", "status"]).code, 5, "unreachable");

    let created =
        cli.run(&["monitors", "create", "--name", "API", "--url", &format!("{}/healthz", serve.base), "--interval", "10", "-o", "json"]);
    assert_eq!(created.code, 0, "{created:?}");
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(
        eventually(20, || cli.run(&["monitors", "get", "API", "-o", "json"]).json()["status"] == "up"),
        "first checked within the spread of new monitors"
    );
    assert_eq!(cli.run(&["monitors", "get", &id[..8], "-o", "json"]).json()["id"], id.as_str(), "by id prefix");
    let status = cli.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("All 1 well"), "{status:?}");

    let down = cli.run(&["monitors", "create", "--name", "nothing listens", "--url", "http://127.0.0.1:9/", "--failure-threshold", "1"]);
    assert_eq!(down.code, 0, "{down:?}");
    assert!(eventually(20, || cli.run(&["status"]).code == 1), "one monitor down makes status exit 1");
    let table = cli.run(&["status"]);
    assert!(table.stdout.lines().nth(1).is_some_and(|l| l.contains("nothing listens")), "what needs attention first: {table:?}");
    assert!(!table.stdout.contains('\x1b'), "no colours off a terminal");
    let json = cli.run(&["status", "-o", "json"]).json();
    assert_eq!(json["ok"], false);
}

#[test]
fn plan_apply_export_round_trip_changes_nothing_the_second_time() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);
    let file = write(&cli, "prod.yaml", &FILE.replace("SERVE", &serve.base));
    let valid = cli.run_env(&["validate", &file], &SECRETS);
    assert_eq!(valid.code, 0, "{valid:?}");

    let first = plan_json(&cli, &file, &[]);
    assert!(actions(&first).iter().all(|(_, _, action)| action == "create"), "{first}");
    assert_eq!(actions(&first).len(), 7);
    let applied = cli.run_env(&["apply", &file], &SECRETS);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert!(applied.stdout.contains("Applied 7 changes"), "{applied:?}");

    // A second apply changes nothing.
    let again = cli.run_env(&["apply", &file], &SECRETS);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("Nothing to change (7 unchanged)"), "{again:?}");
    assert!(actions(&plan_json(&cli, &file, &["--prune"])).iter().all(|(_, _, a)| a == "unchanged"));

    // Resources the file manages say so in the API.
    let monitor = cli.run(&["monitors", "get", "API health", "-o", "json"]).json();
    assert_eq!(monitor["managed"], serde_json::json!({"source": "prod", "key": "api"}));
    let docs = cli.run(&["monitors", "get", "docs", "-o", "json"]).json();
    assert_eq!(docs["headers"]["Authorization"], "Bearer …wxyz", "credentials masked");
    assert!(docs["header_fingerprints"]["Authorization"].is_string(), "{docs}");
    let rule = cli.run(&["rules", "get", "prod"]).json();
    assert_eq!(rule["managed"]["key"], "prod");

    // The export applies back with no change, and holds no secret.
    let exported = cli.run(&["export"]);
    assert_eq!(exported.code, 0, "{exported:?}");
    assert!(!exported.stdout.contains("first") && !exported.stdout.contains("abcdefghijklmnopqrstuvwxyz"), "{}", exported.stdout);
    let export_file = write(&cli, "exported.yaml", &exported.stdout);
    let replan = plan_json(&cli, &export_file, &["--prune"]);
    assert!(actions(&replan).iter().all(|(_, _, a)| a == "unchanged"), "{replan}");
    assert_eq!(actions(&replan).len(), 7);
    let reapply = cli.run(&["apply", &export_file, "--prune"]);
    assert!(reapply.stdout.contains("Nothing to change"), "{reapply:?}");

    // A rename is an update, a new secret is seen through its fingerprint, nothing is shown.
    let changed = FILE.replace("SERVE", &serve.base).replace("name: API health", "name: API health (EU)");
    let file = write(&cli, "prod.yaml", &changed);
    let new_secrets = [("SLACK_URL", "https://hooks.slack.com/services/T1/B2/second"), SECRETS[1]];
    let run = cli.run_env(&["plan", &file, "-o", "json"], &new_secrets);
    let plan = run.json();
    let changes: Vec<_> = actions(&plan).into_iter().filter(|(_, _, a)| a != "unchanged").collect();
    assert_eq!(
        changes,
        [("channel".into(), "alerts".into(), "update".into()), ("monitor".into(), "api".into(), "update".into())],
        "{plan}"
    );
    let text = cli.run_env(&["plan", &file], &new_secrets).stdout;
    assert!(text.contains("name: \"API health\" → \"API health (EU)\""), "{text}");
    assert!(!text.contains("second"), "secrets never shown: {text}");
    let applied = cli.run_env(&["apply", &file], &new_secrets);
    assert!(applied.stdout.contains("Applied 2 changes"), "{applied:?}");
    let monitors = cli.run(&["monitors", "list", "-o", "json"]).json();
    assert_eq!(monitors.as_array().unwrap().len(), 2, "renamed, not replaced: {monitors}");
}

#[test]
fn prune_deletes_only_what_the_file_manages() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);
    let unmanaged = cli.run(&["monitors", "create", "--name", "hand made", "--url", &format!("{}/healthz", serve.base)]);
    assert_eq!(unmanaged.code, 0, "{unmanaged:?}");
    let target = format!("{}/healthz", serve.base);
    let first = write(&cli, "a.yaml", &format!("source: team-a\nmonitors:\n  one: {{url: \"{target}\"}}\n  two: {{url: \"{target}\"}}\n"));
    let other = write(&cli, "b.yaml", &format!("source: team-b\nmonitors:\n  three: {{url: \"{target}\"}}\n"));
    assert_eq!(cli.run(&["apply", &first]).code, 0);
    assert_eq!(cli.run(&["apply", &other]).code, 0);
    assert_eq!(cli.run(&["monitors", "list", "-o", "json"]).json().as_array().unwrap().len(), 4);

    let shrunk = write(&cli, "a.yaml", &format!("source: team-a\nmonitors:\n  one: {{url: \"{target}\"}}\n"));
    let without_prune = cli.run(&["apply", &shrunk]);
    assert!(without_prune.stdout.contains("Nothing to change"), "{without_prune:?}");
    assert_eq!(cli.run(&["monitors", "list", "-o", "json"]).json().as_array().unwrap().len(), 4, "nothing deleted without --prune");
    let plan = cli.run(&["plan", &shrunk]);
    assert!(plan.stdout.contains("two") && plan.stdout.contains("deleted with --prune"), "{plan:?}");

    let pruned = cli.run(&["apply", &shrunk, "--prune"]);
    assert_eq!(pruned.code, 0, "{pruned:?}");
    assert!(pruned.stdout.contains("monitor two deleted"), "{pruned:?}");
    let left: Vec<String> = cli
        .run(&["monitors", "list", "-o", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["hand made", "one", "three"], "the unmanaged monitor and the other file's stay");
}

#[test]
fn validate_reports_every_problem_with_its_line_and_column() {
    let cli = Cli::new();
    let file = write(
        &cli,
        "broken.yaml",
        "monitors:\n  api:\n    url: https://example.com\n    assertions: [\"[STAUS] == 200\"]\n  web:\n    url: https://example.com\n    colour: blue\ntasks:\n  backup: {cron: \"0 25 * * *\"}\nalert_rules:\n  r: {select: {all: true}, channels: [nowhere]}\n",
    );
    let run = cli.run(&["validate", &file]);
    assert_eq!(run.code, 1, "{run:?}");
    for expected in [
        ":4:18: monitors.api.assertions[0]: ",
        ":7:5: monitors.web.colour: ",
        ":9:12: tasks.backup.cron: ",
        ":11:39: alert_rules.r.channels[0]: ",
    ] {
        assert!(run.stderr.contains(expected), "{expected} in\n{}", run.stderr);
    }
    assert!(run.stderr.contains("4 problems"), "{}", run.stderr);
    let json = cli.run(&["validate", &file, "-o", "json"]).json();
    assert_eq!(json["problems"].as_array().unwrap().len(), 4);
    assert_eq!(json["problems"][0]["position"]["line"], 4);
}

#[test]
fn run_records_a_failing_command_with_its_output() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);
    assert_eq!(cli.run(&["tasks", "create", "--name", "nightly", "--period", "3600"]).code, 0);
    let run = cli.run(&["run", "--task", "nightly", "--", "sh", "-c", "echo copying files; echo disk full >&2; exit 7"]);
    assert_eq!(run.code, 7, "the command's status: {run:?}");
    assert!(run.stdout.contains("copying files") && run.stderr.contains("disk full"), "output passed through: {run:?}");
    let runs = cli.run(&["tasks", "runs", "nightly", "-o", "json"]).json();
    let last = &runs[0];
    assert_eq!(last["state"], "failed", "{runs}");
    assert_eq!(last["exit_status"], 7);
    let log = last["log"].as_str().unwrap_or_default();
    assert!(log.contains("copying files") && log.contains("disk full"), "the tail of the output is the run's log: {runs}");
    assert!(last["started_at"].is_string(), "the start was pinged too: {runs}");
    assert_eq!(cli.run(&["tasks", "get", "nightly", "-o", "json"]).json()["status"], "down");

    // With the ping URL alone (no key), and a command that succeeds.
    let url = cli.run(&["tasks", "get", "nightly", "-o", "json"]).json()["ping_url"].as_str().unwrap().to_owned();
    let keyless = Cli::new();
    let ok = keyless.run(&["run", "--ping-url", &url, "--", "true"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    assert_eq!(cli.run(&["tasks", "get", "nightly", "-o", "json"]).json()["status"], "up");
    let missing = keyless.run(&["run", "--ping-url", &url, "--", "/no/such/command"]);
    assert_eq!(missing.code, 127, "{missing:?}");
    let runs = cli.run(&["tasks", "runs", "nightly", "-o", "json"]).json();
    assert!(runs[0]["log"].as_str().unwrap_or_default().contains("cannot start"), "{runs}");
}

#[test]
fn gatus_examples_import_validate_and_apply() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gatus");
    let env = [
        ("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/x"),
        ("DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/1/x"),
        ("PAGERDUTY_KEY", "R0123456789abcdef0123456789abcdef"),
        ("API_DOMAIN", "api.example.net"),
        ("API_TOKEN", "t0k3n-t0k3n-t0k3n-t0k3n"),
    ];
    let mut expectations: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("simple.yaml", vec!["storefront:", "interval_seconds: 120", "[BODY] == pat(*<h1>Welcome</h1>*)"], vec![]),
        (
            "slack.yaml",
            vec!["type: slack", "failure_threshold: 4", "${SLACK_WEBHOOK_URL}", "slack-alerts"],
            vec!["set SLACK_WEBHOOK_URL", "different failure thresholds"],
        ),
        (
            "pagerduty-groups.yaml",
            vec!["type: pagerduty", "${PAGERDUTY_KEY}", "group:payments", "[CERTIFICATE_EXPIRATION] > 72h"],
            vec!["overrides"],
        ),
        (
            "email-and-custom.yaml",
            vec!["type: email", "oncall@example.net", "type: webhook", "len([BODY].queue) < 100"],
            vec!["SMTP server", "signed webhook"],
        ),
        ("maintenance.yaml", vec!["timezone: Europe/Berlin", "duration_minutes: 90", "- tue", "Europe/Lisbon"], vec![]),
        ("external-endpoints.yaml", vec!["tasks:", "period_seconds: 1500", "type: discord"], vec!["ping URL", "set DISCORD_WEBHOOK_URL"]),
        (
            "other-kinds.yaml",
            vec!["site:", "timeout_ms: 4000", "verify_tls: false"],
            vec!["a TCP endpoint", "a DNS endpoint", "an ICMP endpoint", "DOMAIN_EXPIRATION", "dns-resolver", "disabled", "storage"],
        ),
        ("environment.yaml", vec!["https://${API_DOMAIN}/health", "Bearer ${API_TOKEN}"], vec![]),
    ];
    let mut listed: Vec<_> = std::fs::read_dir(&fixtures).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    listed.sort();
    let mut expected_names: Vec<_> = expectations.iter().map(|e| e.0.to_owned()).collect();
    expected_names.sort();
    assert_eq!(listed, expected_names, "every fixture is checked");
    for (name, in_file, in_notes) in expectations.drain(..) {
        let gatus = fixtures.join(name);
        let imported = cli.run(&["import", "gatus", gatus.to_str().unwrap()]);
        assert_eq!(imported.code, 0, "{name}: {imported:?}");
        for needle in in_file {
            assert!(imported.stdout.contains(needle), "{name}: `{needle}` in\n{}", imported.stdout);
        }
        for needle in in_notes {
            assert!(imported.stderr.contains(needle), "{name}: `{needle}` in the notes\n{}", imported.stderr);
        }
        assert!(
            !imported.stdout.contains("notarealsecret") && !imported.stdout.contains("notarealtoken"),
            "{name}: secrets are not written"
        );
        let file = write(&cli, &format!("vigil-{name}"), &imported.stdout);
        let valid = cli.run_env(&["validate", &file], &env);
        assert_eq!(valid.code, 0, "{name} imports as a valid file: {valid:?}\n{}", imported.stdout);
        let applied = cli.run_env(&["apply", &file], &env);
        assert_eq!(applied.code, 0, "{name}: {applied:?}");
        let again = cli.run_env(&["apply", &file], &env);
        assert!(again.stdout.contains("Nothing to change"), "{name}: {again:?}");
    }
}

#[test]
fn every_command_has_help_with_examples_and_completions_exist() {
    let cli = Cli::new();
    let commands: &[&[&str]] = &[
        &["serve"],
        &["login"],
        &["status"],
        &["run"],
        &["validate"],
        &["plan"],
        &["apply"],
        &["export"],
        &["schema"],
        &["completions"],
        &["import", "gatus"],
        &["monitors", "list"],
        &["monitors", "create"],
        &["monitors", "mute"],
        &["tasks", "create"],
        &["incidents", "list"],
        &["incidents", "ack"],
        &["channels", "create"],
        &["rules", "create"],
        &["windows", "create"],
        &["hosts", "enrol"],
        &["hosts", "run"],
        &["host-rules", "create"],
        &["status-pages", "create"],
        &["status-pages", "post"],
        &["status-pages", "component", "add"],
        &["status-pages", "subscribe"],
        &["badges", "create"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let help = cli.run(&args);
        assert_eq!(help.code, 0, "{command:?}");
        assert!(help.stdout.contains("Example"), "{command:?} --help has examples:\n{}", help.stdout);
    }
    for shell in ["bash", "zsh", "fish"] {
        let script = cli.run(&["completions", shell]);
        assert_eq!(script.code, 0);
        assert!(script.stdout.contains("monitors") && script.stdout.contains("vigil"), "{shell}");
    }
    let schema = cli.run(&["schema"]).json();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn serve_applies_its_config_file_at_start_and_on_change_keeping_the_last_good_state() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("watched.yaml");
    std::fs::write(&file, "monitors:\n  health:\n    url: http://127.0.0.1:9/a\ntasks:\n  sync: {period_seconds: 300}\n").unwrap();
    let serve = Serve::start(&["--config", file.to_str().unwrap()]);
    let cli = Cli::new();
    cli.login(&serve);
    let names = |kind: &str| -> Vec<String> {
        let listed = cli.run(&[kind, "list", "-o", "json"]).json();
        let mut names: Vec<String> = listed.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(names("monitors"), ["health"], "applied before serving");
    assert_eq!(cli.run(&["monitors", "get", "health", "-o", "json"]).json()["managed"]["source"], "watched");

    std::fs::write(&file, "monitors:\n  health: {url: ftp://nowhere}\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(names("monitors"), ["health"], "an invalid file changes nothing");
    assert_eq!(names("tasks"), ["sync"]);
    assert_eq!(cli.run(&["monitors", "get", "health", "-o", "json"]).json()["url"], "http://127.0.0.1:9/a");

    std::fs::write(&file, "monitors:\n  health: {url: \"http://127.0.0.1:9/b\"}\n  second: {url: \"http://127.0.0.1:9/c\"}\n").unwrap();
    assert!(eventually(10, || names("monitors") == ["health", "second"]), "{:?}", names("monitors"));
    assert_eq!(cli.run(&["monitors", "get", "health", "-o", "json"]).json()["url"], "http://127.0.0.1:9/b");
    assert!(names("tasks").is_empty(), "what the file dropped is pruned");
}

#[test]
fn a_status_page_is_made_fed_posted_on_and_badged_from_the_command_line() {
    let serve = Serve::start(&[]);
    let cli = Cli::new();
    cli.login(&serve);
    let monitor = cli.run(&["monitors", "create", "--name", "api", "--url", &format!("{}/healthz", serve.base)]);
    assert_eq!(monitor.code, 0, "{monitor:?}");

    let made = cli.run(&["status-pages", "create", "--name", "Acme status", "--slug", "acme", "--time-zone", "Europe/Paris"]);
    assert_eq!(made.code, 0, "{made:?}");
    assert!(made.stdout.contains(&format!("{}/status/acme", serve.base)), "says where readers find it: {made:?}");
    let group = cli.run(&["pages", "component", "add", "acme", "Backend", "--group"]);
    assert_eq!(group.code, 0, "{group:?}");
    let api = cli.run(&["status-pages", "component", "add", "acme", "API", "--in", "Backend", "--monitor", "api"]);
    assert_eq!(api.code, 0, "{api:?}");
    let page = cli.run(&["status-pages", "get", "acme", "-o", "json"]).json();
    let components = page["page"]["components"].as_array().expect("components");
    assert_eq!(components.len(), 2);
    assert_eq!(components[1]["group_id"], components[0]["id"], "API sits in Backend");
    assert_eq!(components[1]["sources"]["monitors"].as_array().map(Vec::len), Some(1), "fed by the monitor");
    let shown = cli.run(&["status-pages", "get", "acme"]);
    assert!(shown.stdout.contains("monitor api") && shown.stdout.contains("group: shows its worst component"), "{shown:?}");

    let unknown = cli.run(&["status-pages", "component", "add", "acme", "Web", "--monitor", "nope"]);
    assert_eq!(unknown.code, 3, "an unknown monitor is not found: {unknown:?}");
    let bad_pair = cli.run(&["status-pages", "post", "acme", "--title", "x", "--body", "y", "--affects", "API"]);
    assert_eq!(bad_pair.code, 2, "{bad_pair:?}");
    assert!(bad_pair.stderr.contains("COMPONENT=STATE"), "{bad_pair:?}");

    let posted = cli.run(&[
        "status-pages",
        "post",
        "acme",
        "--title",
        "Slow logins",
        "--body",
        "We are looking into it.",
        "--affects",
        "API=degraded_performance",
    ]);
    assert_eq!(posted.code, 0, "{posted:?}");
    assert!(posted.stdout.contains("Posted `Slow logins` (investigating)"), "{posted:?}");
    let summary: serde_json::Value = serde_json::from_str(&fetch(&format!("{}/status/acme/api/v2/summary.json", serve.base)).1).unwrap();
    assert_eq!(summary["incidents"][0]["name"], "Slow logins", "readers see it");
    assert_eq!(summary["components"].as_array().unwrap().iter().find(|c| c["name"] == "API").unwrap()["status"], "degraded_performance");

    let resolved = cli.run(&["status-pages", "update", "acme", "Slow logins", "--status", "resolved", "--body", "Fixed."]);
    assert_eq!(resolved.code, 0, "{resolved:?}");
    let again = cli.run(&["status-pages", "update", "acme", "Slow logins", "--status", "monitoring", "--body", "x"]);
    assert_eq!(again.code, 1, "a resolved incident takes no more updates: {again:?}");
    let listed = cli.run(&["status-pages", "incidents", "acme", "-o", "json"]).json();
    assert_eq!(listed[0]["status"], "resolved");
    assert_eq!(listed[0]["updates"].as_array().map(Vec::len), Some(2));

    let hand = cli.run(&["status-pages", "component", "set", "acme", "API", "--state", "under_maintenance"]);
    assert_eq!(hand.code, 0, "{hand:?}");
    let shown = cli.run(&["status-pages", "get", "acme"]);
    assert!(shown.stdout.contains("under_maintenance"), "{shown:?}");

    let hook = cli.run(&["status-pages", "subscribe", "acme", "--webhook", "https://hooks.example.com/status", "--component", "API"]);
    assert_eq!(hook.code, 0, "{hook:?}");
    assert!(hook.stdout.contains("whsec_"), "the secret is shown once: {hook:?}");
    let subscribers = cli.run(&["status-pages", "subscribers", "acme"]);
    assert!(subscribers.stdout.contains("hooks.example.com") && !subscribers.stdout.contains("whsec_"), "{subscribers:?}");
    let gone = cli.run(&["status-pages", "unsubscribe", "acme", "https://hooks.example.com/status"]);
    assert_eq!(gone.code, 0, "{gone:?}");
    assert_eq!(cli.run(&["status-pages", "subscribers", "acme", "-o", "json"]).json(), serde_json::json!([]));

    let badge = cli.run(&["badges", "create", "--component", "acme/API", "--label", "API"]);
    assert_eq!(badge.code, 0, "{badge:?}");
    let svg_url = badge.stdout.lines().find_map(|l| l.trim().strip_prefix("status    ")).expect("the SVG address").to_owned();
    assert!(!svg_url.contains(&components[1]["id"].as_str().unwrap()[..8]), "no component id in the address");
    let (_, svg) = fetch(&svg_url);
    assert!(svg.starts_with("<svg") && svg.contains("maintenance"), "{svg}");
    let deleted = cli.run(&["badges", "delete", "API"]);
    assert_eq!(deleted.code, 0, "{deleted:?}");
    assert_eq!(fetch(&svg_url).0, 404);

    echo_password_page(&cli, &serve);
    let removed = cli.run(&["status-pages", "delete", "acme"]);
    assert_eq!(removed.code, 0, "{removed:?}");
    assert_eq!(cli.run(&["status-pages", "get", "acme"]).code, 3);
}

/// The status and body of a GET of `url`, as a reader's browser or a feed reader sends it.
fn fetch(url: &str) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let answer = reqwest::get(url).await.expect("an answer");
        (answer.status().as_u16(), answer.text().await.expect("a body"))
    })
}

/// A password page made with the password on standard input refuses anonymous readers.
fn echo_password_page(cli: &Cli, serve: &Serve) {
    let made =
        cli.run_input(&["status-pages", "create", "--name", "Staff", "--slug", "staff", "--access", "password"], "correct horse battery\n");
    assert_eq!(made.code, 0, "{made:?}");
    assert_eq!(fetch(&format!("{}/status/staff/api/v2/summary.json", serve.base)).0, 401);
    let short = cli.run_input(&["status-pages", "set", "staff", "--access", "password"], "short\n");
    assert_eq!(short.code, 1, "a short password is refused: {short:?}");
    assert!(short.stderr.contains("password"), "{short:?}");
}
