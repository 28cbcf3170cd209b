use super::{at, sample};
use crate::agent::action::*;
use crate::agent::credential::*;
use crate::agent::protocol::*;
use crate::ids::{ActionRequestId, AgentId};
use std::collections::BTreeSet;
use uuid::Uuid;

fn agent() -> AgentId {
    AgentId::from_uuid(Uuid::from_u128(7))
}

fn host() -> HostInfo {
    HostInfo {
        hostname: "web-1".into(),
        os: "Debian GNU/Linux 12".into(),
        kernel: "6.1.0".into(),
        arch: "x86_64".into(),
        cpu_cores: 2,
        agent_version: "0.1.0".into(),
    }
}

fn request() -> ActionRequest {
    ActionRequest {
        id: ActionRequestId::from_uuid(Uuid::from_u128(8)),
        agent_id: agent(),
        action: ActionName::parse("restart-api").unwrap(),
        issued_at: at(0),
        expires_at: at(60),
        nonce: "bm9uY2U".into(),
    }
}

fn every_agent_message() -> Vec<AgentMessage> {
    let mut no_nan = sample();
    no_nan.network.clear();
    vec![
        AgentMessage::Enrol(Enrol { token: EnrolmentToken::from_random([1; 32]), host: host() }),
        AgentMessage::Hello(Hello {
            agent_id: agent(),
            secret: AgentSecret::from_random([2; 32]),
            host: host(),
            previous_disconnect: Some(DisconnectNote {
                at: at(5),
                reason: DisconnectReason::ConnectionLost,
                detail: Some("connection reset".into()),
            }),
        }),
        AgentMessage::Samples(SampleBatch { seq: 42, dropped_total: 3, samples: vec![no_nan] }),
        AgentMessage::ActionResult(ActionResult {
            request_id: request().id,
            action: request().action,
            started_at: at(1),
            duration_ms: 1200,
            exit_code: Some(0),
            timed_out: false,
            output_tail: "done\n".into(),
            output_dropped_bytes: 0,
        }),
        AgentMessage::ActionRefused(ActionRefusal { request_id: request().id, action: request().action, reason: Refusal::NotAllowed }),
        AgentMessage::Heartbeat(Heartbeat { at: at(9) }),
        AgentMessage::Goodbye(Goodbye { reason: DisconnectReason::AgentStopping, detail: None }),
    ]
}

fn every_server_message() -> Vec<ServerMessage> {
    vec![
        ServerMessage::Enrolled(Enrolled { agent_id: agent(), secret: AgentSecret::from_random([2; 32]) }),
        ServerMessage::Welcome(Welcome { agent_id: agent(), acked_through: Some(41) }),
        ServerMessage::Ack(Ack { through: 42 }),
        ServerMessage::Action(request().sign(&AgentSecret::from_random([2; 32]).action_key())),
        ServerMessage::Heartbeat(Heartbeat { at: at(9) }),
        ServerMessage::Goodbye(Goodbye { reason: DisconnectReason::CredentialRevoked, detail: Some("revoked by ann".into()) }),
    ]
}

fn kind_of(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text).unwrap()["type"].as_str().unwrap().to_owned()
}

#[test]
fn every_message_round_trips_and_the_kind_lists_are_exact() {
    let mut kinds = BTreeSet::new();
    for message in every_agent_message() {
        let text = message.encode();
        assert_eq!(AgentMessage::decode(&text), Ok(message), "{text}");
        kinds.insert(kind_of(&text));
    }
    assert_eq!(kinds, AgentMessage::KINDS.iter().map(|k| k.to_string()).collect());
    let mut kinds = BTreeSet::new();
    for message in every_server_message() {
        let text = message.encode();
        assert_eq!(ServerMessage::decode(&text), Ok(message), "{text}");
        kinds.insert(kind_of(&text));
    }
    assert_eq!(kinds, ServerMessage::KINDS.iter().map(|k| k.to_string()).collect());
}

#[test]
fn the_wire_form_is_versioned_and_tagged() {
    let text = ServerMessage::Ack(Ack { through: 42 }).encode();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value, serde_json::json!({"v": 1, "type": "ack", "body": {"through": 42}}));
    let decoded = ServerMessage::decode(r#"{"body":{"through":7},"type":"ack","v":1}"#);
    assert_eq!(decoded, Ok(ServerMessage::Ack(Ack { through: 7 })), "field order does not matter");
}

