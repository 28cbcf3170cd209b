//! Remote actions on the agent: the order of the checks (signature first), the allowlist,
//! the switch, the slots, and a real program's exit code, timeout (its whole process group
//! killed), output cap and environment; nothing that names the agent itself runs.

use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;
use std::time::Duration;
use vigil_agent::actions::Actions;
use vigil_agent::config::{ActionKind, ActionsConfig, AllowedAction};
use vigil_agent::docker::identity::SelfIdentity;
use vigil_domain::agent::protocol::AgentMessage;
use vigil_domain::agent::{ActionName, ActionRequest, ActionResult, AgentSecret, Refusal, SignedActionRequest};
use vigil_domain::ids::{ActionRequestId, AgentId};

fn agent() -> AgentId {
    AgentId::from_uuid(uuid::Uuid::from_u128(77))
}

fn secret() -> AgentSecret {
    AgentSecret::from_random([8; 32])
}

fn program(name: &str, program: &str, args: &[&str], timeout_ms: u64, cap: usize) -> AllowedAction {
    AllowedAction {
        name: ActionName::parse(name).unwrap(),
        kind: ActionKind::Program { program: PathBuf::from(program), args: args.iter().map(|a| a.to_string()).collect() },
        timeout: Duration::from_millis(timeout_ms),
        output_cap_bytes: cap,
    }
}

fn actions(enabled: bool, max_running: usize, allow: Vec<AllowedAction>) -> Actions {
    let me = SelfIdentity { pid: std::process::id(), exe: None, systemd_unit: Some("vigil-agent.service".into()), container_id: None };
    Actions::new(ActionsConfig { enabled, max_running, allow }, me, None)
}

fn signed(action: &str) -> SignedActionRequest {
    let now = Timestamp::now();
    ActionRequest {
        id: ActionRequestId::from_uuid(uuid::Uuid::now_v7()),
        agent_id: agent(),
        action: ActionName::parse(action).unwrap(),
        issued_at: now,
        expires_at: now + SignedDuration::from_secs(60),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    }
    .sign(&secret().action_key())
}

async fn run(actions: &mut Actions, action: &str) -> Result<ActionResult, Refusal> {
    let admitted = actions.admit(&signed(action), agent(), &secret().action_key(), Timestamp::now()).map_err(|r| r.reason)?;
    match actions.runner().run(admitted).await {
        AgentMessage::ActionResult(result) => Ok(result),
        AgentMessage::ActionRefused(refusal) => Err(refusal.reason),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn the_signature_is_checked_before_anything_else() {
    let mut off = actions(false, 1, vec![]);
    let forged = {
        let mut s = signed("anything");
        s.signature = signed("other").signature;
        s
    };
    let refusal = off.admit(&forged, agent(), &secret().action_key(), Timestamp::now()).unwrap_err();
    assert_eq!(refusal.reason, Refusal::BadSignature, "even with actions off, a forged request learns nothing more");
    let expired = off.admit(&signed("anything"), agent(), &secret().action_key(), Timestamp::now() + SignedDuration::from_secs(61));
    assert_eq!(expired.unwrap_err().reason, Refusal::Expired);
    assert_eq!(
        off.admit(&signed("anything"), agent(), &secret().action_key(), Timestamp::now()).unwrap_err().reason,
        Refusal::ActionsDisabled
    );
}

#[tokio::test]
async fn only_allowed_names_run_and_each_request_once() {
    let mut on = actions(true, 1, vec![program("say-hi", "/bin/echo", &["hi"], 5_000, 1024)]);
    assert_eq!(run(&mut on, "rm-rf").await.unwrap_err(), Refusal::NotAllowed);
    let request = signed("say-hi");
    let first = on.admit(&request, agent(), &secret().action_key(), Timestamp::now()).expect("admitted");
    assert_eq!(
        on.admit(&signed("say-hi"), agent(), &secret().action_key(), Timestamp::now()).unwrap_err().reason,
        Refusal::Busy,
        "one slot, taken"
    );
    assert_eq!(on.admit(&request, agent(), &secret().action_key(), Timestamp::now()).unwrap_err().reason, Refusal::Replayed);
    let AgentMessage::ActionResult(result) = on.runner().run(first).await else { panic!("a result") };
    assert_eq!((result.exit_code, result.output_tail.as_str(), result.timed_out), (Some(0), "hi\n", false));
    assert!(run(&mut on, "say-hi").await.is_ok(), "the slot is free again once the action finished");
}

#[tokio::test]
async fn exit_codes_and_a_clean_environment() {
    let mut on = actions(
        true,
        2,
        vec![
            program("fail", "/bin/false", &[], 5_000, 1024),
            program("env", "/usr/bin/env", &[], 5_000, 4096),
            program("missing", "/nonexistent/x", &[], 5_000, 1024),
        ],
    );
    assert_eq!(run(&mut on, "fail").await.unwrap().exit_code, Some(1));
    let env = run(&mut on, "env").await.unwrap();
    let mut lines: Vec<&str> = env.output_tail.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        vec!["LANG=C.UTF-8", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "nothing of the agent's environment leaks"
    );
    let missing = run(&mut on, "missing").await.unwrap();
    assert_eq!(missing.exit_code, None);
    assert!(missing.output_tail.starts_with("could not start /nonexistent/x"), "{}", missing.output_tail);
}

#[tokio::test]
async fn output_beyond_the_cap_keeps_its_end() {
    let mut on = actions(true, 1, vec![program("count", "/usr/bin/seq", &["1", "100000"], 10_000, 100)]);
    let result = run(&mut on, "count").await.unwrap();
    let full: String = (1..=100_000).map(|i| format!("{i}\n")).collect();
    assert_eq!(result.output_tail, full[full.len() - 100..]);
    assert_eq!(result.output_dropped_bytes, (full.len() - 100) as u64);
    assert!(result.output_tail.ends_with("99999\n100000\n"));
}

#[tokio::test]
async fn a_timeout_kills_the_program_and_what_it_started() {
    // The shell prints its background child's pid, then waits on it.
    let mut on = actions(true, 1, vec![program("hang", "/bin/sh", &["-c", "sleep 30 & echo $!; wait"], 1_000, 1024)]);
    let result = run(&mut on, "hang").await.unwrap();
    assert!(result.timed_out);
    assert_eq!(result.exit_code, None, "killed by a signal");
    assert!(result.duration_ms >= 1_000 && result.duration_ms < 5_000, "{}", result.duration_ms);
    let child: u32 = result.output_tail.trim().parse().expect("the background pid");
    let mut gone = false;
    for _ in 0..50 {
        let state = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
        // Gone, or a zombie waiting for a parent that is gone too.
        if state.is_empty() || state.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')) {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the background sleep {child} was killed with its group");
}

#[tokio::test]
async fn nothing_that_names_the_agent_runs() {
    let pid = std::process::id().to_string();
    let mut on = actions(
        true,
        2,
        vec![
            program("kill-me", "/bin/kill", &["-9", &pid], 5_000, 1024),
            program("stop-me", "/bin/echo", &["stop", "vigil-agent"], 5_000, 1024),
            program("stop-my-unit", "/bin/echo", &["stop", "vigil-agent.service"], 5_000, 1024),
        ],
    );
    for name in ["kill-me", "stop-me", "stop-my-unit"] {
        assert_eq!(run(&mut on, name).await.unwrap_err(), Refusal::ActsOnItself, "{name}");
    }
}
