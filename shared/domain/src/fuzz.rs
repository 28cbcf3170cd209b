//! Fuzz targets for everything that reads text from outside: assertion conditions, cron
//! expressions, ping paths and their query, monitor and task bodies, and the event messages the
//! functions decode, and the agent protocol's messages. None may panic or hang on any input.
//!
//! They run under `cargo test` for a bounded time (`VIGIL_FUZZ_SECONDS` per target, 2 by
//! default) on random `arbitrary` inputs, half spelled from each grammar's tokens so that they
//! reach past the first character. A failure prints the seed that reproduces it (arbtest); the
//! input that crashed becomes a row of `REGRESSIONS` in [`crate::fuzzing`].

use crate::assertion::Assertion;
use crate::events::DomainEvent;
use crate::heartbeat::cron::CronExpr;
use crate::heartbeat::ping::{PingPath, run_id_from_query};
use crate::heartbeat::spec::{TaskDraft, TaskSpec};
use crate::monitor::{HttpMonitorSpec, MonitorDraft};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::fuzzing::{JSON_PUNCTUATION, fuzz, with};

const ASSERTION_TOKENS: &[&str] = &[
    "[STATUS]",
    "[BODY]",
    "[HEADER]",
    "[RESPONSE_TIME]",
    "[CERTIFICATE_EXPIRATION]",
    "[IP]",
    "[CONNECTED]",
    ".",
    "[0]",
    "[99]",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "len(",
    "has(",
    "pat(",
    "any(",
    "(",
    ")",
    ",",
    "\"",
    "\\",
    "*",
    "200",
    "-1",
    "1.5",
    "0x1F",
    "1h30m",
    "true",
    "null",
    "é",
    " ",
    "a",
    "X-Id",
];

#[test]
fn assertion_conditions() {
    fuzz(ASSERTION_TOKENS, |source| {
        if let Ok(assertion) = Assertion::parse(source) {
            let _ = assertion.reads_body();
            assert!(Assertion::parse(assertion.source()).is_ok(), "what parsed once parses again: {source:?}");
        }
    });
}

const CRON_TOKENS: &[&str] = &[
    "*",
    "/",
    "-",
    ",",
    " ",
    "L",
    "LW",
    "W",
    "#",
    "?",
    "0",
    "1",
    "5",
    "7",
    "12",
    "23",
    "29",
    "30",
    "31",
    "59",
    "60",
    "99999999999",
    "MON",
    "SUN",
    "JAN",
    "FEB",
    "DEC",
    "mon",
];

#[test]
fn cron_expressions() {
    let start = Timestamp::from_second(1_800_000_000).expect("a valid time");
    let zones = [TimeZone::UTC, TimeZone::get("Europe/Riga").expect("tzdb"), TimeZone::get("America/St_Johns").expect("tzdb")];
    fuzz(CRON_TOKENS, |source| {
        if let Ok(expr) = CronExpr::parse(source) {
            for zone in &zones {
                if let Some(next) = expr.next_after(start, zone) {
                    assert!(next > start, "{source:?} fires after its start");
                }
            }
        }
    });
}

const PING_TOKENS: &[&str] = &[
    "/",
    "start",
    "fail",
    "log",
    "0",
    "1",
    "255",
    "256",
    "-1",
    "abcdefghijklmnopqrstuv",
    "my-job",
    "%2F",
    "?",
    "rid=",
    "&",
    "=",
    "..",
    "é",
];

#[test]
fn ping_paths_and_queries() {
    fuzz(PING_TOKENS, |text| {
        let _ = PingPath::parse(text);
        let _ = run_id_from_query(Some(text));
    });
}

const JSON_FIELDS: &[&str] = &[
    "\"name\"",
    "\"url\"",
    "\"method\"",
    "\"headers\"",
    "\"body\"",
    "\"interval_seconds\"",
    "\"timeout_ms\"",
    "\"expected_status\"",
    "\"assertions\"",
    "\"failure_threshold\"",
    "\"tags\"",
    "\"period_seconds\"",
    "\"cron\"",
    "\"timezone\"",
    "\"grace_seconds\"",
    "\"slug\"",
    "\"max_run_seconds\"",
    "\"x\"",
    "\"https://example.com/\"",
    "\"0 2 * * *\"",
    "\"Europe/Riga\"",
    "\"2xx\"",
    "\"[STATUS] == 200\"",
    "0",
    "60",
    "-1",
    "1e99",
    "4294967296",
    "true",
    "null",
    "\"\"",
];

#[test]
fn monitor_and_task_bodies() {
    fuzz(&with(JSON_PUNCTUATION, JSON_FIELDS), |text| {
        if let Ok(draft) = serde_json::from_str::<MonitorDraft>(text) {
            let _ = HttpMonitorSpec::from_draft(&draft);
        }
        if let Ok(draft) = serde_json::from_str::<TaskDraft>(text) {
            let _ = TaskSpec::from_draft(&draft);
        }
    });
}

const EVENT_FIELDS: &[&str] = &[
    "\"type\"",
    "\"monitor_status_changed\"",
    "\"task_status_changed\"",
    "\"tenant_id\"",
    "\"monitor_id\"",
    "\"task_id\"",
    "\"from\"",
    "\"to\"",
    "\"down\"",
    "\"up\"",
    "\"at\"",
    "\"tags\"",
    "\"01920000-0000-7000-8000-000000000000\"",
    "\"2026-12-03T00:00:00Z\"",
    "null",
    "0",
    "\"\"",
];

#[test]
fn event_messages() {
    fuzz(&with(JSON_PUNCTUATION, EVENT_FIELDS), |text| {
        if let Ok(event) = serde_json::from_str::<DomainEvent>(text) {
            let again = serde_json::to_string(&event).expect("an event serializes");
            assert!(serde_json::from_str::<DomainEvent>(&again).is_ok(), "an event round-trips: {text:?}");
        }
    });
}

const AGENT_PROTOCOL_FIELDS: &[&str] = &[
    "\"v\"",
    "\"type\"",
    "\"body\"",
    "1",
    "2",
    "\"enrol\"",
    "\"hello\"",
    "\"samples\"",
    "\"action_result\"",
    "\"action_refused\"",
    "\"heartbeat\"",
    "\"goodbye\"",
    "\"enrolled\"",
    "\"welcome\"",
    "\"ack\"",
    "\"action\"",
    "\"through\"",
    "\"seq\"",
    "\"dropped_total\"",
    "\"at\"",
    "\"memory\"",
    "\"total_bytes\"",
    "\"uptime_seconds\"",
    "\"request\"",
    "\"signature\"",
    "\"agent_id\"",
    "\"token\"",
    "\"secret\"",
    "\"reason\"",
    "\"connection_lost\"",
    "\"2027-01-15T08:00:00Z\"",
    "\"00000000-0000-0000-0000-000000000007\"",
    "\"vet_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
    "\"restart-api\"",
    "1e308",
    "18446744073709551616",
];

#[test]
fn agent_protocol_messages() {
    use crate::agent::{AgentMessage, Message, ServerMessage};
    fuzz(&with(JSON_PUNCTUATION, AGENT_PROTOCOL_FIELDS), |text| {
        if let Ok(message) = AgentMessage::decode(text) {
            assert_eq!(AgentMessage::decode(&message.encode()).as_ref(), Ok(&message), "an agent message round-trips: {text:?}");
        }
        if let Ok(message) = ServerMessage::decode(text) {
            assert_eq!(ServerMessage::decode(&message.encode()).as_ref(), Ok(&message), "a server message round-trips: {text:?}");
        }
    });
}