#[test]
fn refusals_say_what_is_wrong() {
    let big = format!(r#"{{"v":1,"type":"heartbeat","body":{{"at":"{}"}}}}"#, " ".repeat(MAX_MESSAGE_BYTES));
    let too_large = format!("the message is {} bytes; the most is 4194304", big.len());
    let cases: Vec<(&str, String, &str)> = vec![
        ("not JSON", "hello".into(), "the message is not a JSON object: expected value at line 1 column 1"),
        ("an array", "[1]".into(), "the message is not a JSON object: it is another JSON value"),
        ("no version", r#"{"type":"heartbeat","body":{"at":"2027-01-15T08:00:00Z"}}"#.into(), "the message has no version: it needs \"v\": 1"),
        ("a text version", r#"{"v":"1","type":"ack","body":{"through":1}}"#.into(), "the message has no version: it needs \"v\": 1"),
        (
            "a newer version",
            r#"{"v":2,"type":"ack","body":{"through":1}}"#.into(),
            "protocol version 2 is not supported; this side speaks version 1",
        ),
        (
            "a newer version with a new kind",
            r#"{"v":2,"type":"teleport"}"#.into(),
            "protocol version 2 is not supported; this side speaks version 1",
        ),
        ("version 0", r#"{"v":0,"type":"ack","body":{"through":1}}"#.into(), "protocol version 0 is not supported; this side speaks version 1"),
        ("no type", r#"{"v":1,"body":{}}"#.into(), "the message has no \"type\""),
        ("a numeric type", r#"{"v":1,"type":3}"#.into(), "the message has no \"type\""),
        (
            "an unknown kind",
            r#"{"v":1,"type":"run_shell","body":{"command":"rm -rf /"}}"#.into(),
            "unknown message type \"run_shell\" from the server; expected one of enrolled, welcome, ack, action, heartbeat, goodbye",
        ),
        (
            "an agent's kind from the server",
            r#"{"v":1,"type":"samples","body":{"seq":1,"dropped_total":0,"samples":[]}}"#.into(),
            "unknown message type \"samples\" from the server; expected one of enrolled, welcome, ack, action, heartbeat, goodbye",
        ),
        ("an extra top-level field", r#"{"v":1,"type":"ack","body":{"through":1},"command":"ls"}"#.into(), "unexpected field \"command\" beside v, type and body"),
        ("a missing body field", r#"{"v":1,"type":"ack","body":{}}"#.into(), "invalid ack message at body: missing field `through`"),
        ("an extra body field", r#"{"v":1,"type":"ack","body":{"through":1,"and":2}}"#.into(), "invalid ack message at body.and: unknown field `and`, expected `through`"),
        ("a negative ack", r#"{"v":1,"type":"ack","body":{"through":-1}}"#.into(), "invalid ack message at body.through: invalid value: integer `-1`, expected u64"),
        (
            "a command smuggled into an action",
            r#"{"v":1,"type":"action","body":{"request":{"id":"00000000-0000-0000-0000-000000000008","agent_id":"00000000-0000-0000-0000-000000000007","action":"rm -rf /","issued_at":"2027-01-15T08:00:00Z","expires_at":"2027-01-15T08:01:00Z","nonce":"x"},"signature":""}}"#.into(),
            "invalid action message at body.request.action: an action name is 1 to 64 of a-z, 0-9, '-', '_' and '.', starting with a letter or a digit; \"rm -rf /\" is not",
        ),
        ("too large", big.clone(), &too_large),
    ];
    for (name, text, expected) in cases {
        let error = ServerMessage::decode(&text).expect_err(name);
        assert_eq!(error.to_string(), expected, "{name}");
    }
}

#[test]
fn agent_side_refusals() {
    let cases = [
        (r#"{"v":1,"type":"ack","body":{"through":1}}"#, "unknown message type \"ack\" from an agent"),
        (
            r#"{"v":1,"type":"enrol","body":{"token":"vet_short","host":{"hostname":"a","os":"b","kernel":"c","arch":"d","cpu_cores":1,"agent_version":"e"}}}"#,
            "invalid enrol message at body.token: an enrolment token must be vet_",
        ),
        (
            r#"{"v":1,"type":"enrol","body":{"token":"vet_short","host":{}}}"#,
            "invalid enrol message at body.host: missing field `hostname`",
        ),
        (
            r#"{"v":1,"type":"samples","body":{"seq":1,"dropped_total":0,"samples":[{"at":"2027-01-15T08:00:00Z","uptime_seconds":1}]}}"#,
            "invalid samples message at body.samples[0]: missing field `memory`",
        ),
    ];
    for (text, expected) in cases {
        let error = AgentMessage::decode(text).expect_err(text).to_string();
        assert!(error.starts_with(expected), "{error}");
    }
}

#[test]
fn secrets_stay_out_of_debug_output() {
    for message in every_agent_message().iter().map(|m| format!("{m:?}")).chain(every_server_message().iter().map(|m| format!("{m:?}"))) {
        assert!(!message.contains("vas_") && !message.contains("vet_"), "{message}");
    }
}
