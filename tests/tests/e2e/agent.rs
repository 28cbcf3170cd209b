//! The agent against a small WebSocket server on loopback (tests/src/agent_server.rs): it
//! enrols with its one-time token and keeps its credential private, streams batches, and when
//! the server goes away and comes back, sends the backlog in order with no gap, or, beyond its
//! bound, with the gap counted; action requests through the link are verified, run or refused.

use std::path::Path;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use vigil_agent::config::Config;
use vigil_agent::link::Timings;
use vigil_domain::agent::protocol::{AgentMessage, DisconnectReason, SampleBatch, ServerMessage};
use vigil_domain::agent::{ActionName, ActionRequest, AgentSecret, EnrolmentToken, Refusal};
use vigil_domain::ids::{ActionRequestId, AgentId};
use vigil_tests::agent_server::{AgentServer, Seen};

const WAIT: Duration = Duration::from_secs(20);

fn agent_id() -> AgentId {
    AgentId::from_uuid(uuid::Uuid::from_u128(0xa9e47))
}

fn secret() -> AgentSecret {
    AgentSecret::from_random([42; 32])
}

fn token() -> EnrolmentToken {
    EnrolmentToken::from_random([7; 32])
}

struct RunningAgent {
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
    state_dir: std::path::PathBuf,
}

fn fast() -> Timings {
    Timings {
        heartbeat: Duration::from_millis(500),
        silence: Duration::from_secs(5),
        first_retry: Duration::from_millis(100),
        most_retry: Duration::from_millis(400),
    }
}

/// The agent, configured by a file as an operator would, sampling every second.
fn start_agent(server: &AgentServer, extra: &str) -> RunningAgent {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let state_dir = dir.path().join("state");
    let text = format!(
        "server = \"{}\"\nenrolment_token = \"{}\"\nstate_dir = \"{}\"\ninterval_seconds = 1\ndocker_socket = \"\"\n{extra}",
        server.url(),
        token().expose(),
        state_dir.display()
    );
    let path = dir.path().join("agent.toml");
    std::fs::write(&path, text).expect("the config");
    let config = Config::load(Some(&path), &|_| None, None).expect("a valid config");
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(vigil_agent::agent::run(config, fast(), stopped));
    RunningAgent { stop, task, _dir: dir, state_dir }
}

/// Messages until `done` says enough, failing after `WAIT`.
async fn until(server: &mut AgentServer, mut done: impl FnMut(&Seen) -> bool) -> Vec<Seen> {
    let mut seen = Vec::new();
    loop {
        let next = server.next(WAIT).await.unwrap_or_else(|| panic!("nothing more from the agent; seen: {seen:#?}"));
        let stop = done(&next);
        seen.push(next);
        if stop {
            return seen;
        }
    }
}

fn batches(seen: &[Seen]) -> Vec<(u64, SampleBatch)> {
    seen.iter()
        .filter_map(|s| match s {
            Seen::Message(connection, AgentMessage::Samples(batch)) => Some((*connection, batch.clone())),
            _ => None,
        })
        .collect()
}

fn is_batch(s: &Seen, seq: u64) -> bool {
    matches!(s, Seen::Message(_, AgentMessage::Samples(b)) if b.seq >= seq)
}

#[tokio::test]
async fn enrols_streams_and_sends_the_backlog_in_order_after_an_outage() {
    let mut server = AgentServer::start(token(), agent_id(), secret()).await;
    let agent = start_agent(&server, "");

    let first = until(&mut server, |s| is_batch(s, 2)).await;
    assert!(matches!(&first[0], Seen::Connected(1)), "{first:?}");
    match &first[1] {
        Seen::Message(1, AgentMessage::Enrol(enrol)) => {
            assert_eq!(enrol.token, token());
            assert!(!enrol.host.hostname.is_empty() && enrol.host.cpu_cores > 0, "{:?}", enrol.host);
        }
        other => panic!("expected the enrolment, got {other:?}"),
    }
    let credential = vigil_agent::credential::load(&agent.state_dir).expect("readable").expect("stored");
    assert_eq!((credential.agent_id, credential.secret), (agent_id(), secret()));
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(vigil_agent::credential::path(&agent.state_dir)).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the credential file is private");

    // The server goes away for a few intervals, then comes back on the same port.
    server.stop();
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    server.restart().await;
    let last_before = batches(&first).last().map(|(_, b)| b.seq).unwrap();
    let again = until(&mut server, |s| is_batch(s, last_before + 5)).await;
    let hello = again.iter().find_map(|s| match s {
        Seen::Message(_, AgentMessage::Hello(hello)) => Some(hello.clone()),
        _ => None,
    });
    let hello = hello.expect("the agent says hello with its credential");
    assert_eq!((hello.agent_id, hello.secret), (agent_id(), secret()));
    assert_eq!(hello.previous_disconnect.map(|n| n.reason), Some(DisconnectReason::ConnectionLost));
    assert!(!again.iter().any(|s| matches!(s, Seen::Message(_, AgentMessage::Enrol(_)))), "no second enrolment");

    // Every batch exactly once in order across both connections (a batch sent but not
    // acknowledged before the outage may come again, and only in order).
    let all: Vec<(u64, SampleBatch)> = batches(&first).into_iter().chain(batches(&again)).collect();
    let mut delivered: Vec<u64> = Vec::new();
    for (_, batch) in &all {
        if delivered.last().is_some_and(|last| batch.seq <= *last) {
            assert!(delivered.contains(&batch.seq), "a batch out of order: {:?}", all.iter().map(|(c, b)| (c, b.seq)).collect::<Vec<_>>());
            continue;
        }
        delivered.push(batch.seq);
    }
    let expected: Vec<u64> = (1..=delivered.len() as u64).collect();
    assert_eq!(delivered, expected, "no gap");
    assert!(all.iter().all(|(_, b)| b.dropped_total == 0));
    let during_outage = batches(&again).iter().filter(|(_, b)| b.seq > last_before).count();
    assert!(during_outage >= 3, "the samples taken while the server was away arrive: {during_outage}");
    let times: Vec<_> = all.iter().flat_map(|(_, b)| b.samples.iter().map(|s| s.at)).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "samples in time order");

    // Stopping: a goodbye that says so.
    agent.stop.send(true).unwrap();
    let end = until(&mut server, |s| matches!(s, Seen::Disconnected(_))).await;
    assert!(
        end.iter().any(|s| matches!(s, Seen::Message(_, AgentMessage::Goodbye(g)) if g.reason == DisconnectReason::AgentStopping)),
        "{end:?}"
    );
    agent.task.await.unwrap().expect("a clean stop");
}

