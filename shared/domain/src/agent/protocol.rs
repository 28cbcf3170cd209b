//! The agent protocol: a closed, versioned set of JSON messages, each one WebSocket text frame,
//! `{"v": 1, "type": "<kind>", "body": {...}}`.
//!
//! A connection opens with the agent's `enrol` (a one-time token, answered by `enrolled` with
//! the agent's id and secret) or `hello` (the secret, answered by `welcome`). Then the agent
//! sends `samples` batches numbered by a sequence that never goes back, and the server answers
//! each with a cumulative `ack`; the agent resends what is not acknowledged after a reconnect,
//! so the server must treat a batch number it already holds as a duplicate. The server may send
//! signed `action` requests, which the agent answers with `action_result` or `action_refused`.
//! Either side may send a `heartbeat`, and `goodbye` with its reason before closing.
//!
//! Decoding is strict: a version other than [`PROTOCOL_VERSION`], a kind not in the set of its
//! direction, a field not in the message, all are refused with an error saying which. A new
//! field or kind is a new version.

use super::action::{ActionRefusal, ActionResult, SignedActionRequest};
use super::credential::{AgentSecret, EnrolmentToken};
use super::sample::HostSample;
use crate::ids::AgentId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The version this crate speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// The largest message either side accepts, in bytes: a batch of a few hundred samples of a
/// host with many containers fits.
pub const MAX_MESSAGE_BYTES: usize = 4 << 20;

/// What an agent says about its host when it connects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostInfo {
    /// The host name.
    pub hostname: String,
    /// The operating system (`/etc/os-release`'s pretty name).
    pub os: String,
    /// The kernel release.
    pub kernel: String,
    /// The machine architecture (`x86_64`, `aarch64`).
    pub arch: String,
    /// Logical CPUs.
    pub cpu_cores: u32,
    /// The agent's version.
    pub agent_version: String,
}

/// First message of a new agent: the one-time token an admin gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrol {
    /// The token, spent by this enrolment.
    pub token: EnrolmentToken,
    /// The host.
    pub host: HostInfo,
}

/// First message of an enrolled agent: its credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// The agent.
    pub agent_id: AgentId,
    /// Its secret.
    pub secret: AgentSecret,
    /// The host.
    pub host: HostInfo,
    /// Why the agent's previous connection ended, as the agent saw it.
    #[serde(default)]
    pub previous_disconnect: Option<DisconnectNote>,
}

/// How a connection ended, as one side saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisconnectNote {
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: DisconnectReason,
    /// Detail for people (an I/O error's text); never a secret.
    #[serde(default)]
    pub detail: Option<String>,
}

/// Why a connection ended: the server records it as a connection event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisconnectReason {
    /// The agent is stopping.
    AgentStopping,
    /// The server is stopping.
    ServerStopping,
    /// The link broke (reset, timeout, no heartbeat) without a goodbye.
    ConnectionLost,
    /// The enrolment token is unknown, spent or expired.
    EnrolmentRefused,
    /// The credential is unknown or wrong.
    AuthenticationFailed,
    /// An admin revoked the agent's credential.
    CredentialRevoked,
    /// The other side sent something the protocol does not allow.
    ProtocolError,
    /// A newer connection of the same agent replaced this one.
    Superseded,
}

/// A batch of samples. `seq` numbers batches of one agent from 1, never reused, even across
/// restarts of the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleBatch {
    /// The batch's number.
    pub seq: u64,
    /// Batches the agent dropped since it was enrolled, unsent, because its buffer was full
    /// (a running total, so that a lost count is corrected by the next).
    pub dropped_total: u64,
    /// The samples, oldest first.
    pub samples: Vec<HostSample>,
}

/// A heartbeat: the sender's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The sender's time.
    pub at: Timestamp,
}

/// The last message of a connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goodbye {
    /// Why the sender closes.
    pub reason: DisconnectReason,
    /// Detail for people.
    #[serde(default)]
    pub detail: Option<String>,
}

/// The answer to `enrol`: the agent's id and secret, to be stored by the agent and shown to
/// nobody.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrolled {
    /// The agent's id.
    pub agent_id: AgentId,
    /// Its secret.
    pub secret: AgentSecret,
}

/// The answer to `hello`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Welcome {
    /// The agent's id.
    pub agent_id: AgentId,
    /// The highest batch number the server holds: the agent may drop those up to it, and
    /// numbers its next batches above it.
    #[serde(default)]
    pub acked_through: Option<u64>,
}

/// The server holds every batch up to `through`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    /// The highest batch number acknowledged.
    pub through: u64,
}

macro_rules! message_set {
    ($(#[$doc:meta])* $name:ident, $from:literal, { $($(#[$vdoc:meta])* $variant:ident($body:ty) = $kind:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "type", content = "body")]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $kind)] $variant($body),)*
        }

        impl Message for $name {
            const KINDS: &'static [&'static str] = &[$($kind),*];
            const FROM: &'static str = $from;

            fn decode_body(kind: &str, body: Value) -> Result<Self, serde_path_to_error::Error<serde_json::Error>> {
                match kind {
                    $($kind => serde_path_to_error::deserialize(body).map(Self::$variant),)*
                    _ => unreachable!("decode checks the kind against KINDS first"),
                }
            }
        }
    };
}