#[tokio::test]
async fn beyond_its_bound_the_backlog_drops_the_oldest_and_says_how_many() {
    let mut server = AgentServer::start(token(), agent_id(), secret()).await;
    let agent = start_agent(&server, "buffer_max_batches = 2\n");
    let first = until(&mut server, |s| is_batch(s, 1)).await;
    let last_before = batches(&first).last().unwrap().1.seq;
    server.stop();
    tokio::time::sleep(Duration::from_millis(5_500)).await;
    server.restart().await;
    let again = until(&mut server, |s| matches!(s, Seen::Message(_, AgentMessage::Samples(b)) if b.dropped_total > 0)).await;
    let after = batches(&again);
    let (_, first_after) = after.iter().find(|(_, b)| b.seq > last_before).expect("a batch after the outage");
    let gap = first_after.seq - last_before - 1;
    assert!(gap >= 2, "several batches were taken while away: {gap}");
    assert_eq!(first_after.dropped_total, gap, "the gap is exactly what was dropped");
    agent.stop.send(true).unwrap();
    agent.task.await.unwrap().expect("a clean stop");
}

fn request(action: &str, expires_in: i64) -> ActionRequest {
    let now = jiff::Timestamp::now();
    ActionRequest {
        id: ActionRequestId::from_uuid(uuid::Uuid::now_v7()),
        agent_id: agent_id(),
        action: ActionName::parse(action).unwrap(),
        issued_at: now,
        expires_at: now + jiff::SignedDuration::from_secs(expires_in),
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    }
}

#[tokio::test]
async fn action_requests_through_the_link_are_checked_run_or_refused() {
    let echo = Path::new("/bin/echo");
    let mut server = AgentServer::start(token(), agent_id(), secret()).await;
    let agent = start_agent(
        &server,
        &format!("[actions]\nenabled = true\n[[actions.allow]]\nname = \"say-hi\"\nprogram = \"{}\"\nargs = [\"hi\"]\n", echo.display()),
    );
    until(&mut server, |s| is_batch(s, 1)).await;
    let key = secret().action_key();
    let allowed = request("say-hi", 60).sign(&key);
    let unknown = request("reboot", 60).sign(&key);
    let forged = request("say-hi", 60).sign(&AgentSecret::from_random([1; 32]).action_key());
    let expired = request("say-hi", -1).sign(&key);
    for signed in [&allowed, &unknown, &forged, &expired, &allowed] {
        assert!(server.send(ServerMessage::Action(signed.clone())));
    }
    let mut outcomes = Vec::new();
    until(&mut server, |s| {
        if let Seen::Message(_, m @ (AgentMessage::ActionResult(_) | AgentMessage::ActionRefused(_))) = s {
            outcomes.push(m.clone());
        }
        outcomes.len() == 5
    })
    .await;
    let refusal = |signed: &vigil_domain::agent::SignedActionRequest, occurrence: usize| {
        outcomes
            .iter()
            .filter_map(|m| match m {
                AgentMessage::ActionRefused(r) if r.request_id == signed.request.id => Some(r.reason),
                _ => None,
            })
            .nth(occurrence)
    };
    assert_eq!(refusal(&unknown, 0), Some(Refusal::NotAllowed));
    assert_eq!(refusal(&forged, 0), Some(Refusal::BadSignature));
    assert_eq!(refusal(&expired, 0), Some(Refusal::Expired));
    assert_eq!(refusal(&allowed, 0), Some(Refusal::Replayed), "the same request twice runs once");
    let result = outcomes.iter().find_map(|m| match m {
        AgentMessage::ActionResult(r) if r.request_id == allowed.request.id => Some(r.clone()),
        _ => None,
    });
    let result = result.expect("the allowed action ran");
    assert_eq!((result.exit_code, result.timed_out, result.output_tail.as_str()), (Some(0), false, "hi\n"));
    agent.stop.send(true).unwrap();
    agent.task.await.unwrap().expect("a clean stop");
}