message_set!(
    /// A message from an agent to the server.
    AgentMessage, "an agent", {
        /// Enrolment with a one-time token.
        Enrol(Enrol) = "enrol",
        /// Authentication with the agent's credential.
        Hello(Hello) = "hello",
        /// Samples.
        Samples(SampleBatch) = "samples",
        /// An action ran.
        ActionResult(ActionResult) = "action_result",
        /// An action was refused.
        ActionRefused(ActionRefusal) = "action_refused",
        /// Still here.
        Heartbeat(Heartbeat) = "heartbeat",
        /// Closing.
        Goodbye(Goodbye) = "goodbye",
    }
);

message_set!(
    /// A message from the server to an agent.
    ServerMessage, "the server", {
        /// Enrolment accepted.
        Enrolled(Enrolled) = "enrolled",
        /// Authentication accepted.
        Welcome(Welcome) = "welcome",
        /// Batches acknowledged.
        Ack(Ack) = "ack",
        /// Run an action.
        Action(SignedActionRequest) = "action",
        /// Still here.
        Heartbeat(Heartbeat) = "heartbeat",
        /// Closing.
        Goodbye(Goodbye) = "goodbye",
    }
);

/// Why a message was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// Larger than [`MAX_MESSAGE_BYTES`].
    #[error("the message is {bytes} bytes; the most is {max}")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Not a JSON object.
    #[error("the message is not a JSON object: {0}")]
    NotAnObject(String),
    /// No `v`, or not a whole number.
    #[error("the message has no version: it needs \"v\": {PROTOCOL_VERSION}")]
    MissingVersion,
    /// A version this side does not speak.
    #[error("protocol version {found} is not supported; this side speaks version {PROTOCOL_VERSION}")]
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// No `type`, or not a string.
    #[error("the message has no \"type\"")]
    MissingKind,
    /// A kind not in the set of this direction.
    #[error("unknown message type {kind:?} from {from}; expected one of {expected}", expected = .expected.join(", "))]
    UnknownKind {
        /// The kind found.
        kind: String,
        /// Who sent it: `an agent` or `the server`.
        from: &'static str,
        /// The kinds allowed.
        expected: &'static [&'static str],
    },
    /// A top-level field other than `v`, `type` and `body`.
    #[error("unexpected field {0:?} beside v, type and body")]
    UnexpectedField(String),
    /// The body does not fit its kind.
    #[error("invalid {kind} message at {path}: {detail}")]
    InvalidBody {
        /// The kind.
        kind: String,
        /// Where in the body (`body.samples[0].memory`).
        path: String,
        /// What is wrong.
        detail: String,
    },
}

/// One direction's message set.
pub trait Message: Serialize + Sized {
    /// The kinds, as they appear in `type`.
    const KINDS: &'static [&'static str];
    /// Who sends these, for errors.
    const FROM: &'static str;

    /// The message of a known `kind` from its body.
    fn decode_body(kind: &str, body: Value) -> Result<Self, serde_path_to_error::Error<serde_json::Error>>;

    /// The message as one text frame.
    fn encode(&self) -> String {
        let mut value = serde_json::to_value(self).expect("a message always serializes");
        if let Value::Object(map) = &mut value {
            map.insert("v".into(), PROTOCOL_VERSION.into());
        }
        value.to_string()
    }

    /// Reads one text frame, strictly: see the module's documentation.
    fn decode(text: &str) -> Result<Self, ProtocolError> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(ProtocolError::TooLarge { bytes: text.len(), max: MAX_MESSAGE_BYTES });
        }
        let mut map: Map<String, Value> = match serde_json::from_str(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(ProtocolError::NotAnObject("it is another JSON value".into())),
            Err(error) => return Err(ProtocolError::NotAnObject(error.to_string())),
        };
        let version = map.remove("v").and_then(|v| v.as_u64()).ok_or(ProtocolError::MissingVersion)?;
        if version != PROTOCOL_VERSION {
            return Err(ProtocolError::UnsupportedVersion { found: version });
        }
        let kind = match map.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            _ => return Err(ProtocolError::MissingKind),
        };
        if !Self::KINDS.contains(&kind.as_str()) {
            return Err(ProtocolError::UnknownKind { kind, from: Self::FROM, expected: Self::KINDS });
        }
        if let Some(field) = map.keys().find(|k| *k != "type" && *k != "body") {
            return Err(ProtocolError::UnexpectedField(field.clone()));
        }
        let body = map.remove("body").ok_or_else(|| ProtocolError::InvalidBody {
            kind: kind.clone(),
            path: "body".into(),
            detail: "missing".into(),
        })?;
        Self::decode_body(&kind, body).map_err(|error| {
            let path = match error.path().to_string() {
                path if path == "." => "body".to_owned(),
                path if path.starts_with('[') => format!("body{path}"),
                path => format!("body.{path}"),
            };
            ProtocolError::InvalidBody { kind: kind.clone(), path, detail: error.into_inner().to_string() }
        })
    }
}
